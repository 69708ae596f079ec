using System.Numerics;
using System.Runtime.InteropServices;

namespace Factorizer.Work.Jobs;

/// <summary>
/// Reads whitespace-separated non-negative decimal integers of any size from a stream, as GNU
/// <c>factor</c> reads them, keeping line numbers for error messages. Streams: memory use does not
/// grow with the input. Values come as the pickle model has them: <c>long</c>, or <c>BigInteger</c>
/// beyond 2^63 - 1.
/// </summary>
/// <remarks>
/// Input is read as bytes, not decoded: a bad token is reported with <see cref="Cli.DisplayText"/>,
/// so NUL, ESC and invalid UTF-8 show as escapes (<c>\x1b</c>, <c>\xff</c>), never raw. Whitespace is
/// space, tab, CR, LF, VT and FF, so CRLF files read like LF files (GNU <c>factor</c> rejects
/// <c>5\r</c>). A token of any length costs bounded memory: at most 100,000 digits are kept.
/// </remarks>
public sealed class InputNumberReader
{
    private const int MaxTokenLength = 100_000; // digits; a longer token is surely not meant as a number

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[1 << 16];
    private const int MaxShownBytes = 256; // kept for the error message: more than DisplayText shows of any text

    private readonly List<byte> _token = new(32); // reused: the current token's digits
    private readonly List<byte> _shown = new(MaxShownBytes); // reused: the current token's first bytes, as read
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
        if (TryReadShortNumber(b, out long value))
        {
            number = value;
            return true;
        }
        ulong small = 0;
        bool overflow = false;
        List<byte> digits = _token;
        digits.Clear();
        _shown.Clear();
        long length = 0; // the whole token's length in bytes, however long it is
        bool plus = b == '+';
        if (plus)
        {
            Keep(b);
            length++;
            b = Next();
        }
        bool valid = b >= 0 && !IsSpace(b);
        while (b >= 0 && !IsSpace(b))
        {
            Keep(b);
            length++;
            if (b is < '0' or > '9')
            {
                valid = false;
                digits.Clear(); // not needed any more: only _shown is reported
            }
            else if (valid && digits.Count < MaxTokenLength)
            {
                digits.Add((byte)b);
                if (!overflow)
                {
                    ulong next = small * 10 + (ulong)(b - '0');
                    overflow = small > (ulong.MaxValue - 9) / 10 || next > long.MaxValue;
                    small = next;
                }
            }
            b = Next();
        }
        if (b == '\n')
        {
            _position--; // let the newline be counted on the next call, after the error line is right
        }
        if (!valid)
        {
            throw new InvalidInputException(Line, Cli.DisplayText.Escape(CollectionsMarshal.AsSpan(_shown), length > _shown.Count));
        }
        if (length - (plus ? 1 : 0) > MaxTokenLength)
        {
            throw new InvalidInputException(Line, Cli.DisplayText.Escape(CollectionsMarshal.AsSpan(_shown), truncated: true),
                $"is too long ({length} characters; a number may have at most {MaxTokenLength} digits)");
        }
        number = overflow ? (object)BigInteger.Parse(System.Text.Encoding.ASCII.GetString([.. digits]), System.Globalization.CultureInfo.InvariantCulture) : (long)small;
        return true;
    }

    /// <summary>
    /// The common case without the per-byte bookkeeping of the general path: a token of at most 18
    /// digits (so below 2^63) that ends inside the buffer. <paramref name="first"/> is the token's first
    /// byte, already taken; on false nothing more has been taken and the general path reads the token.
    /// </summary>
    private bool TryReadShortNumber(int first, out long value)
    {
        value = 0;
        if (first is < '0' or > '9')
        {
            return false;
        }
        ulong n = (ulong)(first - '0');
        int end = System.Math.Min(_length, _position + 17); // 17 more digits at most
        int i = _position;
        for (; i < end; i++)
        {
            int digit = _buffer[i] - '0';
            if ((uint)digit > 9)
            {
                break;
            }
            n = n * 10 + (ulong)digit;
        }
        // It ends here only if a whitespace byte follows inside the buffer (not a digit, a sign, a letter or the buffer's end).
        if (i == _length || !IsSpace(_buffer[i]))
        {
            return false;
        }
        _position = i; // the whitespace (a newline too) is read on the next call, which counts the line
        value = (long)n;
        return true;
    }

    private void Keep(int b)
    {
        if (_shown.Count < MaxShownBytes)
        {
            _shown.Add((byte)b);
        }
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
