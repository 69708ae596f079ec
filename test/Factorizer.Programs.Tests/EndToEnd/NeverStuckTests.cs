using System.Globalization;
using Factorizer.Programs.Tests.Support;
using Factorizer.TestSupport;

namespace Factorizer.Programs.Tests.EndToEnd;

/// <summary>
/// Runs that used to hang or lose work: a stopped worker, workers killed again and again, a number
/// far harder than the rest (with and without --number-timeout), a job no worker can read. Each
/// ends with output identical to GNU factor's (less the lines of numbers given up).
/// </summary>
public class NeverStuckTests
{
    [Fact]
    public async Task StoppedWorker_LosesItsLease_AndAnotherWorkerFinishesTheRun()
    {
        // Numbers of about half a second each, one a chunk: a stopped worker is all but surely holding one.
        string input = TestNumbers.SlowSemiprimeInput;
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("in.txt"), input);
        await using ChildProcess server = TestPrograms.StartLocalServer("--input", dir.File("in.txt"), "--chunk-size", "1", "--ttr", "2", "--progress-interval", "0.1");
        int port = await TestPrograms.WaitListeningAsync(server);
        await using ChildProcess client = TestPrograms.StartClient(["--ip", "127.0.0.1", "--port", $"{port}", "--procs", "2", "--authkey", TestPrograms.Key, "--reconnect-for", "2"]);
        string workers = $"factor-client@{Environment.MachineName}:{client.Id}/";
        IReadOnlyList<int> pids = await ProcessTable.WaitForCountAsync(workers, 2, TestPrograms.StartTimeout);
        // Both workers have finished a chunk, so both are in work (holding the next one): with a fast kernel, waiting
        // for the first number only could stop a worker still starting, which holds nothing for a lease to free.
        await server.WaitForLineAsync(line => line.Contains(", 2 workers", StringComparison.Ordinal), "a progress line with 2 workers", TestPrograms.RunTimeout);

