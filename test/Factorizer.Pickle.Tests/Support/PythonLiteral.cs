using System.Collections.Frozen;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Factorizer.Pickle.Tests.Support;

/// <summary>
/// Parses the Python <c>repr</c> text the vectors carry into our value model, so each case can be compared
/// with what the reader returns: literals, tuples, lists, dicts, sets, <c>frozenset(...)</c>, <c>set()</c>,
/// <c>bytearray(...)</c>, <c>Token(...)</c>, <c>nan</c>/<c>inf</c>, <c>a**b</c>, and any other call as a
/// <see cref="PythonCall"/>.
/// </summary>
public sealed class PythonLiteral
{
    private readonly string _text;
    private int _pos;

    private PythonLiteral(string text) => _text = text;

    /// <summary>Parses one whole value.</summary>
    public static object? Parse(string text)
    {
        var parser = new PythonLiteral(text);
        object? value = parser.Value();
        parser.SkipSpace();
        return parser._pos == text.Length ? value : throw parser.Error("trailing text");
    }

    private object? Value()
    {
        SkipSpace();
        char c = Peek();
        object? value = c switch
        {
            '(' => TupleOrParenthesized(),
            '[' => List(),
            '{' => DictOrSet(),
            '\'' or '"' => Text(),
            'b' when Next is '\'' or '"' => Bytes(),
            '-' or (>= '0' and <= '9') => Number(),
            _ => NameOrCall(),
        };
        SkipSpace();
        if (Lookahead("**"))
        {
            _pos += 2;
            object? exponent = Number();
            return ToInt(BigInteger.Pow(AsBig(value), (int)(long)exponent!));
        }
        return value;
    }

    private object? TupleOrParenthesized()
    {
        List<object?> items = Items('(', ')', out bool trailingComma);
        return items.Count == 1 && !trailingComma ? items[0] : new PyTuple([.. items]);
    }

    private List<object?> List() => Items('[', ']', out _);

    private List<object?> Items(char open, char close, out bool trailingComma)
    {
        Expect(open);
        var items = new List<object?>();
        trailingComma = false;
        while (true)
        {
            SkipSpace();
            if (Peek() == close)
            {
                _pos++;
                return items;
            }
            items.Add(Value());
            SkipSpace();
            trailingComma = Peek() == ',';
            if (trailingComma)
            {
                _pos++;
            }
        }
    }

    private object DictOrSet()
    {
        Expect('{');
        SkipSpace();
        var dict = new Dictionary<object, object?>(PyEqualityComparer.Instance);
        var set = new HashSet<object>(PyEqualityComparer.Instance);
        bool? isDict = null;
        while (true)
        {
            SkipSpace();
            if (Peek() == '}')
            {
                _pos++;
                return isDict == false ? set : dict;
            }
            object key = Value() ?? throw Error("None key");
            SkipSpace();
            if (Peek() == ':')
            {
                _pos++;
                isDict = true;
                dict[key] = Value();
            }
            else
            {
                isDict = false;
                set.Add(key);
            }
            SkipSpace();
            if (Peek() == ',')
            {
                _pos++;
            }
        }
    }

