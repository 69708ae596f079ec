using Factorizer.Programs.Tests.Support;
using Factorizer.TestSupport;

namespace Factorizer.Programs.Tests.Interop;

/// <summary>
/// A Python client that returns bad results: factor-server must not count them, must redo the chunk,
/// and must end (exit 1, naming the numbers) rather than hang when a chunk keeps coming back wrong.
/// </summary>
public class MisbehavingClientTests
{
    // Connects like the seed's client; for each chunk puts a result that is wrong in the way asked.
    private const string Script = """
        import queue, sys
        from multiprocessing.managers import SyncManager
        class M(SyncManager): pass
        M.register('get_job_q'); M.register('get_result_q')
        port, mode = int(sys.argv[1]), sys.argv[2]
        m = M(address=('127.0.0.1', port), authkey=sys.argv[3].encode()); m.connect()
        jobs, results = m.get_job_q(), m.get_result_q()
        def naive(n):
            f, p = [], 2
            while p * p <= n:
                while n % p == 0: f.append(p); n //= p
                p += 1
            return f + ([n] if n > 1 else [])
        while True:
            try: job = jobs.get(timeout=2)
            except queue.Empty: break
            out = {n: naive(n) for n in job}
            if mode == 'partial': out.pop(job[-1])
            elif mode == 'wrong': out[job[0]] = [job[0]]
            results.put(out)
        """;

    [Theory]
    [InlineData("partial", "no result for it")]
    [InlineData("wrong", "is not prime")]
    public async Task BadResults_ChunkRedoneThenReportedAsFailed_NoHang(string mode, string reason)
    {
        // Composite numbers only, so a "wrong" answer (n as its own factor) is never right by chance.
        await using ChildProcess server = TestPrograms.StartLocalServer("--start", "1000", "--step", "2", "--count", "6", "--chunk-size", "3", "--procs", "0");
        int port = await TestPrograms.WaitListeningAsync(server);
        await using ChildProcess client = Python.StartScript(Script, [$"{port}", mode, TestPrograms.Key]);

        ProcessResult served = await server.WaitAsync(TestPrograms.RunTimeout);
        await client.WaitAsync(TestPrograms.RunTimeout);

        Assert.True(served.ExitCode == 1, served.ToString());
        Assert.Contains("attempt 3", served.StdErr, StringComparison.Ordinal);
        Assert.Contains("FAILED", served.StdErr, StringComparison.Ordinal);
        Assert.Contains(reason, served.StdErr, StringComparison.Ordinal);
        // Numbers whose results were right are still written, in order; the failed ones are not.
        Assert.Equal(4, TestPrograms.Lines(served.StdOut).Length);
    }
}
