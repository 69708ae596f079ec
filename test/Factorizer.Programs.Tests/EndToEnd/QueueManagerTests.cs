using System.Globalization;
using System.Text.RegularExpressions;
using Factorizer.Programs.Tests.Support;
using Factorizer.TestSupport;

namespace Factorizer.Programs.Tests.EndToEnd;

/// <summary>
/// queue-manager, the real program, driven by unchanged CPython <c>BaseManager</c> client code: the
/// seed's job/result pattern, usage and listen errors, signals, durable restarts, unknown typeids.
/// </summary>
public partial class QueueManagerTests
{
    /// <summary>
    /// A CPython client of the seed's kind: <c>BaseManager.register(typeid)</c> then <c>connect()</c>.
    /// argv: port key action args... Every blocking get is bounded.
    /// </summary>
    private const string Client = """
        import sys
        from multiprocessing.managers import BaseManager

        class M(BaseManager):
            pass

        for typeid in ('get_job_q', 'get_result_q', 'get_dict', 'get_queue'):
            M.register(typeid)
        port, key, action, rest = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3], sys.argv[4:]
        if action == 'shutdown':
            from multiprocessing.connection import Client
            from multiprocessing.managers import dispatch
            conn = Client(('127.0.0.1', port), authkey=key)
            dispatch(conn, None, 'shutdown')
            print('SHUTDOWN', flush=True)
            sys.exit(0)
        if action == 'sync':
            from multiprocessing.managers import SyncManager
            s = SyncManager(address=('127.0.0.1', port), authkey=key)
            s.connect()
            d, l, ns, v, ev, lk, rl = s.dict(a=1), s.list([1]), s.Namespace(x=2), s.Value('i', 3), s.Event(), s.Lock(), s.RLock()
            d['b'] = 2
            l.append(4)
            ns.y = 5
            v.value += 1
            ev.set()
            print('SYNC', sorted(d.items()), len(l), l[1], ns.x + ns.y, v.value, ev.wait(1), lk.acquire(), rl.acquire(), rl.acquire(), flush=True)
            q, sem, cond, bar, arr = s.JoinableQueue(2), s.BoundedSemaphore(1), s.Condition(), s.Barrier(1), s.Array('i', [1, 2, 3])
            q.put('x')
            with cond:
                waited = cond.wait(0.01)
            print('MORE', q.get(timeout=5), q.task_done(), q.join(), sem.acquire(), sem.release(), waited, bar.wait(5),
                  arr[1:], list(d), l[0:1], flush=True)
            try:
                s.Pool()
            except Exception as e:
                print('POOL', type(e).__name__, str(e).strip().splitlines()[-2], flush=True)
            sys.exit(0)
        m = M(address=('127.0.0.1', port), authkey=key)
        m.connect()
        if action == 'put':
            q = getattr(m, rest[0])()
            for x in rest[1:]:
                q.put(int(x))
            print('PUT', q.qsize(), flush=True)
        elif action == 'get':
            q = getattr(m, rest[0])()
            for _ in range(int(rest[1])):
                print('GOT', q.get(timeout=60), flush=True)
        elif action == 'produce':
            jobs, results = m.get_job_q(), m.get_result_q()
            n = int(rest[0])
            for i in range(n):
                jobs.put(i)
            got = sorted(results.get(timeout=60) for _ in range(n))
            print('RESULTS', ' '.join(map(str, got)), flush=True)
        elif action == 'work':
            jobs, results = m.get_job_q(), m.get_result_q()
            for _ in range(int(rest[0])):
                x = jobs.get(timeout=60)
                results.put(x * x)
            print('WORKED', flush=True)
        elif action == 'named':
            a, b = m.get_queue('a'), m.get_queue(name='b')
            a.put(1)
            a.put(2)
            b.put(3)
            print('NAMED', m.get_queue('a').qsize(), m.get_queue('b').get(timeout=60), flush=True)
        elif action == 'unknown':
            try:
                m.get_dict()
                print('NO ERROR', flush=True)
            except Exception as e:
                print('ERROR', type(e).__name__, str(e).strip().splitlines()[-2], flush=True)
            q = m.get_job_q()
            q.put(7)
            print('STILL', q.get(timeout=60), flush=True)
        """;

    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(60);

    private static ChildProcess StartManager(params string[] args) =>
        TestPrograms.StartQueueManager(["--bind", "127.0.0.1", "--port", "0", "--authkey", TestPrograms.Key, .. args]);

    private static Task<ProcessResult> RunClientAsync(int port, params string[] args) =>
        Python.RunScriptAsync(Client, [$"{port}", TestPrograms.Key, .. args], timeout: ClientTimeout);

