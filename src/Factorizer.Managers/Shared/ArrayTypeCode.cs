using System.Buffers.Binary;
using System.Numerics;
using System.Text;
using Factorizer.Managers.Server;
using Factorizer.Pickle;

namespace Factorizer.Managers.Shared;

/// <summary>
/// One of <c>array.array</c>'s typecodes: what an item may be (an int in a C type's range, a float, one character),
/// and the forms an <c>array.array</c> takes in a pickle: <c>array.array(typecode, list)</c> (protocol 2, and what
/// the server writes), <c>array.array(typecode, bytes)</c> (what <c>multiprocessing.managers</c> registers with its
/// pickler: the client's native bytes, read as little-endian with a 64-bit C long and a 4-byte <c>wchar_t</c>, as on
/// Linux and macOS) and <c>array._array_reconstructor(array.array, typecode, machine_format, bytes)</c> (protocol 3
/// and later, plain <c>pickle</c>).
/// </summary>
internal sealed class ArrayTypeCode
{
    private enum Kind { Signed, Unsigned, Float, Character }

    private static readonly Dictionary<string, ArrayTypeCode> ByCode = new(StringComparer.Ordinal)
    {
        ["b"] = new("b", Kind.Signed, 8, 1, "signed char"),
        ["B"] = new("B", Kind.Unsigned, 8, 0, "unsigned byte integer"),
        ["h"] = new("h", Kind.Signed, 16, 4, "signed short integer"),
        ["H"] = new("H", Kind.Unsigned, 16, 2, "unsigned short"),
        ["i"] = new("i", Kind.Signed, 32, 8, "signed integer"),
        ["I"] = new("I", Kind.Unsigned, 32, 6, "unsigned int"),
        ["l"] = new("l", Kind.Signed, 64, 12, "signed long integer"),   // C long: 64 bits on the LP64 systems CPython clients run on
        ["L"] = new("L", Kind.Unsigned, 64, 10, "unsigned long"),
        ["q"] = new("q", Kind.Signed, 64, 12, "signed long long integer"),
        ["Q"] = new("Q", Kind.Unsigned, 64, 10, "unsigned long long"),
        ["f"] = new("f", Kind.Float, 32, 14, "float"),
        ["d"] = new("d", Kind.Float, 64, 16, "double"),
        ["u"] = new("u", Kind.Character, 32, 20, "unicode character"),
        ["w"] = new("w", Kind.Character, 32, 20, "unicode character"),
    };

    private readonly Kind _kind;
    private readonly int _bits;
    private readonly int _nativeFormat; // the machine format code of a little-endian LP64 client's tobytes()
    private readonly string _cName;

    private ArrayTypeCode(string code, Kind kind, int bits, int nativeFormat, string cName)
    {
        Code = code;
        _kind = kind;
        _bits = bits;
        _nativeFormat = nativeFormat;
        _cName = cName;
    }

    /// <summary>The typecode, e.g. <c>i</c>.</summary>
    public string Code { get; }

    /// <summary>The typecode for <paramref name="value"/>, or Python's error for a bad one.</summary>
    public static ArrayTypeCode Of(object? value)
    {
        if (value is not string code)
        {
            throw PythonErrorException.TypeError($"array() argument 1 must be a unicode character, not {PyErrors.TypeName(value)}");
        }
        return ByCode.TryGetValue(code, out ArrayTypeCode? typeCode) ? typeCode
            : throw PythonErrorException.ValueError("bad typecode (must be b, B, u, w, h, H, i, I, l, L, q, Q, f or d)");
    }

    /// <summary>Checks (and normalises) one item as <c>array.array</c> does when it is stored.</summary>
    public object? Item(object? value)
    {
        switch (_kind)
        {
            case Kind.Float:
                double d = value switch
                {
                    double x => x,
                    long l => l,
                    bool b => b ? 1 : 0,
                    BigInteger big => (double)big,
                    _ => throw PythonErrorException.TypeError($"must be real number, not {PyErrors.TypeName(value)}"),
                };
                return _bits == 32 ? (double)(float)d : d;
            case Kind.Character:
                return value is string { Length: > 0 } s && s.EnumerateRunes().Count() == 1 ? s
                    : throw PythonErrorException.TypeError($"array item must be a unicode character, not {PyErrors.TypeName(value)}");
            default:
                BigInteger n = value switch
                {
                    long l => l,
                    bool b => b ? 1 : 0,
                    BigInteger big => big,
                    _ => throw PythonErrorException.TypeError($"'{PyErrors.TypeName(value)}' object cannot be interpreted as an integer"),
                };
                BigInteger min = _kind == Kind.Signed ? -(BigInteger.One << (_bits - 1)) : 0;
                BigInteger max = _kind == Kind.Signed ? (BigInteger.One << (_bits - 1)) - 1 : (BigInteger.One << _bits) - 1;
                if (n < min || n > max)
                {
                    throw new PythonErrorException(PyException.Builtin("OverflowError", $"{_cName} is {(n < min ? "less than minimum" : "greater than maximum")}"));
                }
                return n >= long.MinValue && n <= long.MaxValue ? (object)(long)n : n;
        }
    }

