using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace Factorizer.Bench;

/// <summary>GNU coreutils <c>factor</c>, run once with every number on stdin; the time includes process start and printing.</summary>
internal sealed class GnuFactorRunner : IReferenceFactorizer
{
    private const string Executable = "/usr/bin/factor";

    public static GnuFactorRunner Instance { get; } = new();

    public string Name => "GNU factor";

    public bool IsAvailable => File.Exists(Executable);

    public IReadOnlyDictionary<string, string> FactorAll(IReadOnlyList<BigInteger> numbers, TimeSpan timeout)
    {
        var input = new StringBuilder();
        foreach (BigInteger n in numbers)
        {
            input.Append(n.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        var lines = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in Run(input.ToString(), timeout).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            lines[line[..line.IndexOf(':', StringComparison.Ordinal)]] = line;
        }
        return lines;
    }

    private static string Run(string input, TimeSpan timeout)
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
