using Factorizer.Managers.Client;
using Factorizer.Managers.Tests.Support;
using Factorizer.Managers.Wire;
using Factorizer.Pickle;
using Factorizer.TestSupport;
using CallLoop = Factorizer.Managers.Server.CallLoop;

namespace Factorizer.Managers.Tests.Server;

/// <summary>
/// Connections served by a thread of their own while few are open (ManagerServerOptions.OwnThreadConnections):
/// they get every reply as on the event loop, move to it when a call has to wait or when many connect, and
/// keep its guarantees (an item taken for a peer that died is not lost; a stalled or hostile peer is cut off).
/// </summary>
public class OwnThreadConnectionTests
{
    private static async Task<string> JobQueueIdentAsync(TestServer server)
    {
        await using ManagerClient client = await server.ConnectAsync();
        (Token token, _) = await client.CreateAsync("get_job_q", []).WaitAsync(Timeouts.Short);
        return token.Id;
    }

    /// <summary>A call channel, once the control connections that made it are gone: on its own thread or not.</summary>
    private static async Task<RawPeer> CallChannelAsync(TestServer server, int expectedOnOwnThread)
    {
        RawPeer peer = await RawPeer.ConnectCallChannelAsync(server.EndPoint, server.Key);
        await Timeouts.UntilAsync(() => server.Server.ConnectionsOnOwnThread == expectedOnOwnThread,
            $"{expectedOnOwnThread} connections on threads of their own (now {server.Server.ConnectionsOnOwnThread})");
        return peer;
    }