    /// <summary>An <c>array.array</c> of this typecode holding <paramref name="items"/>, as the server writes it.</summary>
    public PyObject ToPickle(IEnumerable<object?> items) =>
        new(new PyGlobal("array", "array"), PyObjectCall.Reduce, new PyTuple(Code, items.ToList()));

    /// <summary>Reads an <c>array.array</c> in either pickled form; false when <paramref name="value"/> is not one.</summary>
    public static bool TryReadArray(PyObject value, out ArrayTypeCode typeCode, out List<object?> items)
    {
        typeCode = null!;
        items = null!;
        switch (value)
        {
            case { Module: "array", Name: "array", Call: PyObjectCall.Reduce, Args: [string code, List<object?> list] }:
                typeCode = Of(code);
                items = list.Select(typeCode.Item).ToList();
                return true;
            case { Module: "array", Name: "array", Call: PyObjectCall.Reduce, Args: [string code, byte[] native] }:
                typeCode = Of(code);
                items = Decode(typeCode._nativeFormat, native).Select(typeCode.Item).ToList();
                return true;
            case { Module: "array", Name: "_array_reconstructor", Call: PyObjectCall.Reduce, Args: [PyGlobal, string code, long format, byte[] bytes] }:
                typeCode = Of(code);
                items = Decode(format, bytes).Select(typeCode.Item).ToList();
                return true;
            default:
                return false;
        }
    }

    /// <summary>CPython's machine format codes (arraymodule.c): bytes of one C type, little or big endian.</summary>
    private static List<object?> Decode(long format, byte[] bytes)
    {
        int size = format switch
        {
            0 or 1 => 1,
            >= 2 and <= 5 => 2,
            >= 6 and <= 9 or 14 or 15 or 20 or 21 => 4,
            >= 10 and <= 13 or 16 or 17 => 8,
            18 or 19 => 2,
            _ => throw PythonErrorException.ValueError($"third argument must be a valid machine format code, not {format}"),
        };
        if (format is 18 or 19)
        {
            // UTF-16: surrogate pairs make one character of two units.
            string text = (format == 18 ? Encoding.Unicode : Encoding.BigEndianUnicode).GetString(bytes);
            return [.. text.EnumerateRunes().Select(r => (object?)r.ToString())];
        }
        if (bytes.Length % size != 0)
        {
            throw PythonErrorException.ValueError("string length not a multiple of item size");
        }
        var items = new List<object?>(bytes.Length / size);
        for (int at = 0; at < bytes.Length; at += size)
        {
            ReadOnlySpan<byte> b = bytes.AsSpan(at, size);
            items.Add(format switch
            {
                0 => (long)b[0],
                1 => (long)(sbyte)b[0],
                2 => (long)BinaryPrimitives.ReadUInt16LittleEndian(b),
                3 => (long)BinaryPrimitives.ReadUInt16BigEndian(b),
                4 => (long)BinaryPrimitives.ReadInt16LittleEndian(b),
                5 => (long)BinaryPrimitives.ReadInt16BigEndian(b),
                6 => (long)BinaryPrimitives.ReadUInt32LittleEndian(b),
                7 => (long)BinaryPrimitives.ReadUInt32BigEndian(b),
                8 => (long)BinaryPrimitives.ReadInt32LittleEndian(b),
                9 => (long)BinaryPrimitives.ReadInt32BigEndian(b),
                10 => Unsigned(BinaryPrimitives.ReadUInt64LittleEndian(b)),
                11 => Unsigned(BinaryPrimitives.ReadUInt64BigEndian(b)),
                12 => BinaryPrimitives.ReadInt64LittleEndian(b),
                13 => BinaryPrimitives.ReadInt64BigEndian(b),
                14 => (double)BinaryPrimitives.ReadSingleLittleEndian(b),
                15 => (double)BinaryPrimitives.ReadSingleBigEndian(b),
                16 => BinaryPrimitives.ReadDoubleLittleEndian(b),
                17 => BinaryPrimitives.ReadDoubleBigEndian(b),
                _ => Character(format == 20 ? BinaryPrimitives.ReadUInt32LittleEndian(b) : BinaryPrimitives.ReadUInt32BigEndian(b)),
            });
        }
        return items;
    }

    private static object Unsigned(ulong value) => value <= long.MaxValue ? (object)(long)value : (BigInteger)value;

    private static string Character(uint scalar) => Rune.IsValid(scalar) ? new Rune(scalar).ToString()
        : throw PythonErrorException.ValueError($"character U+{scalar:x} is not in range [U+0000; U+10ffff]");
}
