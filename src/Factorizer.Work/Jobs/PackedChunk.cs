using System.Buffers.Binary;

namespace Factorizer.Work.Jobs;

/// <summary>
/// A job chunk in the compact form our own workers ask for (<see cref="JobWire.ReservePackedMethod"/>):
/// Python <c>bytes</c> holding a version byte, the count as a little-endian uint32, then each number
/// as a little-endian int64. It costs the server one copy instead of pickling a list of ints, and
/// the worker one pass instead of unpickling one. Only chunks of numbers below 2^63 have this form;
/// the others go out as lists (the seed's shape), as do all chunks a plain <c>get</c> takes.
/// </summary>
public static class PackedChunk
{
    /// <summary>The format's first byte.</summary>
    public const byte Version = 1;

    /// <summary>Bytes before the numbers.</summary>
    private const int HeaderLength = 5;

    /// <summary>Most numbers a packed chunk may hold (a hostile count is refused before any allocation).</summary>
    public const int MaxCount = 1 << 24;

    /// <summary>The packed form of <paramref name="numbers"/>, or null when one is not a non-negative <see cref="long"/>.</summary>
    public static byte[]? TryPack(IReadOnlyList<object?> numbers)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        if (numbers.Count > MaxCount)
        {
            return null;
        }
        byte[] blob = new byte[HeaderLength + (8 * numbers.Count)];
        blob[0] = Version;
        BinaryPrimitives.WriteUInt32LittleEndian(blob.AsSpan(1), (uint)numbers.Count);
        Span<byte> body = blob.AsSpan(HeaderLength);
        for (int i = 0; i < numbers.Count; i++)
        {
            if (numbers[i] is not long n || n < 0)
            {
                return null;
            }
            BinaryPrimitives.WriteInt64LittleEndian(body[(8 * i)..], n);
        }
        return blob;
    }

    /// <summary>
    /// The numbers of a packed chunk, as Python ints (boxed <see cref="long"/>s). Throws
    /// <see cref="InvalidDataException"/> for anything that is not exactly a packed chunk.
    /// </summary>
    public static List<object?> Unpack(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < HeaderLength || blob[0] != Version)
        {
            throw new InvalidDataException($"a packed job must start with version {Version} and a count ({blob.Length} bytes given)");
        }
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(blob[1..]);
        if (count > MaxCount || blob.Length - HeaderLength != 8L * count)
        {
            throw new InvalidDataException($"a packed job of {count} numbers must be {HeaderLength + (8L * count)} bytes, not {blob.Length}");
        }
        var numbers = new List<object?>((int)count);
        ReadOnlySpan<byte> body = blob[HeaderLength..];
        for (int i = 0; i < (int)count; i++)
        {
            long n = BinaryPrimitives.ReadInt64LittleEndian(body[(8 * i)..]);
            if (n < 0)
            {
                throw new InvalidDataException($"a packed job holds a negative number ({n})");
            }
            numbers.Add(n);
        }
        return numbers;
    }
}
