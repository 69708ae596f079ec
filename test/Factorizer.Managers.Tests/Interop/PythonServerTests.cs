using System.Globalization;
using System.Numerics;
using Factorizer.Managers.Auth;
using Factorizer.Managers.Client;
using Factorizer.Managers.Queues;
using Factorizer.Managers.Tests.Support;
using Factorizer.Pickle;
using Factorizer.TestSupport;
using Xunit.Abstractions;

namespace Factorizer.Managers.Tests.Interop;

/// <summary>
/// Our client and queue proxies against CPython's own manager server: the seed's server
/// (test/Python/seed_server.py, a SyncManager over two queue.Queue objects). Started with <c>--count 1</c>
/// it queues one chunk, [999999999999, 1000000000001], and waits for its result; each test takes that
/// chunk, does its checks, and then delivers the result, after which the seed server prints it in GNU
/// factor's format and exits. Rows for CPython versions that are not installed show as skipped.
/// </summary>
public class PythonServerTests(ITestOutputHelper output)
{
    private static readonly long[] SeedChunk = [999999999999, 1000000000001];

    private static readonly Dictionary<long, long[]> SeedResult = new()
    {
        [999999999999] = [3, 3, 3, 7, 11, 13, 37, 101, 9901],
        [1000000000001] = [73, 137, 99990001],
    };

    private static readonly Dictionary<string, object?> NoKeywords = [];

    private async Task<(ChildProcess Python, int Port)> StartServerAsync(string version)
    {
        output.WriteLine(Python.Describe(version));
        ChildProcess python = PythonScripts.Start(version, "seed_server.py",
            "--ip", "127.0.0.1", "--port", "0", "--authkey", "abc", "--count", "1");
        try
        {
            string ready = await python.WaitForLineAsync("READY ", Timeouts.Long);
            int port = int.Parse(ready.Trim().Split(' ')[1], CultureInfo.InvariantCulture);
            return (python, port);
        }
        catch
        {
            await python.DisposeAsync();
            throw;
        }
    }

    /// <summary>Takes the seed server's one chunk (waiting for it: READY comes before the chunk is queued).</summary>
    private static async Task TakeSeedChunkAsync(ManagerClient client)
    {
        await using QueueProxy<long[]> jobs = await client.GetQueueAsync<long[]>("get_job_q").WaitAsync(Timeouts.Short);
        Assert.Equal(SeedChunk, await jobs.GetAsync(Timeouts.Short).AsTask().WaitAsync(Timeouts.Long));
    }

