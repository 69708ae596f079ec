using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Factorizer.Bench;

/// <summary>Runs GNU <c>factor</c> once with every number on stdin and collects its output.</summary>
internal static class GnuFactorRunner
{
    public const string Executable = "/usr/bin/factor";

    /// <summary>The input text factor reads: one decimal number per line.</summary>
    public static string InputFor(IEnumerable<BigInteger> numbers)
    {
        var text = new StringBuilder();
        foreach (BigInteger n in numbers)
        {
            text.Append(n.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Runs factor on <paramref name="input"/> and returns stdout; the wall time includes process start.</summary>
    public static string Run(string input, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using Process process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {Executable}");
        // Read stdout concurrently so a full pipe never blocks factor while we are still writing.
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Executable} did not finish within {timeout}");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Executable} exited with {process.ExitCode}");
        }
        return output.GetAwaiter().GetResult();
    }
}