    private object? NameOrCall()
    {
        int start = _pos;
        while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] is '_' or '.'))
        {
            _pos++;
        }
        string name = _text[start.._pos];
        switch (name)
        {
            case "None": return null;
            case "True": return true;
            case "False": return false;
            case "nan": return double.NaN;
            case "inf": return double.PositiveInfinity;
            case "": throw Error("unexpected character");
        }
        var args = new List<object?>();
        var kwargs = new List<KeyValuePair<string, object?>>();
        Expect('(');
        while (true)
        {
            SkipSpace();
            if (Peek() == ')')
            {
                _pos++;
                break;
            }
            int save = _pos;
            string keyword = Identifier();
            SkipSpace();
            if (keyword.Length > 0 && Peek() == '=')
            {
                _pos++;
                kwargs.Add(new(keyword, Value()));
            }
            else
            {
                _pos = save;
                args.Add(Value());
            }
            SkipSpace();
            if (Peek() == ',')
            {
                _pos++;
            }
        }
        return MakeCall(new PythonCall(name, args, kwargs));
    }

    private static object? MakeCall(PythonCall call) => call switch
    {
        { Name: "set", Args.Count: 0 } => new HashSet<object>(PyEqualityComparer.Instance),
        { Name: "frozenset", Args.Count: 0 } => FrozenSet<object>.Empty,
        { Name: "frozenset" } => ((IEnumerable<object>)call.Args[0]!).ToFrozenSet(PyEqualityComparer.Instance),
        { Name: "bytearray" } => call.Args[0],
        { Name: "Token" } => new TestToken((string)Kw(call, "typeid", 0)!, (PyTuple)Kw(call, "address", 1)!, (string)Kw(call, "id", 2)!),
        _ => call,
    };

    private static object? Kw(PythonCall call, string name, int position) =>
        call.Kwargs.Count > 0 ? call.Kwargs.Single(k => k.Key == name).Value : call.Args[position];

    private string Identifier()
    {
        int start = _pos;
        while (_pos < _text.Length && (char.IsLetterOrDigit(_text[_pos]) || _text[_pos] == '_'))
        {
            _pos++;
        }
        return _text[start.._pos];
    }

    private object Number()
    {
        int start = _pos;
        if (Peek() == '-')
        {
            _pos++;
            if (Lookahead("inf"))
            {
                _pos += 3;
                return double.NegativeInfinity;
            }
        }
        bool isFloat = false;
        while (_pos < _text.Length && (char.IsDigit(_text[_pos]) || _text[_pos] is '.' or 'e' or 'E'
            || (_text[_pos] is '+' or '-' && _text[_pos - 1] is 'e' or 'E')))
        {
            isFloat |= _text[_pos] is '.' or 'e' or 'E';
            _pos++;
        }
        string s = _text[start.._pos];
        return isFloat
            ? double.Parse(s, CultureInfo.InvariantCulture)
            : ToInt(BigInteger.Parse(s, CultureInfo.InvariantCulture));
    }

    private static object ToInt(BigInteger v) => v >= long.MinValue && v <= long.MaxValue ? (object)(long)v : v;

    private static BigInteger AsBig(object? v) => v is long l ? l : (BigInteger)v!;

    private string Text()
    {
        Quoted(isBytes: false, out string text);
        return text;
    }

    private byte[] Bytes()
    {
        _pos++;
        return Quoted(isBytes: true, out _);
    }

    // Reads a quoted literal; returns the bytes for b'' literals and the text for str ones.
    private byte[] Quoted(bool isBytes, out string text)
    {
        char quote = Peek();
        _pos++;
        var sb = new StringBuilder();
        var bytes = new List<byte>();
        while (Peek() != quote)
        {
            char c = _text[_pos++];
            if (c != '\\')
            {
                sb.Append(c);
                bytes.Add((byte)c);
                continue;
            }
            char e = _text[_pos++];
            int code = e switch
            {
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                '0' => 0,
                'x' => Hex(2),
                'u' when !isBytes => Hex(4),
                'U' when !isBytes => Hex(8),
                _ => e,
            };
            if (code > 0xFFFF)
            {
                sb.Append(char.ConvertFromUtf32(code));
            }
            else
            {
                sb.Append((char)code);
            }
            bytes.Add((byte)code);
        }
        _pos++;
        text = sb.ToString();
        return [.. bytes];
    }

    private int Hex(int digits)
    {
        int value = int.Parse(_text.AsSpan(_pos, digits), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        _pos += digits;
        return value;
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : throw Error("unexpected end");

    private char? Next => _pos + 1 < _text.Length ? _text[_pos + 1] : null;

    private bool Lookahead(string s) => string.CompareOrdinal(_text, _pos, s, 0, s.Length) == 0;

    private void Expect(char c)
    {
        SkipSpace();
        if (Peek() != c)
        {
            throw Error($"expected '{c}'");
        }
        _pos++;
    }

    private void SkipSpace()
    {
        while (_pos < _text.Length && _text[_pos] == ' ')
        {
            _pos++;
        }
    }

    private FormatException Error(string what) => new($"{what} at {_pos} in: {_text}");
}
