using System.Diagnostics;
using System.Text.RegularExpressions;
using Factorizer.Programs.Tests.Support;
using Factorizer.TestSupport;

namespace Factorizer.Programs.Tests.EndToEnd;

/// <summary>
/// Real servers and worker processes with prefetch and hand-back: a slow number's unstarted
/// neighbours go to another worker, and a worker killed holding a prefetched chunk loses nothing.
/// </summary>
public partial class SlowNumberHandBackTests
{
    [Fact]
    public async Task Run_ASlowNumber_ItsUnstartedNeighboursAreHandedBackAndDoneByAnotherWorker()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("in.txt"), TestNumbers.SlowSemiprimeInput);
        // One chunk of twelve ~168-bit semiprimes, half a second or more each; with --ttr 3 a number runs
        // long after 0.3 s, so the worker that takes the chunk hands back the rest.
        await using ChildProcess server = TestPrograms.StartLocalServer("--input", dir.File("in.txt"), "--chunk-size", "12", "--ttr", "3", "--procs", "0");
        int port = await TestPrograms.WaitListeningAsync(server);
        await using ChildProcess first = TestPrograms.StartClient(["--port", $"{port}", "--procs", "1", "--authkey", TestPrograms.Key]);
        await using ChildProcess second = TestPrograms.StartClient(["--port", $"{port}", "--procs", "1", "--authkey", TestPrograms.Key]);

        ProcessResult served = await server.WaitAsync(TestPrograms.RunTimeout);
        ProcessResult firstResult = await first.WaitAsync(TestPrograms.RunTimeout);
        ProcessResult secondResult = await second.WaitAsync(TestPrograms.RunTimeout);
        Assert.True(served.ExitCode == 0, served.ToString());
        Assert.True(firstResult.ExitCode == 0, firstResult.ToString());
        Assert.True(secondResult.ExitCode == 0, secondResult.ToString());
        Assert.Equal(TestNumbers.SlowSemiprimeOutput, served.StdOut); // complete, in order, each line once
        Assert.Matches(@"chunk 0: .* handed back \d+ unstarted number", served.StdErr);
        Assert.Matches(@"handed back \d+ unstarted number", firstResult.StdErr + secondResult.StdErr);
        // Both clients did numbers of the one chunk (the per-client summary has a row for each).
        Assert.Equal(2, SummaryRow().Matches(served.StdErr).Count(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0));
    }

    [Fact]
    public async Task Run_AWorkerKilledHoldingAPrefetchedChunk_LosesNothing()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("in.txt"), TestNumbers.SlowSemiprimeInput);
        // Chunks of one slow number: each worker holds the one in work and one prefetched.
        await using ChildProcess server = TestPrograms.StartLocalServer("--input", dir.File("in.txt"), "--chunk-size", "1", "--procs", "0", "--progress-interval", "0.05");
        int port = await TestPrograms.WaitListeningAsync(server);
        await using ChildProcess client = TestPrograms.StartClient(["--port", $"{port}", "--procs", "2", "--authkey", TestPrograms.Key]);

        IReadOnlyList<int> workers = [];
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            workers = [.. ProcessTree.Children(client.Id).Where(pid => ProcessTree.CommandLine(pid).Contains(" worker ", StringComparison.Ordinal))];
            if (workers.Count == 2 && ChunksDone().Matches(server.Snapshot().StdErr).Count > 0)
            {
                break;
            }
            Assert.True(deadline.Elapsed < TestPrograms.StartTimeout, $"workers or progress not seen:\n{server.Snapshot()}\n{client.Snapshot()}");
            Assert.True(client.Snapshot().ExitCode == -1, $"the client ended early:\n{client.Snapshot()}");
            await Task.Delay(20); // polling /proc and the log; each check is bounded by the deadline above
        }
        using (Process victim = Process.GetProcessById(workers[0]))
        {
            victim.Kill();
        }

        ProcessResult clientResult = await client.WaitAsync(TestPrograms.RunTimeout);
        ProcessResult served = await server.WaitAsync(TestPrograms.RunTimeout);
        Assert.True(served.ExitCode == 0, served.ToString());
        Assert.True(clientResult.ExitCode == 0, clientResult.ToString());
        Assert.Equal(TestNumbers.SlowSemiprimeOutput, served.StdOut);
        // The chunk in work and the prefetched one both went back to the queue.
        Assert.True(HolderGone().Matches(served.StdErr).Count >= 2, served.StdErr);
    }

    [GeneratedRegex(@"progress: chunks [1-9]\d*/")]
    private static partial Regex ChunksDone();

    [GeneratedRegex(@"connection .* closed holding chunk \d+; requeued")]
    private static partial Regex HolderGone();

    [GeneratedRegex(@"factor-client\S*\s+\d+\s+\d+\s+(\d+)\s+[\d.]+s")]
    private static partial Regex SummaryRow();
}
