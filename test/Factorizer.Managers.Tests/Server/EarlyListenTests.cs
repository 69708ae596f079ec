using System.Net;
using System.Net.Sockets;
using Factorizer.Managers.Client;
using Factorizer.Managers.Server;
using Factorizer.Managers.Tests.Support;

namespace Factorizer.Managers.Tests.Server;

/// <summary>
/// A listener bound before the manager is ready (so a program knows its port early): peers that
/// connect meanwhile wait in the backlog and are served once the manager starts on it.
/// </summary>
public class EarlyListenTests
{
    [Fact]
    public async Task Start_OnListenerBoundEarlier_ServesTheClientThatConnectedBefore()
    {
        TcpListener listener = ManagerServer.Listen(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var manager = new QueueManager(new ManagerServerOptions { AuthKey = TestServer.DefaultKey });
        Assert.True(manager.RegisterQueue("get_job_q").TryPut(7L));
        await using (manager)
        {
            Task<ManagerClient> connecting = QueueManager.ConnectAsync("127.0.0.1", port, TestServer.DefaultKey);
            Assert.False(connecting.IsCompleted); // nobody accepts yet: the handshake waits

            IPEndPoint bound = manager.Start(listener);

            Assert.Equal(port, bound.Port);
            await using ManagerClient client = await connecting.WaitAsync(Timeouts.Short);
            await using QueueProxy<long> jobs = await client.GetQueueAsync<long>("get_job_q").WaitAsync(Timeouts.Short);
            Assert.Equal(7L, await jobs.GetAsync(TimeSpan.Zero).AsTask().WaitAsync(Timeouts.Short));
        }
    }

    [Fact]
    public async Task Start_Twice_Throws()
    {
        var manager = new QueueManager(new ManagerServerOptions { AuthKey = TestServer.DefaultKey });
        await using (manager)
        {
            manager.Start(ManagerServer.Listen(new IPEndPoint(IPAddress.Loopback, 0)));
            using TcpListener second = ManagerServer.Listen(new IPEndPoint(IPAddress.Loopback, 0));

            Assert.Throws<InvalidOperationException>(() => manager.Start(second));
            Assert.Throws<InvalidOperationException>(() => manager.Start(new IPEndPoint(IPAddress.Loopback, 0)));
        }
    }
}