    [Fact]
    public async Task SeedPattern_PythonClientsShareJobAndResultQueues()
    {
        await using ChildProcess manager = StartManager("--queue", "get_job_q", "--queue", "get_result_q");
        int port = await TestPrograms.WaitListeningAsync(manager);

        await using ChildProcess producer = Python.StartScript(Client, [$"{port}", TestPrograms.Key, "produce", "20"]);
        ProcessResult worker = await RunClientAsync(port, "work", "20");
        ProcessResult produced = await producer.WaitAsync(ClientTimeout);

        Assert.True(worker.ExitCode == 0, worker.ToString());
        Assert.True(produced.ExitCode == 0, produced.ToString());
        Assert.Contains("RESULTS " + string.Join(' ', Enumerable.Range(0, 20).Select(i => i * i)), produced.StdOut, StringComparison.Ordinal);
        Assert.Equal(-1, manager.Snapshot().ExitCode); // still serving
    }

    [Fact]
    public async Task SyncManagerClient_WithoutQueues_UsesTheServedSyncManagerTypes()
    {
        // No --queue: a drop-in for a SyncManager server alone.
        await using ChildProcess manager = StartManager();
        int port = await TestPrograms.WaitListeningAsync(manager);

        ProcessResult result = await RunClientAsync(port, "sync");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("SYNC [('a', 1), ('b', 2)] 2 4 7 4 True True True True", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("MORE x None None True None False 0 array('i', [2, 3]) ['a', 'b'] [1]", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("POOL RemoteError KeyError: 'Pool'", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownTypeid_ClientGetsKeyErrorAndTheManagerKeepsServing()
    {
        await using ChildProcess manager = StartManager("--queue", "get_job_q");
        int port = await TestPrograms.WaitListeningAsync(manager);

        ProcessResult first = await RunClientAsync(port, "unknown");
        ProcessResult second = await RunClientAsync(port, "put", "get_job_q", "1", "2");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("ERROR RemoteError KeyError: 'get_dict'", first.StdOut, StringComparison.Ordinal);
        Assert.Contains("STILL 7", first.StdOut, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("PUT 2", second.StdOut, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TERM", 143)]
    [InlineData("INT", 130)]
    public async Task Signal_StopsWithTheSignalsCodeAndSaysWhatIsLeft(string signal, int exitCode)
    {
        await using ChildProcess manager = StartManager("--queue", "get_job_q", "--queue", "get_result_q");
        int port = await TestPrograms.WaitListeningAsync(manager);
        ProcessResult put = await RunClientAsync(port, "put", "get_job_q", "5", "6", "7");
        Assert.True(put.ExitCode == 0, put.ToString());

        ProcessTable.Signal(manager.Id, signal);
        ProcessResult result = await manager.WaitAsync(TestPrograms.RunTimeout);

        Assert.True(result.ExitCode == exitCode, result.ToString());
        Assert.Contains($"queue-manager: stopped by SIG{signal}; items left queued: get_job_q 3, get_result_q 0", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NamedQueues_OneQueuePerNameAndTheStopLineCountsThem()
    {
        await using ChildProcess manager = StartManager("--named-queues", "get_queue");
        int port = await TestPrograms.WaitListeningAsync(manager);

        ProcessResult named = await RunClientAsync(port, "named");
        ProcessTable.Signal(manager.Id, "TERM");
        ProcessResult result = await manager.WaitAsync(TestPrograms.RunTimeout);

        Assert.True(named.ExitCode == 0, named.ToString());
        Assert.Contains("NAMED 2 3", named.StdOut, StringComparison.Ordinal);
        Assert.True(result.ExitCode == 143, result.ToString());
        Assert.Contains("items left queued: a 2, b 0", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemoteShutdown_StopsWithExitZero()
    {
        await using ChildProcess manager = StartManager("--queue", "get_job_q");
        int port = await TestPrograms.WaitListeningAsync(manager);
        ProcessResult put = await RunClientAsync(port, "put", "get_job_q", "1");
        Assert.True(put.ExitCode == 0, put.ToString());

        ProcessResult shutdown = await RunClientAsync(port, "shutdown");
        ProcessResult result = await manager.WaitAsync(TestPrograms.RunTimeout);

        Assert.True(shutdown.ExitCode == 0, shutdown.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("queue-manager: stopped by a client's shutdown call; items left queued: get_job_q 1", result.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("KILL")]
    public async Task DataDir_ItemsSurviveAStopOrKillAndComeBackInOrder(string how)
    {
        using var dir = new TempDirectory();
        string[] args = ["--queue", "get_job_q", "--queue", "get_result_q", "--data-dir", dir.Path];
        await using (ChildProcess manager = StartManager(args))
        {
            int port = await TestPrograms.WaitListeningAsync(manager);
            ProcessResult put = await RunClientAsync(port, "put", "get_job_q", "10", "11", "12", "13");
            Assert.True(put.ExitCode == 0, put.ToString());
            ProcessResult took = await RunClientAsync(port, "get", "get_job_q", "1");
            Assert.Contains("GOT 10", took.StdOut, StringComparison.Ordinal);
            if (how == "KILL")
            {
                manager.Kill();
            }
            else
            {
                ProcessTable.Signal(manager.Id, how);
            }
            ProcessResult ended = await manager.WaitAsync(TestPrograms.RunTimeout);
            Assert.True(how == "KILL" || ended.ExitCode == 143, ended.ToString());
        }
        Assert.True(File.Exists(Path.Combine(dir.Path, "get_job_q")), "no journal at DIR/get_job_q");

        await using ChildProcess again = StartManager(args);
        int port2 = await TestPrograms.WaitListeningAsync(again);
        ProcessResult got = await RunClientAsync(port2, "get", "get_job_q", "3");

        Assert.True(got.ExitCode == 0, got.ToString());
        Assert.Equal(["GOT 11", "GOT 12", "GOT 13"], TestPrograms.Lines(got.StdOut));
    }

    [Fact]
    public async Task Help_DescribesTheProgramAndWhatIsNotServed()
    {
        ProcessResult result = await TestPrograms.RunQueueManagerAsync("--help");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("Usage: queue-manager", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("--queue NAME", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("KeyError", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("Pool", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("Barrier", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_PrintsNameAndVersion()
    {
        ProcessResult result = await TestPrograms.RunQueueManagerAsync("--version");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(VersionLine(), result.StdOut.Trim());
    }

    [Theory]
    [InlineData("unknown option '--bogus'", "--queue", "q", "--bogus")]
    [InlineData("Python identifier", "--queue", "1st")]
    [InlineData("Python identifier", "--queue", "class")]
    [InlineData("Python identifier", "--queue", "get-job")]
    [InlineData("given more than once", "--queue", "q", "--queue", "q")]
    [InlineData("given more than once", "--queue", "q", "--named-queues", "q")]
    [InlineData("--fsync applies to --data-dir only", "--queue", "q", "--fsync", "always")]
    [InlineData("--fsync must be", "--queue", "q", "--data-dir", "/tmp/x", "--fsync", "sometimes")]
    [InlineData("--ttr must be", "--queue", "q", "--ttr", "0")]
    [InlineData("--port", "--queue", "q", "--port", "70000")]
    public async Task BadUsage_ExitsTwoWithOneLine(string message, params string[] args)
    {
        ProcessResult result = await TestPrograms.RunQueueManagerAsync(["--authkey", TestPrograms.Key, .. args]);
        Assert.True(result.ExitCode == 2, result.ToString());
        string[] lines = TestPrograms.Lines(result.StdErr);
        Assert.True(lines.Length == 1, result.ToString());
        Assert.StartsWith("queue-manager: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(message, lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task PortInUse_ExitsOneWithOneLine()
    {
        await using ChildProcess first = StartManager("--queue", "q");
        int port = await TestPrograms.WaitListeningAsync(first);

        ProcessResult second = await TestPrograms.RunQueueManagerAsync(
            "--bind", "127.0.0.1", "--port", $"{port}", "--authkey", TestPrograms.Key, "--queue", "q");

        Assert.True(second.ExitCode == 1, second.ToString());
        string[] lines = TestPrograms.Lines(second.StdErr);
        Assert.True(lines.Length == 1, second.ToString());
        Assert.Contains($"cannot listen on 127.0.0.1:{port}", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task DataDirInUse_ExitsOneWithOneLine()
    {
        using var dir = new TempDirectory();
        await using ChildProcess first = StartManager("--queue", "q", "--data-dir", dir.Path);
        await TestPrograms.WaitListeningAsync(first);

        ProcessResult second = await TestPrograms.RunQueueManagerAsync(
            "--bind", "127.0.0.1", "--port", "0", "--authkey", TestPrograms.Key, "--queue", "q", "--data-dir", dir.Path);

        Assert.True(second.ExitCode == 1, second.ToString());
        string[] lines = TestPrograms.Lines(second.StdErr);
        Assert.True(lines.Length == 1, second.ToString());
        Assert.Contains("in use by another queue or process", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoKey_ARandomOneIsPrintedAndWorks()
    {
        await using ChildProcess manager = TestPrograms.StartQueueManager(["--bind", "127.0.0.1", "--port", "0", "--queue", "get_job_q"],
            new Dictionary<string, string?> { ["FACTOR_AUTHKEY"] = null });
        string line = await manager.WaitForLineAsync("using the random key ", TestPrograms.StartTimeout);
        string key = RandomKey().Match(line).Groups[1].Value;
        int port = await TestPrograms.WaitListeningAsync(manager);

        ProcessResult put = await Python.RunScriptAsync(Client, [$"{port}", key, "put", "get_job_q", "1"], timeout: ClientTimeout);

        Assert.True(put.ExitCode == 0, put.ToString());
        Assert.Contains("PUT 1", put.StdOut, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^queue-manager \d+\.\d+\.\d+")]
    private static partial Regex VersionLine();

    [GeneratedRegex(@"random key (\S+)")]
    private static partial Regex RandomKey();
}
