using System.Numerics;

namespace Factorizer.Work.Jobs;

/// <summary>
/// Reads whitespace-separated non-negative decimal integers of any size from a stream, as GNU
/// <c>factor</c> reads them, keeping line numbers for error messages. Streams: memory use does not
/// grow with the input. Values come as the pickle model has them: <c>long</c>, or <c>BigInteger</c>
/// beyond 2^63 - 1.
/// </summary>
public sealed class InputNumberReader
{
    private const int MaxTokenLength = 100_000; // digits; a longer token is surely not meant as a number

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[1 << 16];
    private readonly List<byte> _token = new(32); // reused: the current token's characters
    private int _length;
    private int _position;

    /// <summary>Reads from <paramref name="stream"/> (not disposed here).</summary>
    public InputNumberReader(Stream stream) => _stream = stream;

    /// <summary>Line of the last token read (1-based).</summary>
    public long Line { get; private set; } = 1;

    /// <summary>
    /// Reads the next number; false at the end of input. Throws <see cref="InvalidInputException"/>
    /// for a token that is not a non-negative integer.
    /// </summary>
    public bool TryRead(out object number)
    {
        number = 0L;
        int b;
        while (true)
        {
            b = Next();
            if (b < 0)
            {
                return false;
            }
            if (b == '\n')
            {
                Line++;
            }
            else if (!IsSpace(b))
            {
                break;
            }
        }
        ulong small = 0;
        bool overflow = false;
        List<byte> digits = _token;
        digits.Clear();
        bool plus = b == '+';
        if (plus)
        {
            b = Next();
        }
        bool valid = b >= 0 && !IsSpace(b);
        while (b >= 0 && !IsSpace(b))
        {
            if (b is < '0' or > '9' || digits.Count >= MaxTokenLength)
            {
                valid = false;
            }
            if (valid)
            {
                digits.Add((byte)b);
                if (!overflow)
                {
                    ulong next = small * 10 + (ulong)(b - '0');
                    overflow = small > (ulong.MaxValue - 9) / 10 || next > long.MaxValue;
                    small = next;
                }
            }
            else if (digits.Count < 64)
            {
                digits.Add((byte)b);
            }
            b = Next();
        }
        if (b == '\n')
        {
            _position--; // let the newline be counted on the next call, after the error line is right
        }
        if (!valid)
        {
            string token = System.Text.Encoding.UTF8.GetString([.. digits]);
            throw new InvalidInputException(Line, (plus ? "+" : "") + (token.Length > 40 ? token[..40] + "..." : token));
        }
        number = overflow ? (object)BigInteger.Parse(System.Text.Encoding.ASCII.GetString([.. digits]), System.Globalization.CultureInfo.InvariantCulture) : (long)small;
        return true;
    }

    private int Next()
    {
        if (_position == _length)
        {
            _length = _stream.Read(_buffer, 0, _buffer.Length);
            _position = 0;
            if (_length <= 0)
            {
                _length = 0;
                return -1;
            }
        }
        return _buffer[_position++];
    }

    private static bool IsSpace(int b) => b is ' ' or '\n' or '\t' or '\r' or '\v' or '\f';
}
