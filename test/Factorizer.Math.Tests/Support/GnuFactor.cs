using System.Globalization;
using System.Numerics;
using System.Text;
using Factorizer.TestSupport;

namespace Factorizer.Math.Tests;

/// <summary>
/// The reference implementation: GNU coreutils <c>factor</c>, run once per batch with every number on stdin.
/// It prints one line per number, <c>n: p1 p2 ...</c> (ascending, with multiplicity; just <c>n:</c> for 0 and 1).
/// </summary>
internal static class GnuFactor
{
    private const string Executable = "/usr/bin/factor";

    /// <summary>Generous: a batch of 200,000 numbers takes well under a second.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// GNU factor's output line for each of <paramref name="numbers"/>, keyed by the number's decimal text.
    /// Keyed rather than by position because coreutils 9.1 writes lines for numbers above 2^128 through a
    /// different buffer than the others, so on a pipe they can come out of input order.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> FactorLinesAsync(IReadOnlyCollection<BigInteger> numbers)
    {
        Assert.True(File.Exists(Executable), $"{Executable} (GNU coreutils) is required by these tests");
        var input = new StringBuilder();
        foreach (BigInteger n in numbers)
        {
            input.Append(n.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        await using ChildProcess child = ChildProcess.Start(Executable, []);
        // stdout is drained asynchronously by ChildProcess, so writing everything first cannot deadlock.
        await child.StandardInput.WriteAsync(input.ToString());
        child.StandardInput.Close();
        ProcessResult result = await child.WaitAsync(Timeout);
        Assert.True(result.ExitCode == 0, $"factor failed: {result}");
        string[] lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == numbers.Count, $"factor printed {lines.Length} lines for {numbers.Count} numbers");
        var byNumber = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in lines)
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            Assert.True(colon > 0, $"unexpected factor output line '{line}'");
            byNumber[line[..colon]] = line;
        }
        return byNumber;
    }

    /// <summary>Formats a factorization the way GNU factor does.</summary>
    public static string Format(BigInteger n, IEnumerable<BigInteger> factors)
    {
        var line = new StringBuilder(n.ToString(CultureInfo.InvariantCulture)).Append(':');
        foreach (BigInteger f in factors)
        {
            line.Append(' ').Append(f.ToString(CultureInfo.InvariantCulture));
        }
        return line.ToString();
    }
}