    /// <summary>Delivers the chunk's result; the seed server then prints it and exits 0.</summary>
    private static async Task FinishAsync(ChildProcess python, ManagerClient client)
    {
        await using (QueueProxy<Dictionary<long, long[]>> results = await client.GetQueueAsync<Dictionary<long, long[]>>("get_result_q").WaitAsync(Timeouts.Short))
        {
            await results.PutAsync(SeedResult).AsTask().WaitAsync(Timeouts.Short);
        }
        ProcessResult run = await python.WaitAsync(Timeouts.Long);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("999999999999: 3 3 3 7 11 13 37 101 9901\n1000000000001: 73 137 99990001\n", run.StdOut.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InstalledPythons]
    [MissingPythons]
    public async Task OurClient_AgainstPythonServer_PutGetGetNowaitAndResults(string version)
    {
        (ChildProcess python, int port) = await StartServerAsync(version);
        await using (python)
        {
            await using ManagerClient client = await QueueManager.ConnectAsync("127.0.0.1", port, TestServer.DefaultKey).WaitAsync(Timeouts.Short);
            await using (QueueProxy<long[]> jobs = await client.GetQueueAsync<long[]>("get_job_q").WaitAsync(Timeouts.Short))
            await using (QueueProxy<object?> raw = await client.GetQueueAsync<object?>("get_job_q").WaitAsync(Timeouts.Short))
            {
                // The seed's chunk, a list pickled by Python, read as long[].
                Assert.Equal(SeedChunk, await jobs.GetAsync(Timeouts.Short).AsTask().WaitAsync(Timeouts.Long));

                // Jobs: put, count, get, then get_nowait on the empty queue.
                await jobs.PutAsync([999999999999, 1000000000001]).AsTask().WaitAsync(Timeouts.Short);
                await jobs.PutAsync([7]).AsTask().WaitAsync(Timeouts.Short);
                Assert.Equal(2, await jobs.CountAsync().AsTask().WaitAsync(Timeouts.Short));
                long[] first = await jobs.GetAsync().AsTask().WaitAsync(Timeouts.Short);
                long[] second = await jobs.GetAsync(TimeSpan.FromSeconds(5)).AsTask().WaitAsync(Timeouts.Short);
                Assert.Equal([999999999999L, 1000000000001], first);
                Assert.Equal([7L], second);
                await Assert.ThrowsAsync<QueueEmptyException>(() => jobs.GetAsync(TimeSpan.Zero).AsTask().WaitAsync(Timeouts.Short));
                await Assert.ThrowsAsync<QueueEmptyException>(() => jobs.GetAsync(TimeSpan.FromMilliseconds(50)).AsTask().WaitAsync(Timeouts.Short));
                Assert.False(((IQueue<long[]>)jobs).TryGet(out _));

                // A result dict of ours survives a trip through Python's pickle and back.
                var mine = new Dictionary<long, long[]> { [999999999999] = [3, 3, 3, 7, 11, 13, 37, 101, 9901], [1] = [] };
                await raw.PutAsync(mine).AsTask().WaitAsync(Timeouts.Short);
                Dictionary<long, long[]> back = PyConvert.ToValue<Dictionary<long, long[]>>(await raw.GetAsync().AsTask().WaitAsync(Timeouts.Short));
                Assert.Equal(mine.Keys.Order(), back.Keys.Order());
                Assert.Equal(mine[999999999999], back[999999999999]);
                Assert.Empty(back[1]);

                // One whose key is past 64 bits, pickled back by Python, needs the BigInteger form.
                await raw.PutAsync(new Dictionary<BigInteger, BigInteger[]> { [BigInteger.Pow(2, 64) + 1] = [274177, 67280421310721] }).AsTask().WaitAsync(Timeouts.Short);
                object? big = await raw.CallAsync("get_nowait", PyTuple.Empty, NoKeywords).WaitAsync(Timeouts.Short);
                Assert.Throws<OverflowException>(() => PyConvert.ToValue<Dictionary<long, long[]>>(big));
                var bigResult = PyConvert.ToValue<Dictionary<BigInteger, BigInteger[]>>(big);
                Assert.Equal([274177, 67280421310721], bigResult[BigInteger.Pow(2, 64) + 1]);

                // Python's argument errors come back as #ERROR with the builtin type.
                var e = await Assert.ThrowsAsync<RemoteException>(() => jobs.CallAsync("put", PyTuple.Empty, NoKeywords).WaitAsync(Timeouts.Short));
                Assert.Equal("builtins.TypeError", e.RemoteType);
                var unknown = await Assert.ThrowsAsync<RemoteException>(() => jobs.CallAsync("no_such_method", PyTuple.Empty, NoKeywords).WaitAsync(Timeouts.Short));
                Assert.Equal("#TRACEBACK", unknown.ReplyKind);
                Assert.Contains("AttributeError", unknown.RemoteTraceback, StringComparison.Ordinal);
            }
            await FinishAsync(python, client);
        }
    }

    [Theory]
    [InstalledPythons]
    [MissingPythons]
    public async Task OurClient_BlockedGetOnPythonServer_ServedByAnotherClientsPut(string version)
    {
        (ChildProcess python, int port) = await StartServerAsync(version);
        await using (python)
        {
            await using ManagerClient a = await QueueManager.ConnectAsync("127.0.0.1", port, TestServer.DefaultKey).WaitAsync(Timeouts.Short);
            await using ManagerClient b = await QueueManager.ConnectAsync("127.0.0.1", port, TestServer.DefaultKey).WaitAsync(Timeouts.Short);
            await TakeSeedChunkAsync(a);
            await using (QueueProxy<string> getter = await a.GetQueueAsync<string>("get_job_q").WaitAsync(Timeouts.Short))
            await using (QueueProxy<string> putter = await b.GetQueueAsync<string>("get_job_q").WaitAsync(Timeouts.Short))
            {
                Task<string> blocked = getter.GetAsync(TimeSpan.FromSeconds(30)).AsTask();
                await putter.PutAsync("hello from C#").AsTask().WaitAsync(Timeouts.Short);

                Assert.Equal("hello from C#", await blocked.WaitAsync(Timeouts.Short));
            }
            await FinishAsync(python, b);
        }
    }

    [Theory]
    [InstalledPythons]
    [MissingPythons]
    public async Task OurClient_WrongKeyAgainstPythonServer_ManagerAuthenticationException(string version)
    {
        (ChildProcess python, int port) = await StartServerAsync(version);
        await using (python)
        {
            await Assert.ThrowsAsync<ManagerAuthenticationException>(() => QueueManager.ConnectAsync("127.0.0.1", port, "wrong"u8.ToArray()).WaitAsync(Timeouts.Short));

            // The server is fine afterwards.
            await using ManagerClient client = await QueueManager.ConnectAsync("127.0.0.1", port, TestServer.DefaultKey).WaitAsync(Timeouts.Short);
            await TakeSeedChunkAsync(client);
            await using (QueueProxy<long> q = await client.GetQueueAsync<long>("get_job_q").WaitAsync(Timeouts.Short))
            {
                Assert.Equal(0, await q.CountAsync().AsTask().WaitAsync(Timeouts.Short));
            }
            await FinishAsync(python, client);
        }
    }

    [Theory]
    [InstalledPythons]
    [MissingPythons]
    public async Task OurClient_RefcountsOnPythonServer_CreateHoldsOneReferenceAndDisposeReleasesIt(string version)
    {
        (ChildProcess python, int port) = await StartServerAsync(version);
        await using (python)
        {
            await using ManagerClient client = await QueueManager.ConnectAsync("127.0.0.1", port, TestServer.DefaultKey).WaitAsync(Timeouts.Short);
            // Once the chunk is there, the seed server's own two proxies exist, each holding one reference.
            await TakeSeedChunkAsync(client);
            Assert.Equal(2L, await client.ControlAsync("number_of_objects", PyTuple.Empty).WaitAsync(Timeouts.Short));

            QueueProxy<long> q = await client.GetQueueAsync<long>("get_job_q").WaitAsync(Timeouts.Short);
            // CPython names an object by id(), so ours shares the seed server's ident: its count goes 1 → 2.
            Assert.Equal(2L, await client.ControlAsync("number_of_objects", PyTuple.Empty).WaitAsync(Timeouts.Short));
            string info = (string)(await client.ControlAsync("debug_info", PyTuple.Empty).WaitAsync(Timeouts.Short))!;
            Assert.Contains($"{q.Token.Id}:       refcount=2", info, StringComparison.Ordinal);

            await q.DisposeAsync();

            info = (string)(await client.ControlAsync("debug_info", PyTuple.Empty).WaitAsync(Timeouts.Short))!;
            Assert.Contains($"{q.Token.Id}:       refcount=1", info, StringComparison.Ordinal);
            Assert.Equal(2L, await client.ControlAsync("number_of_objects", PyTuple.Empty).WaitAsync(Timeouts.Short));
            await FinishAsync(python, client);
        }
    }
}
