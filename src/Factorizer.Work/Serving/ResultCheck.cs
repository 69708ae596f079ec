using System.Globalization;
using System.Numerics;
using System.Text;
using Factorizer.Math;
using Factorizer.Pickle;
using Factorizer.Work.Jobs;

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
                    lines[small] = FormatLine((ulong)small, smallFactors);
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

    /// <summary>
    /// Checks the records of a packed report against the chunk's own <paramref name="numbers"/> (the
    /// numbers never travel back, so each record's index names its number); returns the GNU-factor
    /// line for each index verified and the problems found. Malformed records (truncated, an index
    /// outside the chunk, too many factors) are one problem and end the reading.
    /// </summary>
    public static (List<(int Index, string Line)> Lines, List<string> Problems) VerifyPacked(IReadOnlyList<object?> numbers, ReadOnlySpan<byte> records)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        var lines = new List<(int, string)>(numbers.Count);
        var problems = new List<string>();
        Span<ulong> factors = stackalloc ulong[PackedResults.MaxFactors];
        int offset = 0;
        try
        {
            while (PackedResults.TryRead(records, ref offset, numbers.Count, factors, out int index, out int count))
            {
                Span<ulong> found = factors[..count];
                if (!IsAscending(found))
                {
                    found.Sort();
                }
                string? line = numbers[index] switch
                {
                    long n when n >= 0 => Checked((ulong)n, found, problems),
                    BigInteger big when big.Sign >= 0 && big <= ulong.MaxValue => Checked((ulong)big, found, problems),
                    BigInteger big => Checked(big, found, problems),
                    var other => Problem(problems, $"{PyRepr.Of(other, 40)}: a packed result for an item that is no number"),
                };
                if (line is not null)
                {
                    lines.Add((index, line));
                }
            }
        }
        catch (InvalidDataException e)
        {
            problems.Add($"malformed packed results: {e.Message}");
        }
        return (lines, problems);
    }

    private static string? Checked(ulong n, ReadOnlySpan<ulong> factors, List<string> problems) =>
        FactorizationVerifier.Verify(n, factors, out string? why)
            ? FormatLine(n, factors)
            : Problem(problems, $"{n}: wrong factorization [{string.Join(", ", factors.ToArray())}]: {why}");

    private static string? Checked(BigInteger n, ReadOnlySpan<ulong> factors, List<string> problems)
    {
        List<BigInteger> big = [.. factors.ToArray().Select(p => (BigInteger)p)];
        return FactorizationVerifier.Verify(n, big, out string? why)
            ? FormatLine(n, big)
            : Problem(problems, $"{n}: wrong factorization [{string.Join(", ", big)}]: {why}");
    }

    private static string? Problem(List<string> problems, string problem)
    {
        problems.Add(problem);
        return null;
    }

    private static bool IsAscending(ReadOnlySpan<ulong> values)
    {
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] < values[i - 1])
            {
                return false;
            }
        }
        return true;
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

    /// <summary>GNU factor's line for a 64-bit number, formatted in one buffer (the hot path: one allocation, the string).</summary>
    public static string FormatLine(ulong n, ReadOnlySpan<ulong> ascendingFactors)
    {
        if (ascendingFactors.Length > PackedResults.MaxFactors)
        {
            return FormatLine(n, ascendingFactors.ToArray().Select(p => (BigInteger)p)); // never for a true factorization
        }
        // 20 digits at most per number, plus ':' and a space before each factor.
        Span<char> text = stackalloc char[21 + (21 * ascendingFactors.Length)];
        n.TryFormat(text, out int length, default, CultureInfo.InvariantCulture);
        text[length++] = ':';
        foreach (ulong p in ascendingFactors)
        {
            text[length++] = ' ';
            p.TryFormat(text[length..], out int written, default, CultureInfo.InvariantCulture);
            length += written;
        }
        return new string(text[..length]);
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
