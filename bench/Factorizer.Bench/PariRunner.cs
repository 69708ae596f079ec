using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Factorizer.Bench;

/// <summary>
/// Runs PARI/GP (<c>gp</c>, a benchmark reference only) on a list of numbers: each is factored
/// <c>repeats</c> times inside one gp process, timed by gp's own wall clock (so process start is excluded,
/// as it is for ours), and gp reports the median time and the prime factors.
/// </summary>
internal static class PariRunner
{
    public const string Executable = "/usr/bin/gp";

    /// <summary>The median milliseconds (gp's clock has 1 ms resolution) and prime factors with multiplicity, per number.</summary>
    public static IReadOnlyList<(double Milliseconds, BigInteger[] Factors)> Run(IReadOnlyList<BigInteger> numbers, int repeats, TimeSpan timeout)
    {
        var script = new StringBuilder();
        foreach (BigInteger n in numbers)
        {
            script.Append(CultureInfo.InvariantCulture,
                $"{{my(n={n},R={repeats},ts=vector(R),f);for(r=1,R,my(t=getwalltime());f=factor(n);ts[r]=getwalltime()-t);")
                .Append("print(vecsort(ts)[(R+1)\\2],\" \",concat(vector(#f~,i,vector(f[i,2],j,f[i,1]))));}\n");
        }
        var psi = new ProcessStartInfo(Executable, ["-q", "-f", "--default", "parisizemax=256M"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {Executable}");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        process.StandardInput.Write(script.ToString());
        process.StandardInput.Close();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Executable} did not finish within {timeout}");
        }
        string[] lines = output.GetAwaiter().GetResult().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length != numbers.Count)
        {
            throw new InvalidOperationException($"{Executable} printed {lines.Length} lines for {numbers.Count} numbers");
        }
        return [.. lines.Select(Parse)];
    }

    /// <summary>Parses "12 [3, 3, 5]".</summary>
    private static (double, BigInteger[]) Parse(string line)
    {
        int space = line.IndexOf(' ', StringComparison.Ordinal);
        double ms = double.Parse(line[..space], CultureInfo.InvariantCulture);
        BigInteger[] factors = [.. line[(space + 1)..].Trim('[', ']', ' ')
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(f => BigInteger.Parse(f, CultureInfo.InvariantCulture))];
        return (ms, factors);
    }
}
