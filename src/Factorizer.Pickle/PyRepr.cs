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
            case double d: sb.Append(d.ToString("R", CultureInfo.InvariantCulture)); break;
            case byte[] bytes: sb.Append("b'").Append(Convert.ToHexString(bytes.AsSpan(0, Math.Min(bytes.Length, 64)))).Append(bytes.Length > 64 ? "...'" : "'"); break;
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