    [Fact]
    public async Task LoneClient_ServedOnItsOwnThread_GetsEveryReply()
    {
        await using TestServer server = TestServer.Start();
        string ident = await JobQueueIdentAsync(server);
        await using RawPeer peer = await CallChannelAsync(server, expectedOnOwnThread: 1);

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(Reply.None, await peer.RequestAsync(Request.Of(ident, "put", (long)i)));
            Assert.Equal(Reply.Return((long)i), await peer.RequestAsync(Request.Of(ident, "get")));
        }
        Assert.Equal(Reply.Return(0L), await peer.RequestAsync(Request.Of(ident, "qsize")));
        Assert.Equal(1, server.Server.ConnectionsOnOwnThread);
    }

    [Fact]
    public async Task OurSynchronousClient_OnItsOwnThread_PutsAndGets()
    {
        await using TestServer server = TestServer.Start();
        await using ManagerClient client = await server.ConnectAsync();
        await using QueueProxy<object?> queue = await client.GetQueueAsync<object?>("get_job_q").WaitAsync(Timeouts.Short);

        // Our own client's synchronous calls on one channel: the quickest path on both ends.
        await Task.Run(() =>
        {
            for (int i = 0; i < 50; i++)
            {
                queue.Put(new List<object?> { (long)i, "x" });
                Assert.Equal(new List<object?> { (long)i, "x" }, queue.Get());
            }
        }).WaitAsync(Timeouts.Short);
        Assert.Equal(1, server.Server.ConnectionsOnOwnThread);
        Assert.Equal(0, server.Jobs.Count);
    }

    [Fact]
    public async Task BlockedGet_MovesToTheEventLoop_AndTheItemIsNotLostWhenTheClientDies()
    {
        await using TestServer server = TestServer.Start();
        string ident = await JobQueueIdentAsync(server);
        RawPeer peer = await CallChannelAsync(server, expectedOnOwnThread: 1);

        await peer.SendAsync(Request.Of(ident, "get")); // the queue is empty: the get waits
        await Timeouts.UntilAsync(() => server.Jobs.WaitingGetters == 1, "the get waits");
        await Timeouts.UntilAsync(() => server.Server.ConnectionsOnOwnThread == 0, "a waiting call holds no thread");
        await peer.DisposeAsync(); // the client dies during its blocked get
        await Timeouts.UntilAsync(() => server.Server.ConnectionCount == 0 && server.Jobs.WaitingGetters == 0, "the dead client's get is cancelled");
        await server.Jobs.PutAsync("chunk").AsTask().WaitAsync(Timeouts.Short);

        Assert.Equal(1, server.Jobs.Count);
        await using RawPeer next = await RawPeer.ConnectCallChannelAsync(server.EndPoint, server.Key);
        Assert.Equal(Reply.Return("chunk"), await next.RequestAsync(Request.Of(ident, "get")));
    }

    [Fact]
    public async Task BlockedGet_OnAnOwnThreadConnection_IsAnsweredByALaterPut()
    {
        await using TestServer server = TestServer.Start();
        string ident = await JobQueueIdentAsync(server);
        await using RawPeer getter = await CallChannelAsync(server, expectedOnOwnThread: 1);
        await using RawPeer putter = await CallChannelAsync(server, expectedOnOwnThread: 2);

        await getter.SendAsync(Request.Of(ident, "get"));
        await Timeouts.UntilAsync(() => server.Jobs.WaitingGetters == 1, "the get waits");
        Assert.Equal(Reply.None, await putter.RequestAsync(Request.Of(ident, "put", "item")));

        Assert.Equal(Reply.Return("item"), await getter.ReadReplyAsync());
        // The getter's connection goes on, on the event loop.
        Assert.Equal(Reply.None, await getter.RequestAsync(Request.Of(ident, "put", "again")));
        Assert.Equal(Reply.Return("again"), await getter.RequestAsync(Request.Of(ident, "get")));
        Assert.Equal(1, server.Server.ConnectionsOnOwnThread); // the putter's
    }

    [Fact]
    public async Task ManyConnections_MoveToTheEventLoop_AndAllAreServed()
    {
        await using TestServer server = TestServer.Start(ownThreadConnections: 2);
        string ident = await JobQueueIdentAsync(server);
        var peers = new List<RawPeer>();
        try
        {
            peers.Add(await CallChannelAsync(server, expectedOnOwnThread: 1));
            peers.Add(await CallChannelAsync(server, expectedOnOwnThread: 2));
            for (int i = 2; i < 6; i++)
            {
                peers.Add(await RawPeer.ConnectCallChannelAsync(server.EndPoint, server.Key)); // past the limit: the event loop
            }
            Assert.True(server.Server.ConnectionsOnOwnThread <= 2, $"{server.Server.ConnectionsOnOwnThread} threads for 2 allowed");

            for (int round = 0; round < 3; round++)
            {
                foreach (RawPeer peer in peers)
                {
                    Assert.Equal(Reply.None, await peer.RequestAsync(Request.Of(ident, "put", (long)round)));
                    Assert.Equal(Reply.Return((long)round), await peer.RequestAsync(Request.Of(ident, "get")));
                }
            }
            // The first two served a call with six open, then moved to the event loop.
            await Timeouts.UntilAsync(() => server.Server.ConnectionsOnOwnThread == 0, "no connection keeps a thread past the limit");
        }
        finally
        {
            foreach (RawPeer peer in peers)
            {
                await peer.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ZeroThreads_EveryConnectionOnTheEventLoop()
    {
        await using TestServer server = TestServer.Start(ownThreadConnections: 0);
        string ident = await JobQueueIdentAsync(server);
        await using RawPeer peer = await RawPeer.ConnectCallChannelAsync(server.EndPoint, server.Key);

        Assert.Equal(Reply.None, await peer.RequestAsync(Request.Of(ident, "put", "a")));
        Assert.Equal(Reply.Return("a"), await peer.RequestAsync(Request.Of(ident, "get")));
        Assert.Equal(0, server.Server.ConnectionsOnOwnThread);
    }

    [Fact]
    public async Task OversizedFrame_OnAnOwnThreadConnection_ClosesItAndTheServerServesOn()
    {
        await using TestServer server = TestServer.Start(maxFrameLength: 1 << 16);
        string ident = await JobQueueIdentAsync(server);
        await using RawPeer peer = await CallChannelAsync(server, expectedOnOwnThread: 1);

        await peer.WriteRawAsync([0x7F, 0xFF, 0xFF, 0xFF, 0x80]); // announces 2 GiB

        await peer.AssertClosedAsync();
        await Timeouts.UntilAsync(() => server.Server.ConnectionsOnOwnThread == 0, "the thread ends with its connection");
        await using RawPeer next = await CallChannelAsync(server, expectedOnOwnThread: 1);
        Assert.Equal(Reply.Return(0L), await next.RequestAsync(Request.Of(ident, "qsize")));
        Assert.Contains(server.Log, l => l.Contains("exceeds the limit", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0, 50, 0x80, 0x04 })] // a header and part of a body
    [InlineData(new byte[] { 0, 0 })] // part of a header
    public async Task HalfSentFrame_OnAnOwnThreadConnection_ClosedWhenTheFrameReadTimeoutPasses(byte[] begun)
    {
        var time = new ManualTimeProvider();
        await using TestServer server = TestServer.Start(time: time, frameReadTimeout: TimeSpan.FromSeconds(30));
        string ident = await JobQueueIdentAsync(server);
        await using RawPeer peer = await CallChannelAsync(server, expectedOnOwnThread: 1);

        await peer.WriteRawAsync(begun);
        await Timeouts.UntilAsync(() => time.ArmedTimers > 0, "the server starts the frame's clock");
        time.Advance(TimeSpan.FromSeconds(31));

        await peer.AssertClosedAsync();
        await Timeouts.UntilAsync(() => server.Log.Any(l => l.Contains("frame not completed within 30 s", StringComparison.Ordinal)), "the log line");
        await Timeouts.UntilAsync(() => server.Server.ConnectionsOnOwnThread == 0, "the thread ends with its connection");
        await using RawPeer next = await RawPeer.ConnectCallChannelAsync(server.EndPoint, server.Key);
        Assert.Equal(Reply.Return(0L), await next.RequestAsync(Request.Of(ident, "qsize")));
    }

    [Fact]
    public async Task GarbageAndRefusedPickles_OnAnOwnThreadConnection_AnsweredThenCutOff()
    {
        await using TestServer server = TestServer.Start();
        string ident = await JobQueueIdentAsync(server);
        await using RawPeer peer = await CallChannelAsync(server, expectedOnOwnThread: 1);
        // ('1', 'put', (posix.system('true'),), {}) in protocol 2: a global the whitelist refuses.
        byte[] refused = [0x80, 0x02, 0x28, 0x58, 1, 0, 0, 0, (byte)'1', 0x58, 3, 0, 0, 0, (byte)'p', (byte)'u', (byte)'t',
            0x63, .. "posix\nsystem\n"u8, 0x58, 4, 0, 0, 0, (byte)'t', (byte)'r', (byte)'u', (byte)'e', 0x85, 0x52, 0x85, 0x7D, 0x74, 0x2E];

        await peer.WriteFrameAsync([0xFF, 0x00, 0x13, 0x37]); // not a pickle
        Reply garbage = await peer.ReadReplyAsync();
        Assert.Equal(WireLiterals.Traceback, garbage.Kind);
        Assert.Equal(Reply.Return(0L), await peer.RequestAsync(Request.Of(ident, "qsize"))); // still in step
        for (int i = 0; i < CallLoop.MaxRefusalsInRow; i++)
        {
            await peer.WriteFrameAsync(refused);
            Reply reply = await peer.ReadReplyAsync();
            Assert.Contains("UnpicklingError", (string)reply.Payload!, StringComparison.Ordinal);
        }

        await peer.AssertClosedAsync();
        Assert.Equal(0, server.Jobs.Count);
    }

    [Fact]
    public async Task Stop_WhileAnOwnThreadConnectionWaitsForItsNextRequest_ClosesIt()
    {
        TestServer server = TestServer.Start();
        await using RawPeer peer = await CallChannelAsync(server, expectedOnOwnThread: 1);

        await server.DisposeAsync();

        await peer.AssertClosedAsync();
        await Timeouts.UntilAsync(() => server.Server.ConnectionsOnOwnThread == 0, "the connection's thread ends");
    }
}
