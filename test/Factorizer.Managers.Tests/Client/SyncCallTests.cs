using Factorizer.Managers.Client;
using Factorizer.Managers.Queues;
using Factorizer.Managers.Tests.Support;
using Factorizer.Managers.Wire;
using Factorizer.Pickle;

namespace Factorizer.Managers.Tests.Client;

/// <summary>
/// The synchronous calls (ManagerClient.Call, QueueProxy.Put/Get): the same requests and replies as the async
/// ones, on the calling thread. Each runs on a thread of its own, bounded by a timeout.
/// </summary>
public class SyncCallTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private ManagerClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = TestServer.Start();
        _client = await _server.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
    }

    private static Task<T> OnOwnThread<T>(Func<T> call) =>
        Task.Factory.StartNew(call, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).WaitAsync(Timeouts.Short);

    [Fact]
    public async Task PutGet_RoundTripsAChunkInOrder()
    {
        await using QueueProxy<long[]> jobs = await _client.GetQueueAsync<long[]>("get_job_q");

        long[][] got = await OnOwnThread(() =>
        {
            jobs.Put([999999999999, 1000000000001]);
            jobs.Put([7]);
            return new[] { jobs.Get(), jobs.Get() };
        });

        Assert.Equal([999999999999L, 1000000000001], got[0]);
        Assert.Equal([7L], got[1]);
        Assert.Equal(0, _server.Jobs.Count);
    }

    [Fact]
    public async Task SyncAndAsyncCalls_ShareTheClient()
    {
        await using QueueProxy<string> jobs = await _client.GetQueueAsync<string>("get_job_q");

        await jobs.PutAsync("async put");
        string got = await OnOwnThread(jobs.Get);
        await OnOwnThread(() => { jobs.Put("sync put"); return 0; });

        Assert.Equal("async put", got);
        Assert.Equal("sync put", await jobs.GetAsync().AsTask().WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task Get_BlocksUntilAnotherClientPuts()
    {
        await using QueueProxy<string> getter = await _client.GetQueueAsync<string>("get_job_q");
        Task<string> blocked = OnOwnThread(getter.Get);
        await Timeouts.UntilAsync(() => _server.Jobs.WaitingGetters == 1, "the get to block");

        await using ManagerClient other = await _server.ConnectAsync();
        await using QueueProxy<string> putter = await other.GetQueueAsync<string>("get_job_q");
        await putter.PutAsync("wake up");

        Assert.Equal("wake up", await blocked);
    }

    [Fact]
    public async Task Call_ErrorReplies_BecomeTheSameExceptionsAsAsync()
    {
        (Token token, _) = await _client.CreateAsync("get_job_q", []);

        await Assert.ThrowsAsync<QueueEmptyException>(() => OnOwnThread(() => _client.Call(token.Id, "get_nowait", PyTuple.Empty)));
        var e = await Assert.ThrowsAsync<RemoteException>(() => OnOwnThread(() => _client.Call(token.Id, "no_such_method", PyTuple.Empty)));
        Assert.Equal("AttributeError", e.RemoteType);
        Assert.Null(await OnOwnThread(() => _client.Call(token.Id, "put", new PyTuple(1L))));
        Assert.Equal(1L, await OnOwnThread(() => _client.Call(token.Id, "get_nowait", PyTuple.Empty)));
        await _client.DecRefAsync(token.Id);
    }

    [Fact]
    public async Task CallAll_PutOnOneQueueAndGetOnAnother_InOneRoundTrip()
    {
        (Token jobs, _) = await _client.CreateAsync("get_job_q", []);
        (Token results, _) = await _client.CreateAsync("get_result_q", []);
        await _server.Jobs.PutAsync("next chunk");

        object?[] got = await OnOwnThread(() => _client.CallAll([(results.Id, "put", new PyTuple("result")), (jobs.Id, "get", PyTuple.Empty)]));

        Assert.Equal(new object?[] { null, "next chunk" }, got);
        Assert.Equal("result", await _server.Results.GetAsync(TimeSpan.Zero));
        await _client.DecRefAsync(jobs.Id);
        await _client.DecRefAsync(results.Id);
    }

    [Fact]
    public async Task CallAll_AFailedCall_TheRestAreStillMadeAndTheChannelStaysInStep()
    {
        (Token token, _) = await _client.CreateAsync("get_job_q", []);

        await Assert.ThrowsAsync<QueueEmptyException>(() => OnOwnThread(() =>
            _client.CallAll([(token.Id, "get_nowait", PyTuple.Empty), (token.Id, "put", new PyTuple(5L)), (token.Id, "no_such_method", PyTuple.Empty)])));

        Assert.Equal(1, _server.Jobs.Count); // the put after the failed get was made
        Assert.Equal(5L, await OnOwnThread(() => _client.Call(token.Id, "get_nowait", PyTuple.Empty)));
        await _client.DecRefAsync(token.Id);
    }

    [Fact]
    public async Task CallAll_ABlockedGetFirst_TheCallsAfterItWaitForIt()
    {
        (Token token, _) = await _client.CreateAsync("get_job_q", []);

        Task<object?[]> batch = OnOwnThread(() => _client.CallAll([(token.Id, "get", PyTuple.Empty), (token.Id, "qsize", PyTuple.Empty)]));
        await Timeouts.UntilAsync(() => _server.Jobs.WaitingGetters == 1, "the get to block");
        Assert.False(batch.IsCompleted);
        await _server.Jobs.PutAsync("late");

        Assert.Equal(new object?[] { "late", 0L }, await batch);
        await _client.DecRefAsync(token.Id);
    }

    [Fact]
    public async Task SyncChannel_PeerAcceptsButNeverGreets_FailsWithinTheConnectTimeout()
    {
        using var silent = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        silent.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        silent.Listen(1); // the kernel completes the TCP handshake; nobody ever sends the challenge
        var options = new ManagerClientOptions
        {
            Host = "127.0.0.1",
            Port = ((System.Net.IPEndPoint)silent.LocalEndPoint!).Port,
            AuthKey = TestServer.DefaultKey,
            ConnectTimeout = TimeSpan.FromMilliseconds(300),
        };

        var e = await Assert.ThrowsAsync<ManagerConnectionException>(() => OnOwnThread(() => ClientConnection.Open(options)));
        Assert.Contains("no answer within", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SyncChannel_NobodyListening_FailsAtOnceWithAConnectionError()
    {
        int port;
        using (var probe = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp))
        {
            probe.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
            port = ((System.Net.IPEndPoint)probe.LocalEndPoint!).Port;
        }
        var options = new ManagerClientOptions { Host = "127.0.0.1", Port = port, AuthKey = TestServer.DefaultKey };

        await Assert.ThrowsAsync<ManagerConnectionException>(() => OnOwnThread(() => ClientConnection.Open(options)));
    }

    [Fact]
    public async Task Get_ServerStopsWhileBlocked_FailsInsteadOfHanging()
    {
        await using QueueProxy<string> getter = await _client.GetQueueAsync<string>("get_job_q");
        Task<string> blocked = OnOwnThread(getter.Get);
        await Timeouts.UntilAsync(() => _server.Jobs.WaitingGetters == 1, "the get to block");

        await _server.Server.StopAsync();

        // The connection closes (or, first, the cancelled call's error reply arrives): either way the caller is told.
        Exception e = await Assert.ThrowsAnyAsync<Exception>(() => blocked);
        Assert.True(e is ManagerConnectionException or RemoteException, e.ToString());
    }
}
