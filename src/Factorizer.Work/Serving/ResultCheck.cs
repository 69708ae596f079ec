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
    public static (VerifiedLines Lines, List<string> Problems) VerifyPacked(IReadOnlyList<object?> numbers, ReadOnlySpan<byte> records)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        var lines = new VerifiedLines(numbers.Count);
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
                switch (numbers[index])
                {
                    case long n when n >= 0:
                        Checked(index, (ulong)n, found, lines, problems);
                        break;
                    case BigInteger big when big.Sign >= 0 && big <= ulong.MaxValue:
                        Checked(index, (ulong)big, found, lines, problems);
                        break;
                    case BigInteger big:
                        Checked(index, big, found, lines, problems);
                        break;
                    case var other:
                        problems.Add($"{PyRepr.Of(other, 40)}: a packed result for an item that is no number");
                        break;
                }
            }
        }
        catch (InvalidDataException e)
        {
            problems.Add($"malformed packed results: {e.Message}");
        }
        return (lines, problems);
    }

    private static void Checked(int index, ulong n, ReadOnlySpan<ulong> factors, VerifiedLines lines, List<string> problems)
    {
        if (FactorizationVerifier.Verify(n, factors, out string? why))
        {
            lines.Add(index, n, factors);
        }
        else
        {
            problems.Add($"{n}: wrong factorization [{string.Join(", ", factors.ToArray())}]: {why}");
        }
    }

    private static void Checked(int index, BigInteger n, ReadOnlySpan<ulong> factors, VerifiedLines lines, List<string> problems)
    {
        List<BigInteger> big = [.. factors.ToArray().Select(p => (BigInteger)p)];
        if (FactorizationVerifier.Verify(n, big, out string? why))
        {
            lines.Add(index, FormatLine(n, big));
        }
        else
        {
            problems.Add($"{n}: wrong factorization [{string.Join(", ", big)}]: {why}");
        }
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

    /// <summary>GNU factor's line for a 64-bit number, formatted in one buffer (one allocation, the string).</summary>
    public static string FormatLine(ulong n, ReadOnlySpan<ulong> ascendingFactors)
    {
        if (ascendingFactors.Length > PackedResults.MaxFactors)
        {
            return FormatLine(n, ascendingFactors.ToArray().Select(p => (BigInteger)p)); // never for a true factorization
        }
        Span<char> text = stackalloc char[MaxLineLength(ascendingFactors.Length)];
        TryFormatLine(text, n, ascendingFactors, out int length);
        return new string(text[..length]);
    }

    /// <summary>The longest line a 64-bit number with <paramref name="factors"/> factors can have: 20 digits a number, ':' and a space before each factor.</summary>
    public static int MaxLineLength(int factors) => 21 + (21 * factors);

    /// <summary>
    /// Writes GNU factor's line for a 64-bit number into <paramref name="text"/>; false (nothing written)
    /// when it may not fit in <see cref="MaxLineLength"/> of the factor count, or there are more than
    /// <see cref="PackedResults.MaxFactors"/> factors.
    /// </summary>
    public static bool TryFormatLine(Span<char> text, ulong n, ReadOnlySpan<ulong> ascendingFactors, out int length)
    {
        length = 0;
        if (ascendingFactors.Length > PackedResults.MaxFactors || text.Length < MaxLineLength(ascendingFactors.Length))
        {
            return false;
        }
        n.TryFormat(text, out length, default, CultureInfo.InvariantCulture);
        text[length++] = ':';
        foreach (ulong p in ascendingFactors)
        {
            text[length++] = ' ';
            p.TryFormat(text[length..], out int written, default, CultureInfo.InvariantCulture);
            length += written;
        }
        return true;
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
