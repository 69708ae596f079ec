using System.Globalization;
using System.Numerics;

namespace Factorizer.Math.Tests;

/// <summary>Compares our factorizations with GNU factor's, line by line, and reports the first differences.</summary>
internal static class FactorComparison
{
    private const int MaxReported = 10;

    /// <summary>Factors every number with <see cref="PrimeFactorizer.Factor(BigInteger)"/> (and, below 2^64, the ulong overload).</summary>
    public static async Task AssertMatchesGnuAsync(IReadOnlyList<BigInteger> numbers)
    {
        Assert.NotEmpty(numbers);
        IReadOnlyDictionary<string, string> gnuLines = await GnuFactor.FactorLinesAsync(numbers);
        var mismatches = new List<string>();
        for (int i = 0; i < numbers.Count && mismatches.Count < MaxReported; i++)
        {
            BigInteger n = numbers[i];
            string expected = gnuLines.TryGetValue(n.ToString(CultureInfo.InvariantCulture), out string? line) ? line : $"(no line from GNU factor for {n})";
            BigInteger[] factors = PrimeFactorizer.Factor(n);
            string actual = GnuFactor.Format(n, factors);
            if (actual != expected)
            {
                mismatches.Add($"expected '{expected}', got '{actual}'");
                continue;
            }
            if (n <= ulong.MaxValue)
            {
                string word = GnuFactor.Format(n, PrimeFactorizer.Factor((ulong)n).Select(f => (BigInteger)f));
                if (word != expected)
                {
                    mismatches.Add($"ulong overload: expected '{expected}', got '{word}'");
                }
            }
        }
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} (or more) mismatches vs GNU factor:\n" + string.Join('\n', mismatches));
    }
}
