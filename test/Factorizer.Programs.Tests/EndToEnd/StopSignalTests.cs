using System.Globalization;
using System.Text.RegularExpressions;
using Factorizer.Programs.Tests.Support;
using Factorizer.TestSupport;

namespace Factorizer.Programs.Tests.EndToEnd;

/// <summary>
/// Every way a run can be stopped: SIGINT/SIGTERM to the server or a client, and kill -9 of either.
/// Each ends with a correct whole-line prefix of GNU factor's output (or the full output, when
/// another client finishes the run) and no process of the run left behind.
/// </summary>
public partial class StopSignalTests
{
    /// <summary>Longest a worker may take to notice that its parent died.</summary>
    private static readonly TimeSpan OrphanTimeout = TimeSpan.FromSeconds(20);

    /// <summary>More numbers than a test run gets through before it is stopped.</summary>
    private const int ManyNumbers = 5_000_000;

    [Theory]
    [InlineData("TERM", 143)]
    [InlineData("INT", 130)]
    public async Task Server_Signal_WritesWholeLinePrefixStopsLocalWorkersAndExitsWithSignalCode(string signal, int exitCode)
    {
        using var dir = new TempDirectory();
        string output = dir.File("out.txt");
        await using ChildProcess server = TestPrograms.StartLocalServer(
            "--count", $"{ManyNumbers}", "--chunk-size", "500", "--procs", "2", "--output", output, "--progress-interval", "0.1");
        await TestPrograms.WaitListeningAsync(server);
        string workers = $"factor-server@{Environment.MachineName}:{server.Id}/";
        await ProcessTable.WaitForCountAsync(workers, 2, TestPrograms.StartTimeout);
        await TestPrograms.WaitForProgressAsync(server, 1);

        ProcessTable.Signal(server.Id, signal);
        ProcessResult result = await server.WaitAsync(TestPrograms.RunTimeout);

        Assert.True(result.ExitCode == exitCode, result.ToString());
        Match stopped = StoppedLine().Match(result.StdErr);
        Assert.True(stopped.Success, result.ToString());
        Assert.Equal($"SIG{signal}", stopped.Groups[1].Value);
        string written = File.ReadAllText(output);
        int lines = await AssertGnuPrefixAsync(written, TestPrograms.SeedNumbers(ManyNumbers));
        Assert.Equal(lines, int.Parse(stopped.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.True(lines > 0, "the run wrote nothing before it was stopped");
        await ProcessTable.WaitUntilNoneAsync(workers, OrphanTimeout);
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("KILL")]
    public async Task Client_StoppedOrKilled_ItsWorkersExitAndAnotherClientFinishesTheRun(string signal)
    {
        const int count = 60_000;
        await using ChildProcess server = TestPrograms.StartLocalServer("--count", $"{count}", "--chunk-size", "200", "--procs", "0", "--progress-interval", "0.1");
        int port = await TestPrograms.WaitListeningAsync(server);
        string[] clientArgs = ["--ip", "127.0.0.1", "--port", $"{port}", "--procs", "2", "--authkey", TestPrograms.Key];

        await using ChildProcess first = TestPrograms.StartClient(clientArgs);
        string firstWorkers = $"factor-client@{Environment.MachineName}:{first.Id}/";
        await ProcessTable.WaitForCountAsync(firstWorkers, 2, TestPrograms.StartTimeout);
        await TestPrograms.WaitForProgressAsync(server, 1);
        ProcessTable.Signal(first.Id, signal);
        if (signal == "TERM")
        {
            ProcessResult stopped = await first.WaitAsync(TestPrograms.RunTimeout);
            Assert.True(stopped.ExitCode == 143, stopped.ToString());
            Assert.Contains("stopped by SIGTERM", stopped.StdErr, StringComparison.Ordinal);
        }
        await ProcessTable.WaitUntilNoneAsync(firstWorkers, OrphanTimeout);

        ProcessResult second = await TestPrograms.RunClientAsync(clientArgs);
        ProcessResult served = await server.WaitAsync(TestPrograms.RunTimeout);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.True(served.ExitCode == 0, served.ToString());
        Assert.Equal(await GnuFactor.RunAsync(TestPrograms.AsInput(TestPrograms.SeedNumbers(count))), served.StdOut);
    }

    [Fact]
    public async Task Server_Kill9_ItsLocalWorkersExit()
    {
        await using ChildProcess server = TestPrograms.StartLocalServer("--count", $"{ManyNumbers}", "--chunk-size", "500", "--procs", "2", "--progress-interval", "0.1");
        await TestPrograms.WaitListeningAsync(server);
        string workers = $"factor-server@{Environment.MachineName}:{server.Id}/";
        await ProcessTable.WaitForCountAsync(workers, 2, TestPrograms.StartTimeout);
        await TestPrograms.WaitForProgressAsync(server, 1);

        ProcessTable.Signal(server.Id, "KILL");

        await ProcessTable.WaitUntilNoneAsync(workers, OrphanTimeout);
    }

    [Fact]
    public async Task RemoteClient_ServerStopped_IsToldAndKeepsReconnecting()
    {
        await using ChildProcess server = TestPrograms.StartLocalServer("--count", $"{ManyNumbers}", "--chunk-size", "500", "--procs", "0", "--progress-interval", "0.1");
        int port = await TestPrograms.WaitListeningAsync(server);
        await using ChildProcess client = TestPrograms.StartClient(["--ip", "127.0.0.1", "--port", $"{port}", "--procs", "1", "--authkey", TestPrograms.Key, "--reconnect-for", "60"]);
        await TestPrograms.WaitForProgressAsync(server, 1);

        ProcessTable.Signal(server.Id, "TERM");
        ProcessResult served = await server.WaitAsync(TestPrograms.RunTimeout);
        Assert.True(served.ExitCode == 143, served.ToString());

        // The worker heard the server is stopping (or lost it) and keeps trying; the client is still up.
        await client.WaitForLineAsync(line => line.Contains("is stopping", StringComparison.Ordinal) || line.Contains("reconnecting", StringComparison.Ordinal),
            "a reconnecting worker", TestPrograms.StartTimeout);
        Assert.Equal(-1, client.Snapshot().ExitCode);
    }


    /// <summary>Asserts <paramref name="written"/> is whole lines equal to GNU factor's for the first numbers; returns the line count.</summary>
    private static async Task<int> AssertGnuPrefixAsync(string written, IEnumerable<System.Numerics.BigInteger> numbers)
    {
        Assert.True(written.Length == 0 || written.EndsWith('\n'), "the output ends in a cut line");
        int lines = written.Count(c => c == '\n');
        Assert.Equal(await GnuFactor.RunAsync(TestPrograms.AsInput(numbers.Take(lines))), written);
        return lines;
    }


    [GeneratedRegex(@"stopped by (SIG\w+): (\d+) of \d+ numbers written")]
    private static partial Regex StoppedLine();
}
