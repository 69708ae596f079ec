using Factorizer.Managers.Client;
using Factorizer.Managers.Tests.Support;
using Factorizer.Managers.Wire;
using Factorizer.Pickle;

namespace Factorizer.Managers.Tests.Server;

/// <summary>Blocked calls, many connections, and peers that go away mid-call.</summary>
public class ConcurrencyTests
{
    [Fact]
    public async Task Get_BlockedOnOneConnection_OtherConnectionsKeepWorking()
    {
        await using TestServer server = TestServer.Start();
        await using ManagerClient client = await server.ConnectAsync();
        await using var jobs = await client.GetQueueAsync<long>("get_job_q");
        await using var results = await client.GetQueueAsync<long>("get_result_q");

        Task<long> blocked = jobs.GetAsync().AsTask();
        await Timeouts.UntilAsync(() => server.Jobs.WaitingGetters == 1, "the get is blocked on the server");
        for (long i = 0; i < 20; i++)
        {
            await results.PutAsync(i).AsTask().WaitAsync(Timeouts.Short);
            Assert.Equal(i, await results.GetAsync().AsTask().WaitAsync(Timeouts.Short));
        }
        Assert.Equal(0, await jobs.CountAsync().AsTask().WaitAsync(Timeouts.Short)); // same queue, other channel
        Assert.False(blocked.IsCompleted);
        await jobs.PutAsync(77).AsTask().WaitAsync(Timeouts.Short);

        Assert.Equal(77, await blocked.WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task Get_ThousandClientsBlockedAtOnce_AllServedByThousandPuts()
    {
        const int n = 1000;
        await using TestServer server = TestServer.Start();
        ManagerClient[] clients = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => server.ConnectAsync()));
        try
        {
            QueueProxy<long>[] proxies = await Task.WhenAll(clients.Select(c => c.GetQueueAsync<long>("get_job_q")));

            // Each blocked call needs a call channel of its own: n connections, each held by one get.
            Task<long>[] gets = [.. Enumerable.Range(0, n).Select(i => proxies[i % proxies.Length].GetAsync().AsTask())];
            await Timeouts.UntilAsync(() => server.Jobs.WaitingGetters == n, $"{n} gets blocked on the server", Timeouts.Long);
            Assert.True(server.Server.CallSessions.Count >= n);

            await using ManagerClient producer = await server.ConnectAsync();
            await using var put = await producer.GetQueueAsync<long>("get_job_q");
            for (long i = 0; i < n; i++)
            {
                await put.PutAsync(i).AsTask().WaitAsync(Timeouts.Short);
            }

            long[] got = await Task.WhenAll(gets).WaitAsync(Timeouts.Long);
            Assert.Equal(Enumerable.Range(0, n).Select(i => (long)i), got.Order());
            Assert.Equal(0, server.Jobs.Count);
            Assert.Equal(0, server.Jobs.WaitingGetters);
        }
        finally
        {
            foreach (ManagerClient c in clients)
            {
                await c.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Get_ClientCancelsWhileBlocked_NextItemGoesToTheNextGetter()
    {
        await using TestServer server = TestServer.Start();
        await using ManagerClient client = await server.ConnectAsync();
        await using var jobs = await client.GetQueueAsync<string>("get_job_q");
        using var cts = new CancellationTokenSource();

        Task<string> abandoned = jobs.GetAsync(cancellationToken: cts.Token).AsTask();
        await Timeouts.UntilAsync(() => server.Jobs.WaitingGetters == 1, "the get is blocked on the server");
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned.WaitAsync(Timeouts.Short));
        await Timeouts.UntilAsync(() => server.Jobs.WaitingGetters == 0, "the server cancelled the abandoned get");
        await jobs.PutAsync("chunk-1").AsTask().WaitAsync(Timeouts.Short);

        Assert.Equal(1, server.Jobs.Count);
        Assert.Equal("chunk-1", await jobs.GetAsync().AsTask().WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task Get_RawPeerDisconnectsWhileBlocked_ItemStaysForTheNextGetter()
    {
        await using TestServer server = TestServer.Start();
        await using ManagerClient client = await server.ConnectAsync();
        await using var jobs = await client.GetQueueAsync<string>("get_job_q");
        int before = server.Server.ConnectionCount;

        RawPeer peer = await RawPeer.ConnectCallChannelAsync(server.EndPoint, server.Key);
        await peer.SendAsync(Request.Of(jobs.Token.Id, "get"));
        await Timeouts.UntilAsync(() => server.Jobs.WaitingGetters == 1, "the raw get is blocked on the server");
        peer.Socket.Close(); // abrupt: no more reads, the server sees EOF or a reset
        await peer.DisposeAsync();
        await Timeouts.UntilAsync(() => server.Jobs.WaitingGetters == 0 && server.Server.ConnectionCount <= before, "the server ended the dead peer's call");

        await jobs.PutAsync("survivor").AsTask().WaitAsync(Timeouts.Short);

        Assert.Equal("survivor", await jobs.GetAsync(TimeSpan.Zero).AsTask().WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task Get_SeveralPeersAbandonGetsThenOneWaits_OnlyTheLiveOneIsServed()
    {
        await using TestServer server = TestServer.Start();
        await using ManagerClient client = await server.ConnectAsync();
        await using var jobs = await client.GetQueueAsync<long>("get_job_q");
        var peers = new List<RawPeer>();
        for (int i = 0; i < 5; i++)
        {
            RawPeer p = await RawPeer.ConnectCallChannelAsync(server.EndPoint, server.Key);
            await p.SendAsync(Request.Of(jobs.Token.Id, "get"));
            peers.Add(p);
        }
        await Timeouts.UntilAsync(() => server.Jobs.WaitingGetters == 5, "5 raw gets blocked");
        foreach (RawPeer p in peers)
        {
            await p.DisposeAsync();
        }
        await Timeouts.UntilAsync(() => server.Jobs.WaitingGetters == 0, "every abandoned get withdrawn");

        Task<long> live = jobs.GetAsync().AsTask();
        await Timeouts.UntilAsync(() => server.Jobs.WaitingGetters == 1, "the live get blocked");
        await jobs.PutAsync(1).AsTask().WaitAsync(Timeouts.Short);
        await jobs.PutAsync(2).AsTask().WaitAsync(Timeouts.Short);

        Assert.Equal(1, await live.WaitAsync(Timeouts.Short));
        Assert.Equal(2, await jobs.GetAsync(TimeSpan.Zero).AsTask().WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task Proxy_Disposed_ReleasesItsReference()
    {
        await using TestServer server = TestServer.Start();
        await using ManagerClient client = await server.ConnectAsync();
        var a = await client.GetQueueAsync<long>("get_job_q");
        var b = await client.GetQueueAsync<long>("get_job_q");
        Assert.Equal(2, server.Server.Objects.RefCountOf(a.Token.Id));

        await a.DisposeAsync();
        await a.DisposeAsync(); // twice: still one decref
        Assert.Equal(1, server.Server.Objects.RefCountOf(b.Token.Id));
        await b.DisposeAsync();

        Assert.Equal(0, server.Server.ObjectCount);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => b.GetAsync().AsTask());
    }

    [Fact]
    public async Task CallChannel_ManySequentialCalls_ReusesPooledChannel()
    {
        await using TestServer server = TestServer.Start();
        await using ManagerClient client = await server.ConnectAsync();
        await using var jobs = await client.GetQueueAsync<long>("get_job_q");

        for (long i = 0; i < 50; i++)
        {
            await jobs.PutAsync(i);
            Assert.Equal(i, await jobs.GetAsync(TimeSpan.Zero));
        }

        Assert.Single(server.Server.CallSessions);
        Assert.Equal("MainProcess", server.Server.CallSessions[0].Name);
    }
}
