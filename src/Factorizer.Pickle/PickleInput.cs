using System.Buffers.Binary;

namespace Factorizer.Pickle;

/// <summary>
/// A cursor over the pickle bytes. Every read checks the remaining length first, so a hostile length
/// ends in <see cref="TruncatedPickleException"/> before anything is allocated for it.
/// </summary>
internal ref struct PickleInput
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public PickleInput(ReadOnlySpan<byte> data) => _data = data;

    /// <summary>Offset of the next byte, for error messages.</summary>
    public readonly int Position => _position;

    /// <summary>Bytes left after the cursor.</summary>
    public readonly int Remaining => _data.Length - _position;

    public byte ReadByte() => Take(1)[0];

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public double ReadDoubleBigEndian() => BinaryPrimitives.ReadDoubleBigEndian(Take(8));

    /// <summary>The next <paramref name="length"/> bytes; the length may be anything a pickle declares.</summary>
    public ReadOnlySpan<byte> Take(ulong length)
    {
        if (length > (ulong)Remaining)
        {
            throw new TruncatedPickleException(
                $"pickle data was truncated: {length} bytes declared at offset {_position}, {Remaining} left");
        }
        ReadOnlySpan<byte> slice = _data.Slice(_position, (int)length);
        _position += (int)length;
        return slice;
    }

    /// <summary>Bytes up to the next newline (consumed, not returned), as GLOBAL writes them.</summary>
    public ReadOnlySpan<byte> ReadLine()
    {
        int end = _data[_position..].IndexOf((byte)'\n');
        if (end < 0)
        {
            throw new TruncatedPickleException($"pickle data was truncated: no end of line after offset {_position}");
        }
        ReadOnlySpan<byte> line = _data.Slice(_position, end);
        _position += end + 1;
        return line;
    }
}
