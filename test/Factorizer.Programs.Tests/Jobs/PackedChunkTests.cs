using System.Numerics;
using Factorizer.Work.Jobs;

namespace Factorizer.Programs.Tests.Jobs;

public class PackedChunkTests
{
    [Fact]
    public void Pack_ThenUnpack_GivesTheNumbersBackInOrder()
    {
        List<object?> numbers = [999_999_000_001L, 0L, 1L, long.MaxValue, 12L, 12L];
        byte[] blob = PackedChunk.TryPack(numbers)!;
        Assert.Equal(5 + (8 * numbers.Count), blob.Length);
        Assert.Equal(numbers, PackedChunk.Unpack(blob));
        Assert.Empty(PackedChunk.Unpack(PackedChunk.TryPack([])!));
    }

    [Fact]
    public void TryPack_ANumberPastALong_HasNoPackedForm()
    {
        Assert.Null(PackedChunk.TryPack([5L, BigInteger.Pow(2, 63)]));
        Assert.Null(PackedChunk.TryPack([5L, -1L]));
        Assert.Null(PackedChunk.TryPack([5L, "5"]));
    }

    public static TheoryData<byte[]> Garbage => new()
    {
        Array.Empty<byte>(),
        new byte[] { 1, 0, 0 },                                      // truncated header
        new byte[] { 2, 0, 0, 0, 0 },                                // another version
        new byte[] { 1, 1, 0, 0, 0, 1, 2, 3 },                       // truncated number
        new byte[] { 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 9 },     // a byte too many
        new byte[] { 1, 0xFF, 0xFF, 0xFF, 0xFF },                    // a hostile count, no allocation
        new byte[] { 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80 },     // a negative number
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Unpack_AnythingElse_IsRefusedCleanly(byte[] blob) =>
        Assert.Throws<InvalidDataException>(() => PackedChunk.Unpack(blob));
}
