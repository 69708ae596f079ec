using Factorizer.Programs.Tests.Support;
using Factorizer.TestSupport;
using Xunit.Abstractions;

namespace Factorizer.Programs.Tests.Interop;

/// <summary>The seed's client (Python 3 port, multiprocessing workers doing get_nowait) drains factor-server.</summary>
public class SeedPythonClientTests(ITestOutputHelper output)
{
    [Theory]
    [InstalledPythons]
    [MissingPythons]
    public async Task SeedClient_DrainsFactorServer_OutputMatchesGnuFactor(string version)
    {
        output.WriteLine(Python.Describe(version));
        await using ChildProcess server = TestPrograms.StartLocalServer("--count", "200", "--procs", "0");
        int port = await TestPrograms.WaitListeningAsync(server);
        await using ChildProcess client = ChildProcess.Start(Python.Require(version),
            [TestPrograms.SeedClientScript, "--ip", "127.0.0.1", "--port", $"{port}", "--authkey", TestPrograms.Key, "--procs", "2"]);

        ProcessResult clientResult = await client.WaitAsync(TestPrograms.RunTimeout);
        ProcessResult served = await server.WaitAsync(TestPrograms.RunTimeout);

        Assert.True(clientResult.ExitCode == 0, clientResult.ToString());
        Assert.Contains($"Client connected to 127.0.0.1:{port}", clientResult.StdOut, StringComparison.Ordinal);
        Assert.True(served.ExitCode == 0, served.ToString());
        Assert.Equal(await GnuFactor.RunAsync(TestPrograms.AsInput(TestPrograms.SeedNumbers(200))), served.StdOut);
        Assert.Contains("python or other", served.StdErr, StringComparison.Ordinal); // its row in the summary
    }

    [Fact]
    public async Task SeedClient_WrongKey_FailsAndTheServerCarriesOn()
    {
        await using ChildProcess server = TestPrograms.StartLocalServer("--count", "20", "--procs", "0");
        int port = await TestPrograms.WaitListeningAsync(server);
        await using ChildProcess client = ChildProcess.Start(Python.Default,
            [TestPrograms.SeedClientScript, "--port", $"{port}", "--authkey", "wrong", "--procs", "1"]);
        ProcessResult wrong = await client.WaitAsync(TestPrograms.RunTimeout);
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.True(wrong.StdErr.Contains("AuthenticationError", StringComparison.Ordinal), wrong.ToString());

        // The same client with the right key then does the work.
        await using ChildProcess right = ChildProcess.Start(Python.Default,
            [TestPrograms.SeedClientScript, "--port", $"{port}", "--authkey", TestPrograms.Key, "--procs", "1"]);
        ProcessResult rightResult = await right.WaitAsync(TestPrograms.RunTimeout);
        Assert.True(rightResult.ExitCode == 0, rightResult.ToString());
        ProcessResult served = await server.WaitAsync(TestPrograms.RunTimeout);
        Assert.True(served.ExitCode == 0, served.ToString());
        Assert.Contains("authentication failed", served.StdErr, StringComparison.Ordinal);
        Assert.Equal(20, TestPrograms.Lines(served.StdOut).Length);
    }
}
