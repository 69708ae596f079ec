using System.Globalization;
using System.Numerics;
using System.Text;
using Factorizer.Math;
using Factorizer.Pickle;

namespace Factorizer.Work.Serving;

/// <summary>
/// Reads and verifies a result dict (int → list of ints): every factor list must be the prime
/// factorization of its key. Pure; no state.
/// </summary>
internal static class ResultCheck
{
    /// <summary>The result's keys as a chunk signature, or null when the value is not a dict of ints.</summary>
    public static string? Signature(object? result, out Dictionary<object, object?>? dict)
    {
        dict = result as Dictionary<object, object?>;
        if (dict is null || dict.Count == 0)
        {
            return null;
        }
        var keys = new List<BigInteger>(dict.Count);
        foreach (object key in dict.Keys)
        {
            if (!TryInteger(key, out BigInteger n) || n.Sign < 0)
            {
                return null;
            }
            keys.Add(n);
        }
        return SignatureOf(keys);
    }

    /// <summary>The signature of a set of numbers: their distinct values, sorted, as text.</summary>
    public static string SignatureOf(IEnumerable<BigInteger> numbers) =>
        string.Join(',', numbers.Distinct().Order().Select(n => n.ToString(CultureInfo.InvariantCulture)));

    /// <summary>
    /// Checks every entry; returns the GNU-factor line for each number (by value) and the problems found.
    /// </summary>
    public static (Dictionary<BigInteger, string> Lines, List<string> Problems) Verify(Dictionary<object, object?> dict)
    {
        var lines = new Dictionary<BigInteger, string>(dict.Count);
        var problems = new List<string>();
        foreach ((object key, object? value) in dict)
        {
            if (key is long small && TryFactors64(value, out ulong[]? smallFactors))
            {
                // The common case, without BigInteger arithmetic: n and every factor fit in 64 bits.
                Array.Sort(smallFactors!);
                if (FactorizationVerifier.Verify((ulong)small, smallFactors, out string? why))
                {
                    lines[small] = FormatLine(small, smallFactors!);
                }
                else
                {
                    problems.Add($"{small}: wrong factorization {PyRepr.Of(value, 80)}: {why}");
                }
                continue;
            }
            TryInteger(key, out BigInteger n);
            if (!TryFactors(value, out List<BigInteger>? factors))
            {
                problems.Add($"{n}: the factors are not a list of ints ({PyRepr.Of(value, 60)})");
                continue;
            }
            factors!.Sort();
            if (!FactorizationVerifier.Verify(n, factors, out string? reason))
            {
                problems.Add($"{n}: wrong factorization {PyRepr.Of(value, 80)}: {reason}");
                continue;
            }
            lines[n] = FormatLine(n, factors);
        }
        return (lines, problems);
    }

    /// <summary>What a result holds that its chunk does not, and what it lacks.</summary>
    public static IEnumerable<string> Coverage(IEnumerable<object?> chunk, Dictionary<object, object?> result)
    {
        var wanted = new HashSet<object?>(chunk, PyEqualityComparer.Instance);
        foreach (object? n in wanted.Where(n => !result.ContainsKey(n!)))
        {
            yield return $"{PyRepr.Of(n)}: no result for it";
        }
        foreach (object key in result.Keys.Where(k => !wanted.Contains(k)))
        {
            yield return $"{PyRepr.Of(key)}: a result for a number not in the chunk";
        }
    }

    /// <summary>GNU factor's line: <c>n: p1 p2 ...</c> (just <c>n:</c> for 0 and 1).</summary>
    public static string FormatLine(BigInteger n, IEnumerable<BigInteger> ascendingFactors)
    {
        var sb = new StringBuilder();
        sb.Append(n.ToString(CultureInfo.InvariantCulture)).Append(':');
        foreach (BigInteger p in ascendingFactors)
        {
            sb.Append(' ').Append(p.ToString(CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private static string FormatLine(long n, ulong[] ascendingFactors)
    {
        var sb = new StringBuilder(24 + (ascendingFactors.Length * 8));
        sb.Append(n).Append(':');
        foreach (ulong p in ascendingFactors)
        {
            sb.Append(' ').Append(p);
        }
        return sb.ToString();
    }

    /// <summary>The factors as non-negative 64-bit values, when they all are (false otherwise, no error).</summary>
    private static bool TryFactors64(object? value, out ulong[]? factors)
    {
        factors = null;
        if (value is not List<object?> list)
        {
            return false;
        }
        var result = new ulong[list.Count];
        for (int i = 0; i < result.Length; i++)
        {
            if (list[i] is not long p || p < 0)
            {
                return false;
            }
            result[i] = (ulong)p;
        }
        factors = result;
        return true;
    }

    private static bool TryFactors(object? value, out List<BigInteger>? factors)
    {
        factors = null;
        IEnumerable<object?>? items = value switch
        {
            List<object?> list => list,
            PyTuple tuple => tuple,
            _ => null,
        };
        if (items is null)
        {
            return false;
        }
        factors = [];
        foreach (object? item in items)
        {
            if (item is null || !TryInteger(item, out BigInteger p))
            {
                return false;
            }
            factors.Add(p);
        }
        return true;
    }

    private static bool TryInteger(object value, out BigInteger n)
    {
        switch (value)
        {
            case long l: n = l; return true;
            case BigInteger b: n = b; return true;
            default: n = default; return false;
        }
    }
}
