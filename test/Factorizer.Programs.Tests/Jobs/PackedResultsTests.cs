using System.Numerics;
using Factorizer.Work.Jobs;

namespace Factorizer.Programs.Tests.Jobs;

public class PackedResultsTests
{
    /// <summary>Every record as "index: factors".</summary>
    private static List<string> ReadAll(byte[] records, int chunkSize)
    {
        var read = new List<string>();
        Span<ulong> factors = stackalloc ulong[PackedResults.MaxFactors];
        int offset = 0;
        while (PackedResults.TryRead(records, ref offset, chunkSize, factors, out int index, out int count))
        {
            read.Add($"{index}: {string.Join(' ', factors[..count].ToArray())}");
        }
        return read;
    }

    [Fact]
    public void Add_ThenRead_GivesEveryRecordBack()
    {
        var packed = new PackedResults();
        packed.Add(3, [3, 3, 3, 7, 11, 13, 37, 101, 9901]);
        packed.Add(0, []);
        packed.Add(70_000, [ulong.MaxValue, 127, 128]);
        Assert.True(packed.TryAdd(1, [2L, new BigInteger(ulong.MaxValue)]));
        byte[] records = packed.Take();
        Assert.Equal(0, packed.Length);
        Assert.Equal(["3: 3 3 3 7 11 13 37 101 9901", "0: ", "70000: 18446744073709551615 127 128", "1: 2 18446744073709551615"], ReadAll(records, 70_001));
    }

    [Fact]
    public void TryAdd_AFactorPast64Bits_WritesNothing()
    {
        var packed = new PackedResults();
        Assert.False(packed.TryAdd(0, [3L, BigInteger.Pow(2, 64) + 1]));
        Assert.False(packed.TryAdd(0, [-3L]));
        Assert.False(packed.TryAdd(0, [.. Enumerable.Repeat<object?>(2L, PackedResults.MaxFactors + 1)]));
        Assert.Equal(0, packed.Length);
    }

    [Fact]
    public void AddRecords_GivesTakenRecordsBack()
    {
        var packed = new PackedResults();
        packed.Add(0, [2]);
        byte[] taken = packed.Take();
        packed.Add(1, [3]);
        packed.AddRecords(taken);
        Assert.Equal(["1: 3", "0: 2"], ReadAll(packed.Take(), 2));
    }

    public static TheoryData<byte[], int> Garbage => new()
    {
        { new byte[] { 0x80 }, 10 },                                       // ends inside the index
        { new byte[] { 0, 2, 5 }, 10 },                                     // claims two factors, has one
        { new byte[] { 10, 0 }, 10 },                                       // index past the chunk
        { new byte[] { 0, 65 }, 10 },                                       // too many factors
        { new byte[] { 0, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02 }, 10 }, // past 64 bits
        { new byte[] { 0, 1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, 10 }, // overlong
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void TryRead_TruncatedOrHostileRecords_AreRefusedCleanly(byte[] records, int chunkSize) =>
        Assert.Throws<InvalidDataException>(() => ReadAll(records, chunkSize));
}
