using Factorizer.Managers.Client;
using Factorizer.Managers.Server;
using Factorizer.Managers.Tests.Support;
using Factorizer.Managers.Wire;

namespace Factorizer.Managers.Tests.Server;

public class ShutdownTests
{
    [Fact]
    public async Task Shutdown_RemoteCall_TwoReturnRepliesThenServerStops()
    {
        await using TestServer server = TestServer.Start();
        await using RawPeer peer = await RawPeer.ConnectAuthenticatedAsync(server.EndPoint, server.Key);

        Reply first = await peer.RequestAsync(Request.Of(null, WireLiterals.Shutdown));
        Reply second = await peer.ReadReplyAsync();

        Assert.Equal(Reply.None, first);
        Assert.Equal(Reply.None, second);
        await server.Server.Completion.WaitAsync(Timeouts.Short);
        await Assert.ThrowsAsync<ManagerConnectionException>(() => server.ConnectAsync());
    }

    [Fact]
    public async Task Shutdown_WithBlockedGetter_GetterFailsInsteadOfHanging()
    {
        await using TestServer server = TestServer.Start();
        await using ManagerClient client = await server.ConnectAsync();
        await using var jobs = await client.GetQueueAsync<long>("get_job_q");
        Task<long> blocked = jobs.GetAsync().AsTask();
        await Timeouts.UntilAsync(() => server.Jobs.WaitingGetters == 1, "the get is blocked");

        await using ManagerClient admin = await server.ConnectAsync();
        await admin.ShutdownServerAsync().WaitAsync(Timeouts.Short);
        await server.Server.Completion.WaitAsync(Timeouts.Short);

        Exception e = await Assert.ThrowsAnyAsync<Exception>(() => blocked.WaitAsync(Timeouts.Short));
        Assert.True(e is IOException or RemoteException, e.ToString());
        Assert.Equal(0, server.Jobs.WaitingGetters);
        Assert.Equal(0, server.Jobs.Count);
    }

    [Fact]
    public async Task Shutdown_NotAllowed_RefusedAndServerKeepsRunning()
    {
        var manager = new QueueManager(new ManagerServerOptions { AuthKey = TestServer.DefaultKey, AllowRemoteShutdown = false });
        manager.RegisterQueue("get_job_q");
        await using (manager)
        {
            System.Net.IPEndPoint ep = manager.Start(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
            await using ManagerClient client = await QueueManager.ConnectAsync("127.0.0.1", ep.Port, TestServer.DefaultKey).WaitAsync(Timeouts.Short);

            var e = await Assert.ThrowsAsync<RemoteException>(() => client.ShutdownServerAsync().WaitAsync(Timeouts.Short));

            Assert.Equal("AssertionError", e.RemoteType);
            Assert.False(manager.Server.Completion.IsCompleted);
            await using var q = await client.GetQueueAsync<long>("get_job_q").WaitAsync(Timeouts.Short);
            await q.PutAsync(1);
            Assert.Equal(1, await q.GetAsync(TimeSpan.Zero));
        }
    }

    [Fact]
    public async Task StopAsync_ClosesEveryConnectionAndCompletes()
    {
        TestServer server = TestServer.Start();
        await using ManagerClient client = await server.ConnectAsync();
        await using RawPeer idle = await RawPeer.ConnectCallChannelAsync(server.EndPoint, server.Key);

        await server.Server.StopAsync().WaitAsync(Timeouts.Short);

        await server.Server.Completion.WaitAsync(Timeouts.Short);
        await idle.AssertClosedAsync();
        await Timeouts.UntilAsync(() => server.Server.ConnectionCount == 0, "every session ended");
        await server.DisposeAsync(); // a second stop is harmless
    }

    [Fact]
    public async Task Start_Twice_Refused()
    {
        await using TestServer server = TestServer.Start();

        Assert.Throws<InvalidOperationException>(() => server.Manager.Start(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0)));
        Assert.Throws<InvalidOperationException>(() => server.Manager.RegisterQueue("late"));
    }
}
