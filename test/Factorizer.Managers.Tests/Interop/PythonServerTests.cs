using System.Globalization;
using System.Numerics;
using Factorizer.Managers.Auth;
using Factorizer.Managers.Client;
using Factorizer.Managers.Queues;
using Factorizer.Managers.Tests.Support;
using Factorizer.TestSupport;

namespace Factorizer.Managers.Tests.Interop;

/// <summary>Our client and queue proxies against CPython's own manager server (the seed's code).</summary>
public class PythonServerTests
{
    public static IEnumerable<object[]> Versions() => Python.InteropVersions();

    private static async Task<(ChildProcess Python, int Port)> StartServerAsync(string version)
    {
        ChildProcess python = PythonScripts.Start(version, "seed_server.py");
        try
        {
            string ready = await python.WaitForLineAsync("READY ", Timeouts.Long);
            int port = int.Parse(ready.Split(' ')[1], CultureInfo.InvariantCulture);
            return (python, port);
        }
        catch
        {
            await python.DisposeAsync();
            throw;
        }
    }

    private static async Task StopAsync(ChildProcess python)
    {
        await python.StandardInput.WriteLineAsync("stop");
        await python.StandardInput.FlushAsync();
        ProcessResult run = await python.WaitAsync(Timeouts.Long);
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task OurClient_AgainstPythonServer_PutGetGetNowaitAndResults(string version)
    {
        (ChildProcess python, int port) = await StartServerAsync(version);
        await using (python)
        {
            await using (ManagerClient client = await QueueManager.ConnectAsync("127.0.0.1", port, TestServer.DefaultKey).WaitAsync(Timeouts.Short))
            {
                await using QueueProxy<long[]> jobs = await client.GetQueueAsync<long[]>("get_job_q").WaitAsync(Timeouts.Short);
                await using QueueProxy<Dictionary<long, long[]>> results = await client.GetQueueAsync<Dictionary<long, long[]>>("get_result_q").WaitAsync(Timeouts.Short);

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

                // A result dict pickled by Python, converted on our side.
                Dictionary<long, long[]> result = await results.GetAsync(TimeSpan.Zero).AsTask().WaitAsync(Timeouts.Short);
                Assert.Equal([3L, 3, 3, 7, 11, 13, 37, 101, 9901], result[999999999999]);
                Assert.Equal([73L, 137, 99990001], result[1000000000001]);

                // One whose key is past 64 bits needs the BigInteger form.
                object? big = await results.CallAsync("get_nowait", Factorizer.Pickle.PyTuple.Empty, new Dictionary<string, object?>()).WaitAsync(Timeouts.Short);
                Assert.Throws<OverflowException>(() => PyConvert.ToValue<Dictionary<long, long[]>>(big));
                var bigResult = PyConvert.ToValue<Dictionary<BigInteger, BigInteger[]>>(big);
                Assert.Equal([274177, 67280421310721], bigResult[BigInteger.Pow(2, 64) + 1]);

                // A result dict of ours survives a trip through Python's pickle and back.
                var mine = new Dictionary<long, long[]> { [999999999999] = [3, 3, 3, 7, 11, 13, 37, 101, 9901], [1] = [] };
                await results.PutAsync(mine).AsTask().WaitAsync(Timeouts.Short);
                Dictionary<long, long[]> back = await results.GetAsync().AsTask().WaitAsync(Timeouts.Short);
                Assert.Equal(mine.Keys.Order(), back.Keys.Order());
                Assert.Equal(mine[999999999999], back[999999999999]);
                Assert.Empty(back[1]);

                // Python's argument errors come back as #ERROR with the builtin type.
                var e = await Assert.ThrowsAsync<RemoteException>(() => jobs.CallAsync("put", Factorizer.Pickle.PyTuple.Empty, new Dictionary<string, object?>()).WaitAsync(Timeouts.Short));
                Assert.Equal("builtins.TypeError", e.RemoteType);
                var unknown = await Assert.ThrowsAsync<RemoteException>(() => jobs.CallAsync("no_such_method", Factorizer.Pickle.PyTuple.Empty, new Dictionary<string, object?>()).WaitAsync(Timeouts.Short));
                Assert.Equal("#TRACEBACK", unknown.ReplyKind);
                Assert.Contains("AttributeError", unknown.RemoteTraceback, StringComparison.Ordinal);
            }
            await StopAsync(python);
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task OurClient_BlockedGetOnPythonServer_ServedByAnotherClientsPut(string version)
    {
        (ChildProcess python, int port) = await StartServerAsync(version);
        await using (python)
        {
            await using (ManagerClient a = await QueueManager.ConnectAsync("127.0.0.1", port, TestServer.DefaultKey).WaitAsync(Timeouts.Short))
            await using (ManagerClient b = await QueueManager.ConnectAsync("127.0.0.1", port, TestServer.DefaultKey).WaitAsync(Timeouts.Short))
            {
                await using QueueProxy<string> getter = await a.GetQueueAsync<string>("get_job_q").WaitAsync(Timeouts.Short);
                await using QueueProxy<string> putter = await b.GetQueueAsync<string>("get_job_q").WaitAsync(Timeouts.Short);

                Task<string> blocked = getter.GetAsync(TimeSpan.FromSeconds(30)).AsTask();
                await putter.PutAsync("hello from C#").AsTask().WaitAsync(Timeouts.Short);

                Assert.Equal("hello from C#", await blocked.WaitAsync(Timeouts.Short));
            }
            await StopAsync(python);
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task OurClient_WrongKeyAgainstPythonServer_ManagerAuthenticationException(string version)
    {
        (ChildProcess python, int port) = await StartServerAsync(version);
        await using (python)
        {
            await Assert.ThrowsAsync<ManagerAuthenticationException>(() => QueueManager.ConnectAsync("127.0.0.1", port, "wrong"u8.ToArray()).WaitAsync(Timeouts.Short));

            // The server is fine afterwards.
            await using (ManagerClient client = await QueueManager.ConnectAsync("127.0.0.1", port, TestServer.DefaultKey).WaitAsync(Timeouts.Short))
            {
                await using QueueProxy<long> q = await client.GetQueueAsync<long>("get_job_q").WaitAsync(Timeouts.Short);
                Assert.Equal(0, await q.CountAsync().AsTask().WaitAsync(Timeouts.Short));
            }
            await StopAsync(python);
        }
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task OurClient_RefcountsOnPythonServer_CreateHoldsOneReferenceAndDisposeReleasesIt(string version)
    {
        (ChildProcess python, int port) = await StartServerAsync(version);
        await using (python)
        {
            await using (ManagerClient client = await QueueManager.ConnectAsync("127.0.0.1", port, TestServer.DefaultKey).WaitAsync(Timeouts.Short))
            {
                QueueProxy<long> q = await client.GetQueueAsync<long>("get_job_q").WaitAsync(Timeouts.Short);
                Assert.Equal(1L, await client.ControlAsync("number_of_objects", Factorizer.Pickle.PyTuple.Empty).WaitAsync(Timeouts.Short));
                string info = (string)(await client.ControlAsync("debug_info", Factorizer.Pickle.PyTuple.Empty).WaitAsync(Timeouts.Short))!;
                Assert.Contains($"{q.Token.Id}:       refcount=1", info, StringComparison.Ordinal);

                await q.DisposeAsync();

                Assert.Equal(0L, await client.ControlAsync("number_of_objects", Factorizer.Pickle.PyTuple.Empty).WaitAsync(Timeouts.Short));
            }
            await StopAsync(python);
        }
    }
}
