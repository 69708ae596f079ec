using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Factorizer.Pickle;

/// <summary>Python-style <c>repr()</c> text of a pickle value, for error messages and logs.</summary>
public static class PyRepr
{
    /// <summary>The repr of <paramref name="value"/>, cut to <paramref name="maxLength"/> characters.</summary>
    public static string Of(object? value, int maxLength = 200)
    {
        var sb = new StringBuilder();
        Append(sb, value, maxLength, depth: 0);
        return sb.Length > maxLength ? string.Concat(sb.ToString(0, maxLength), "...") : sb.ToString();
    }

    private static void Append(StringBuilder sb, object? value, int maxLength, int depth)
    {
        if (sb.Length > maxLength || depth > 20)
        {
            sb.Append("...");
            return;
        }
        switch (value)
        {
            case null: sb.Append("None"); break;
            case bool b: sb.Append(b ? "True" : "False"); break;
            case string s: sb.Append('\'').Append(s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)).Append('\''); break;
            case double d: sb.Append(Float(d)); break;
            case byte[] bytes: AppendBytes(sb, bytes); break;
            case BigInteger big: sb.Append(big.ToString(CultureInfo.InvariantCulture)); break;
            case PyTuple t:
                AppendItems(sb, "(", t, t.Count == 1 ? ",)" : ")", maxLength, depth);
                break;
            case IDictionary dict:
                sb.Append('{');
                bool first = true;
                foreach (DictionaryEntry e in dict)
                {
                    if (!first) sb.Append(", ");
                    first = false;
                    Append(sb, e.Key, maxLength, depth + 1);
                    sb.Append(": ");
                    Append(sb, e.Value, maxLength, depth + 1);
                    if (sb.Length > maxLength) break;
                }
                sb.Append('}');
                break;
            case IList list: AppendItems(sb, "[", list, "]", maxLength, depth); break;
            case IEnumerable items when value is not string: AppendItems(sb, "{", items, "}", maxLength, depth); break;
            case IFormattable f: sb.Append(f.ToString(null, CultureInfo.InvariantCulture)); break;
            default: sb.Append(value); break;
        }
    }

    // Close to Python's float repr: nan, inf, 1.0 (the exponent threshold differs; fine for messages).
    private static string Float(double d)
    {
        if (double.IsNaN(d))
        {
            return "nan";
        }
        if (double.IsInfinity(d))
        {
            return d > 0 ? "inf" : "-inf";
        }
        string text = d.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('e', StringComparison.Ordinal) ? text : text + ".0";
    }

    // Python's bytes repr: printable ASCII as is, the rest as \xNN; long values are cut.
    private static void AppendBytes(StringBuilder sb, byte[] bytes)
    {
        sb.Append("b'");
        foreach (byte b in bytes.AsSpan(0, Math.Min(bytes.Length, 64)))
        {
            switch (b)
            {
                case (byte)'\\': sb.Append("\\\\"); break;
                case (byte)'\'': sb.Append("\\'"); break;
                case (byte)'\n': sb.Append("\\n"); break;
                case (byte)'\r': sb.Append("\\r"); break;
                case (byte)'\t': sb.Append("\\t"); break;
                case >= 0x20 and < 0x7F: sb.Append((char)b); break;
                default: sb.Append(CultureInfo.InvariantCulture, $"\\x{b:x2}"); break;
            }
        }
        sb.Append(bytes.Length > 64 ? "...'" : "'");
    }

    private static void AppendItems(StringBuilder sb, string open, IEnumerable items, string close, int maxLength, int depth)
    {
        sb.Append(open);
        bool first = true;
        foreach (object? item in items)
        {
            if (!first) sb.Append(", ");
            first = false;
            Append(sb, item, maxLength, depth + 1);
            if (sb.Length > maxLength) break;
        }
        sb.Append(close);
    }
}
