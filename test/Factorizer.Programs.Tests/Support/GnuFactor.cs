using Factorizer.TestSupport;

namespace Factorizer.Programs.Tests.Support;

/// <summary>GNU coreutils <c>factor</c>, the reference every run's output is compared with.</summary>
internal static class GnuFactor
{
    public const string Path = "/usr/bin/factor";

    /// <summary>GNU factor's output for <paramref name="input"/> (it must be valid for GNU factor: LF line ends).</summary>
    public static async Task<string> RunAsync(string input)
    {
        Assert.True(File.Exists(Path), $"{Path} (GNU coreutils) is needed as the reference");
        await using ChildProcess factor = ChildProcess.Start(Path, []);
        Task<ProcessResult> done = factor.WaitAsync(TimeSpan.FromSeconds(60));
        await factor.StandardInput.WriteAsync(input);
        factor.StandardInput.Close();
        ProcessResult result = await done;
        Assert.True(result.ExitCode == 0, $"GNU factor failed on the test input: {result}");
        return result.StdOut;
    }
}
