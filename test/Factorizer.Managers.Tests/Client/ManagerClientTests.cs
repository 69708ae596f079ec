using System.Net;
using System.Net.Sockets;
using Factorizer.Managers.Client;
using Factorizer.Managers.Tests.Support;
using Factorizer.Pickle;

namespace Factorizer.Managers.Tests.Client;

public class ManagerClientTests
{
    [Fact]
    public async Task Connect_NothingListening_ManagerConnectionException()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        await Assert.ThrowsAsync<ManagerConnectionException>(() =>
            QueueManager.ConnectAsync("127.0.0.1", port, TestServer.DefaultKey).WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task Connect_PeerNeverChallenges_TimesOutWithManagerConnectionException()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var options = new ManagerClientOptions
        {
            Host = "127.0.0.1",
            Port = ((IPEndPoint)silent.LocalEndpoint).Port,
            AuthKey = TestServer.DefaultKey,
            ConnectTimeout = TimeSpan.FromMilliseconds(300),
        };

        var e = await Assert.ThrowsAsync<ManagerConnectionException>(() => ManagerClient.ConnectAsync(options).WaitAsync(Timeouts.Short));

        Assert.Contains("no answer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_PeerClosesDuringHandshake_ManagerConnectionExceptionOrAuthFailure()
    {
        using var rude = new TcpListener(IPAddress.Loopback, 0);
        rude.Start();
        Task closer = Task.Run(async () =>
        {
            using Socket s = await rude.AcceptSocketAsync();
            s.Close();
        });

        Exception e = await Assert.ThrowsAnyAsync<Exception>(() =>
            QueueManager.ConnectAsync("127.0.0.1", ((IPEndPoint)rude.LocalEndpoint).Port, TestServer.DefaultKey).WaitAsync(Timeouts.Short));

        Assert.True(e is ManagerConnectionException or Factorizer.Managers.Auth.ManagerAuthenticationException, e.ToString());
        await closer.WaitAsync(Timeouts.Short);
    }

    [Fact]
    public async Task Call_ServerStopsMidCall_ConnectionErrorNotHang()
    {
        TestServer server = TestServer.Start();
        await using ManagerClient client = await server.ConnectAsync();
        await using var jobs = await client.GetQueueAsync<long>("get_job_q");
        Task<long> blocked = jobs.GetAsync().AsTask();
        await Timeouts.UntilAsync(() => server.Jobs.WaitingGetters == 1, "the get is blocked");

        await server.DisposeAsync();

        Exception e = await Assert.ThrowsAnyAsync<Exception>(() => blocked.WaitAsync(Timeouts.Short));
        Assert.True(e is IOException or RemoteException, e.ToString());
        await Assert.ThrowsAsync<ManagerConnectionException>(() => jobs.CountAsync().AsTask().WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task Call_AfterCancelledCall_ChannelNotReusedAndNextCallWorks()
    {
        await using TestServer server = TestServer.Start();
        await using ManagerClient client = await server.ConnectAsync();
        await using var jobs = await client.GetQueueAsync<long>("get_job_q");
        using var cts = new CancellationTokenSource();
        Task<long> get = jobs.GetAsync(cancellationToken: cts.Token).AsTask();
        await Timeouts.UntilAsync(() => server.Jobs.WaitingGetters == 1, "the get is blocked");

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => get.WaitAsync(Timeouts.Short));
        // Until the server has seen the channel close, a put could still be handed to the abandoned get
        // (and be lost if the reply write succeeds into the closed socket): wait for the withdrawal.
        await Timeouts.UntilAsync(() => server.Jobs.WaitingGetters == 0, "the server withdrew the abandoned get");

        await jobs.PutAsync(3).AsTask().WaitAsync(Timeouts.Short);
        Assert.Equal(3, await jobs.GetAsync(TimeSpan.Zero).AsTask().WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task Dispose_ThenCall_ObjectDisposed()
    {
        await using TestServer server = TestServer.Start();
        ManagerClient client = await server.ConnectAsync();
        await client.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.CallAsync("1", "qsize", PyTuple.Empty));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.ControlAsync("dummy", PyTuple.Empty));
    }

    [Fact]
    public async Task Dispose_ClosesPooledChannels()
    {
        await using TestServer server = TestServer.Start();
        ManagerClient client = await server.ConnectAsync();
        var jobs = await client.GetQueueAsync<long>("get_job_q");
        await jobs.PutAsync(1);
        Assert.Single(server.Server.CallSessions);
        await jobs.DisposeAsync();

        await client.DisposeAsync();

        await Timeouts.UntilAsync(() => server.Server.CallSessions.Count == 0, "the call channel closed on the server");
    }

    [Fact]
    public async Task Options_ConnectionName_SentWithAcceptConnection()
    {
        await using TestServer server = TestServer.Start();
        await using ManagerClient client = await ManagerClient.ConnectAsync(server.ClientOptions() with { ConnectionName = "Worker-7" });
        await using var jobs = await client.GetQueueAsync<long>("get_job_q");

        await jobs.CountAsync();

        Assert.Equal("Worker-7", Assert.Single(server.Server.CallSessions).Name);
    }
}

public class QueueProxyValueTests
{
    [Fact]
    public async Task Proxy_OfObject_NoneItemComesBackAsNull()
    {
        await using TestServer server = TestServer.Start();
        await using ManagerClient client = await server.ConnectAsync();
        await using var q = await client.GetQueueAsync<object?>("get_job_q");

        await q.PutAsync(null);
        await q.PutAsync("x");

        Assert.Null(await q.GetAsync(TimeSpan.Zero));
        Assert.Equal("x", await q.GetAsync(TimeSpan.Zero));
    }
}
