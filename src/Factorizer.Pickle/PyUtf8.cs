using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Factorizer.Pickle;

/// <summary>
/// UTF-8 with Python's <c>surrogatepass</c> error handler, which pickle uses for str: a lone surrogate
/// (legal in a Python str and a C# string alike) travels as its 3-byte form, e.g. U+D800 as <c>ED A0 80</c>.
/// .NET's encoder would replace it with U+FFFD, so both directions handle that case by hand.
/// </summary>
internal static class PyUtf8
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Encodes <paramref name="text"/>; lone surrogates become their 3-byte forms.</summary>
    public static byte[] Encode(string text)
    {
        // A lone surrogate takes 3 bytes both as U+FFFD and as itself, so this count is exact.
        byte[] result = new byte[Encoding.UTF8.GetByteCount(text)];
        ReadOnlySpan<char> source = text;
        Span<byte> destination = result;
        while (true)
        {
            OperationStatus status = Utf8.FromUtf16(source, destination, out int read, out int written, replaceInvalidSequences: false);
            if (status == OperationStatus.Done)
            {
                return result;
            }
            // InvalidData: source[read] is a lone surrogate.
            char c = source[read];
            destination[written] = (byte)(0xE0 | (c >> 12));
            destination[written + 1] = (byte)(0x80 | ((c >> 6) & 0x3F));
            destination[written + 2] = (byte)(0x80 | (c & 0x3F));
            source = source[(read + 1)..];
            destination = destination[(written + 3)..];
        }
    }

    /// <summary>Decodes strictly, except that the 3-byte forms of surrogates are accepted.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return bytes.IndexOf((byte)0xED) < 0 ? Strict.GetString(bytes) : DecodeWithSurrogates(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new UnpicklingException("pickle has a str that is not valid UTF-8: " + e.Message, e);
        }
    }

    private static string DecodeWithSurrogates(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        int runStart = 0;
        int i = 0;
        while (i < bytes.Length)
        {
            if (IsSurrogateForm(bytes[i..]))
            {
                sb.Append(Strict.GetString(bytes[runStart..i]));
                sb.Append((char)(0xD000 | ((bytes[i + 1] & 0x3F) << 6) | (bytes[i + 2] & 0x3F)));
                i += 3;
                runStart = i;
            }
            else
            {
                i++;
            }
        }
        sb.Append(Strict.GetString(bytes[runStart..]));
        return sb.ToString();
    }

    // ED A0..BF 80..BF encodes U+D800..U+DFFF. ED is always a lead byte, so this cannot match inside
    // another character.
    private static bool IsSurrogateForm(ReadOnlySpan<byte> b) =>
        b.Length >= 3 && b[0] == 0xED && (b[1] & 0xE0) == 0xA0 && (b[2] & 0xC0) == 0x80;
}
