using System.Diagnostics;
using System.Text.RegularExpressions;
using Factorizer.Programs.Tests.Support;
using Factorizer.TestSupport;

namespace Factorizer.Programs.Tests.EndToEnd;

/// <summary>A worker process killed mid-run: its chunk is requeued, the worker restarted, the output complete.</summary>
public partial class WorkerKillTests
{
    [Fact]
    public async Task Run_ClientWorkerKilledMidChunk_RunCompletesWithCorrectOutput()
    {
        using var dir = new TempDirectory();
        // Six chunks of two ~168-bit semiprimes, about a second of sieving each: the run is still going when
        // the kill lands, and the victim is inside a chunk.
        string input = TestNumbers.SlowSemiprimeInput;
        File.WriteAllText(dir.File("in.txt"), input);
        // Two slow semiprimes a chunk: a worker spends nearly all its time inside a chunk.
        await using ChildProcess server = TestPrograms.StartLocalServer("--input", dir.File("in.txt"), "--chunk-size", "2", "--procs", "0", "--progress-interval", "0.05");
        int port = await TestPrograms.WaitListeningAsync(server);
        await using ChildProcess client = TestPrograms.StartClient(["--port", $"{port}", "--procs", "2", "--authkey", TestPrograms.Key]);

        // Wait (bounded) until both workers run and at least one chunk is done, so both are busy with a chunk.
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

        // The key reaches the workers through the environment, never their command line.
        Assert.All(workers, pid => Assert.DoesNotContain(TestPrograms.Key, ProcessTree.CommandLine(pid), StringComparison.Ordinal));
        Assert.All(workers, pid => Assert.Contains("FACTOR_AUTHKEY=" + TestPrograms.Key, ProcessTree.Environment(pid)));

        using (Process victim = Process.GetProcessById(workers[0]))
        {
            victim.Kill();
        }

        ProcessResult clientResult = await client.WaitAsync(TestPrograms.RunTimeout);
        ProcessResult served = await server.WaitAsync(TestPrograms.RunTimeout);
        Assert.True(served.ExitCode == 0, served.ToString());
        Assert.True(clientResult.ExitCode == 0, clientResult.ToString());
        Assert.Equal(TestNumbers.SlowSemiprimeOutput, served.StdOut);
        Assert.Matches("connection .* closed holding chunk \\d+; requeued", served.StdErr);
        Assert.Matches("worker \\d exited with code \\d+; restarting it", clientResult.StdErr);
    }

    [GeneratedRegex(@"progress: chunks [1-9]\d*/")]
    private static partial Regex ChunksDone();
}
