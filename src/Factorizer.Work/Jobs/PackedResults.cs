namespace Factorizer.Work.Jobs;

/// <summary>
/// Factorizations in the compact form of our workers' packed reports: per number, its index in the
/// chunk and its prime factors, each an unsigned LEB128 varint (index, factor count, factors). The
/// server knows the chunk, so the numbers themselves never travel back. Only factors below 2^64 fit;
/// a number with a larger factor goes in the report's dict instead.
/// </summary>
public sealed class PackedResults
{
    /// <summary>Most factors one record may claim: a number below 2^64 has at most 63 prime factors.</summary>
    public const int MaxFactors = 64;

    private byte[] _buffer = [];
    private int _length;

    /// <summary>Bytes written so far.</summary>
    public int Length => _length;

    /// <summary>Appends the factorization of the chunk's number at <paramref name="index"/>.</summary>
    public void Add(int index, ReadOnlySpan<ulong> factors)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(factors.Length, MaxFactors);
        Reserve(10 * (2 + factors.Length));
        WriteVarint((ulong)index);
        WriteVarint((ulong)factors.Length);
        foreach (ulong p in factors)
        {
            WriteVarint(p);
        }
    }

    /// <summary>
    /// Appends a factorization given as Python ints; false (nothing written) when one is not a
    /// non-negative integer below 2^64, or there are too many.
    /// </summary>
    public bool TryAdd(int index, IReadOnlyList<object?> factors)
    {
        ArgumentNullException.ThrowIfNull(factors);
        if (factors.Count > MaxFactors)
        {
            return false;
        }
        Span<ulong> words = stackalloc ulong[factors.Count];
        for (int i = 0; i < words.Length; i++)
        {
            switch (factors[i])
            {
                case long p and >= 0:
                    words[i] = (ulong)p;
                    break;
                case System.Numerics.BigInteger big when big.Sign >= 0 && big <= ulong.MaxValue:
                    words[i] = (ulong)big;
                    break;
                default:
                    return false;
            }
        }
        Add(index, words);
        return true;
    }

    /// <summary>Appends records written elsewhere (a report that could not be sent, given back).</summary>
    public void AddRecords(ReadOnlySpan<byte> records)
    {
        Reserve(records.Length);
        records.CopyTo(_buffer.AsSpan(_length));
        _length += records.Length;
    }

    /// <summary>The records written, and starts over empty.</summary>
    public byte[] Take()
    {
        byte[] taken = _buffer.AsSpan(0, _length).ToArray();
        _length = 0;
        return taken;
    }

    /// <summary>
    /// Reads the next record of <paramref name="records"/> from <paramref name="offset"/>, advancing it:
    /// false at the end. Throws <see cref="InvalidDataException"/> for a truncated or malformed record
    /// (an overlong varint, an index past <paramref name="chunkSize"/>, more than <see cref="MaxFactors"/> factors).
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> records, ref int offset, int chunkSize, Span<ulong> factors, out int index, out int count)
    {
        index = 0;
        count = 0;
        if (offset >= records.Length)
        {
            return false;
        }
        ulong at = ReadVarint(records, ref offset);
        if (at >= (ulong)chunkSize)
        {
            throw new InvalidDataException($"a packed result for index {at} of a chunk of {chunkSize}");
        }
        ulong claimed = ReadVarint(records, ref offset);
        if (claimed > MaxFactors || claimed > (ulong)factors.Length)
        {
            throw new InvalidDataException($"a packed result claims {claimed} factors (at most {MaxFactors})");
        }
        index = (int)at;
        count = (int)claimed;
        for (int i = 0; i < count; i++)
        {
            factors[i] = ReadVarint(records, ref offset);
        }
        return true;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int offset)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (offset >= data.Length)
            {
                throw new InvalidDataException("the packed results end inside a number");
            }
            byte b = data[offset++];
            if (shift == 63 && b > 1)
            {
                throw new InvalidDataException("a packed number does not fit 64 bits");
            }
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
        throw new InvalidDataException("a packed number does not fit 64 bits");
    }

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[_length++] = (byte)value;
    }

    private void Reserve(int more)
    {
        if (_length + more > _buffer.Length)
        {
            Array.Resize(ref _buffer, System.Math.Max(_length + more, System.Math.Max(256, _buffer.Length * 2)));
        }
    }
}
