using Factorizer.Programs.Tests.Support;
using Factorizer.TestSupport;
using Xunit.Abstractions;

namespace Factorizer.Programs.Tests.Interop;

/// <summary>factor-client drains the seed's server (Python 3 port: SyncManager with two queue.Queue objects).</summary>
public class SeedPythonServerTests(ITestOutputHelper output)
{
    [Theory]
    [InstalledPythons]
    [MissingPythons]
    public async Task FactorClient_DrainsSeedServer_ServerPrintsCorrectResults(string version)
    {
        output.WriteLine(Python.Describe(version));
        // make_nums(199) makes 200 numbers, like the seed's make_nums(999) makes 1000.
        await using ChildProcess server = ChildProcess.Start(Python.Require(version),
            [TestPrograms.SeedServerScript, "--ip", "127.0.0.1", "--port", "0", "--authkey", TestPrograms.Key, "--count", "199"]);
        int port = await TestPrograms.WaitReadyAsync(server);
        await using ChildProcess client = TestPrograms.StartClient(["--ip", "127.0.0.1", "--port", $"{port}", "--authkey", TestPrograms.Key, "--procs", "2"]);

        ProcessResult clientResult = await client.WaitAsync(TestPrograms.RunTimeout);
        ProcessResult served = await server.WaitAsync(TestPrograms.RunTimeout);

        Assert.True(clientResult.ExitCode == 0, clientResult.ToString());
        Assert.Contains("factor-client: work finished", clientResult.StdErr, StringComparison.Ordinal);
        Assert.True(served.ExitCode == 0, served.ToString());
        Assert.Equal(await GnuFactor.RunAsync(TestPrograms.AsInput(TestPrograms.SeedNumbers(200))), served.StdOut);
    }

    [Fact]
    public async Task FactorClient_WrongKeyForSeedServer_ExitsOneWithOneLine()
    {
        await using ChildProcess server = ChildProcess.Start(Python.Default,
            [TestPrograms.SeedServerScript, "--ip", "127.0.0.1", "--port", "0", "--authkey", TestPrograms.Key, "--count", "1"]);
        int port = await TestPrograms.WaitReadyAsync(server);
        ProcessResult result = await TestPrograms.RunClientAsync("--port", $"{port}", "--authkey", "wrong", "--procs", "1");
        Assert.True(result.ExitCode == 1, result.ToString());
        string line = Assert.Single(TestPrograms.Lines(result.StdErr));
        Assert.Contains("rejected our authkey", line, StringComparison.Ordinal);
    }
}