        int stopped = pids[0];
        ProcessTable.Signal(stopped, "STOP"); // its connection stays open: only the lease can free its chunk
        try
        {
            ProcessResult served = await server.WaitAsync(TestPrograms.RunTimeout);
            Assert.True(served.ExitCode == 0, served.ToString());
            Assert.Equal(TestNumbers.SlowSemiprimeOutput, served.StdOut);
            Assert.Contains("ran past its time-to-run", served.StdErr, StringComparison.Ordinal);
        }
        finally
        {
            ProcessTable.Signal(stopped, "CONT");
        }
        ProcessResult done = await client.WaitAsync(TestPrograms.RunTimeout);
        Assert.True(done.ExitCode is 0 or 1, done.ToString()); // the stopped worker may find the server gone
    }

    [Fact]
    public async Task LocalWorkersKilledSeveralTimesMidRun_OutputStillMatchesGnuFactor()
    {
        const int count = 150_000;
        await using ChildProcess server = TestPrograms.StartLocalServer("--count", $"{count}", "--chunk-size", "200", "--procs", "2", "--progress-interval", "0.1");
        await TestPrograms.WaitListeningAsync(server);
        string workers = $"factor-server@{Environment.MachineName}:{server.Id}/";
        int kills = 0;
        for (int round = 1; round <= 3; round++)
        {
            IReadOnlyList<int> pids = await ProcessTable.WaitForCountAsync(workers, 2, TestPrograms.StartTimeout);
            await TestPrograms.WaitForProgressAsync(server, round * 10_000);
            if (server.Snapshot().ExitCode != -1)
            {
                break; // finished before this round: the kills so far still count
            }
            ProcessTable.Signal(pids[round % 2], "KILL");
            kills++;
        }

        ProcessResult served = await server.WaitAsync(TestPrograms.RunTimeout);

        Assert.True(served.ExitCode == 0, served.ToString());
        Assert.True(kills >= 1, "the run ended before any worker was killed");
        Assert.Equal(await GnuFactor.RunAsync(TestPrograms.AsInput(TestPrograms.SeedNumbers(count))), served.StdOut);
        Assert.Contains("restarting it", served.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HardNumber_NoTimeout_IsFactoredWhileTheOthersFinish()
    {
        (string input, string easy) = HardInput();
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("in.txt"), input);

        ProcessResult result = await TestPrograms.RunServerAsync(
            "--bind", "127.0.0.1", "--port", "0", "--authkey", TestPrograms.Key, "--input", dir.File("in.txt"), "--chunk-size", "5", "--procs", "2", "--ttr", "3");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(WithHardLine(await GnuFactor.RunAsync(easy)), result.StdOut);
    }

    [Fact]
    public async Task HardNumber_WithNumberTimeout_IsGivenUpNamedAndExitsOne()
    {
        (string input, string easy) = HardInput(TestNumbers.Intractable);
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("in.txt"), input);

        ProcessResult result = await TestPrograms.RunServerAsync(
            "--bind", "127.0.0.1", "--port", "0", "--authkey", TestPrograms.Key, "--input", dir.File("in.txt"), "--chunk-size", "5", "--procs", "2",
            "--ttr", "3", "--number-timeout", "0.5");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(await GnuFactor.RunAsync(easy), result.StdOut); // every line but the hard one
        Assert.Contains($"GAVE UP {TestNumbers.Intractable}", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForeignJobFromAPythonPeer_IsReportedAndDropped_AndTheRunCompletes()
    {
        // 2000 chunks: the queue holds 256 of them when 'hello' is put behind, and the feeder adds the
        // rest after it, so a worker surely meets it before the run ends.
        const int count = 20_000;
        await using ChildProcess server = TestPrograms.StartLocalServer("--count", $"{count}", "--chunk-size", "10", "--procs", "0");
        int port = await TestPrograms.WaitListeningAsync(server);
        await PutForeignJobAsync(port);
        ProcessResult client = await TestPrograms.RunClientAsync("--ip", "127.0.0.1", "--port", $"{port}", "--procs", "2", "--authkey", TestPrograms.Key);
        ProcessResult served = await server.WaitAsync(TestPrograms.RunTimeout);

        Assert.True(client.ExitCode == 0, client.ToString());
        Assert.True(served.ExitCode == 0, served.ToString());
        Assert.Equal(await GnuFactor.RunAsync(TestPrograms.AsInput(TestPrograms.SeedNumbers(count))), served.StdOut);
        Assert.Contains("'hello'", served.StdErr, StringComparison.Ordinal);
    }

    /// <summary>A Python peer puts the string 'hello' into the job queue, as a stray program might.</summary>
    private static async Task PutForeignJobAsync(int port)
    {
        string script = $$"""
            from multiprocessing.managers import BaseManager
            class M(BaseManager): pass
            M.register('get_job_q')
            m = M(address=('127.0.0.1', {{port}}), authkey=b'{{TestPrograms.Key}}')
            m.connect()
            m.get_job_q().put('hello')
            print('PUT')
            """;
        ProcessResult result = await Python.RunScriptAsync(script);
        Assert.True(result.ExitCode == 0 && result.StdOut.Contains("PUT", StringComparison.Ordinal), result.ToString());
    }

    /// <summary>Easy numbers with the hard one in the middle; returns the input and the input without it.</summary>
    private static (string Input, string Easy) HardInput(string hard = TestNumbers.Hard)
    {
        string[] before = [.. TestPrograms.SeedNumbers(23).Select(n => n.ToString(CultureInfo.InvariantCulture))];
        string[] after = [.. Enumerable.Range(1, 40).Select(i => (i * 1_000_003L).ToString(CultureInfo.InvariantCulture))];
        string input = string.Join("\n", [.. before, hard, .. after]) + "\n";
        string easy = string.Join("\n", [.. before, .. after]) + "\n";
        return (input, easy);
    }

    /// <summary>GNU factor's output for the easy numbers with the hard number's stored line in its place (after 23 lines).</summary>
    private static string WithHardLine(string easyOutput)
    {
        string[] lines = easyOutput.Split('\n');
        return string.Join("\n", [.. lines.Take(23), TestNumbers.HardLine, .. lines.Skip(23)]);
    }



}
