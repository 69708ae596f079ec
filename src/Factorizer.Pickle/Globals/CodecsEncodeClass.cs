namespace Factorizer.Pickle.Globals;

/// <summary>
/// <c>_codecs.encode(text, encoding)</c>: how Python 3 writes bytes in protocol 2, e.g.
/// <c>_codecs.encode('\x00\xffab', 'latin1')</c>. Only latin-1, ASCII and UTF-8 are known.
/// </summary>
internal sealed class CodecsEncodeClass() : PyClass("_codecs.encode")
{
    public override object? Reduce(PyTuple args)
    {
        if (args.Count is < 1 or > 3 || args[0] is not string text)
        {
            throw new UnpicklingException($"{QualifiedName} needs (str, encoding[, errors]), got {args}");
        }
        string encoding = args.Count > 1 ? args[1] as string ?? throw new UnpicklingException($"{QualifiedName}: encoding must be a str") : "utf-8";
        return Encode(text, encoding);
    }

    /// <summary>Encodes like <c>str.encode(encoding)</c> for the encodings pickles use.</summary>
    public static byte[] Encode(string text, string encoding)
    {
        switch (encoding.ToUpperInvariant().Replace('_', '-'))
        {
            case "LATIN1" or "LATIN-1" or "ISO-8859-1" or "ISO8859-1" or "L1":
                return Narrow(text, (char)0xFF, "latin-1");
            case "ASCII" or "US-ASCII":
                return Narrow(text, (char)0x7F, "ascii");
            case "UTF-8" or "UTF8":
                return PyUtf8.Encode(text);
            default:
                throw new UnpicklingException($"unknown encoding '{encoding}'");
        }
    }

    private static byte[] Narrow(string text, char max, string name)
    {
        byte[] bytes = new byte[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            bytes[i] = text[i] <= max ? (byte)text[i] : throw new UnpicklingException($"'{name}' codec can't encode character U+{(int)text[i]:X4}");
        }
        return bytes;
    }
}
