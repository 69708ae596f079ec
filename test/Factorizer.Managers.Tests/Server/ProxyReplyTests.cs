using Factorizer.Managers.Server;
using Factorizer.Managers.Shared;
using Factorizer.Managers.Tests.Support;
using Factorizer.Managers.Wire;
using Factorizer.Pickle;

namespace Factorizer.Managers.Tests.Server;

/// <summary>
/// <c>#PROXY</c> replies (docs/protocol.md §3.6): a method that answers a new shared object hands out a token the
/// caller's proxy takes over, and the object lives exactly as long as its references.
/// </summary>
public class ProxyReplyTests
{
    /// <summary>Answers <c>make</c> with a new iterator once let go, whether or not the call was cancelled meanwhile.</summary>
    private sealed class StubbornMaker : ISharedObject
    {
        public TaskCompletionSource CancelRequested { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Go { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<string> ExposedMethods { get; } = ["make"];

        public async ValueTask<object?> InvokeAsync(SharedCall call, CancellationToken cancellationToken)
        {
            cancellationToken.Register(() => CancelRequested.TrySetResult());
            await Go.Task.ConfigureAwait(false);
            return new ProxiedResult("Iterator", new SharedIterator("list_iterator", ["x"], () => null));
        }
    }

    [Fact]
    public async Task DictIter_AnswersProxyWithAnIteratorToken_ObjectLivesWhileReferenced()
    {
        await using TestServer server = TestServer.Start(configure: m => m.RegisterSyncManagerTypes());
        await using var client = await server.ConnectAsync();
        (Token dict, _) = await client.CreateAsync("dict", [new Dictionary<object, object?> { ["a"] = 1L }]);
        await using RawPeer peer = await RawPeer.ConnectCallChannelAsync(server.EndPoint, server.Key);

        Reply reply = await peer.RequestAsync(Request.Of(dict.Id, "__iter__"));

        Assert.Equal(WireLiterals.Proxy, reply.Kind);
        var payload = Assert.IsType<PyTuple>(reply.Payload);
        Assert.Equal(new PyTuple("__next__", "close", "send", "throw"), payload[0]);
        var token = Assert.IsType<Token>(payload[1]);
        Assert.Equal("Iterator", token.TypeId);
        Assert.Equal(server.Port, token.Port);
        Assert.Equal(2, server.Server.ObjectCount);
        // What CPython's proxy does with it: incref for itself, decref for the server's count, then calls.
        await client.IncRefAsync(token.Id);
        await client.DecRefAsync(token.Id);
        Assert.Equal(Reply.Return("a"), await peer.RequestAsync(Request.Of(token.Id, "__next__")));
        Reply done = await peer.RequestAsync(Request.Of(token.Id, "__next__"));
        Assert.Equal("StopIteration", Assert.IsType<PyException>(done.Payload).Name);
        await client.DecRefAsync(token.Id); // the proxy is finalized
        Assert.Equal(1, server.Server.ObjectCount);
        Assert.Equal(WireLiterals.Traceback, (await peer.RequestAsync(Request.Of(token.Id, "__next__"))).Kind);
    }

    [Fact]
    public async Task ProxyStoredInASharedObject_KeepsItsObjectAfterTheCallersProxyGoes()
    {
        await using TestServer server = TestServer.Start(configure: m => m.RegisterSyncManagerTypes());
        await using var client = await server.ConnectAsync();
        (Token inner, _) = await client.CreateAsync("dict", []);
        // What CPython's DictProxy.__reduce__ writes: RebuildProxy(DictProxy, token, 'pickle', {}).
        var pickled = new PyObject(new PyGlobal("multiprocessing.managers", "RebuildProxy"), PyObjectCall.Reduce,
            new PyTuple(new PyGlobal("multiprocessing.managers", "DictProxy"), inner, "pickle", new Dictionary<object, object?>()));
        (Token outer, _) = await client.CreateAsync("list", [new List<object?> { pickled }]);
        await client.CallAsync(outer.Id, "append", new PyTuple(pickled));

        await client.DecRefAsync(inner.Id); // the caller's own proxy goes

        Assert.Equal(2, server.Server.ObjectCount);
        await client.IncRefAsync(inner.Id); // whoever unpickles the stored proxy later finds the object
        Assert.Equal(2, server.Server.Objects.RefCountOf(inner.Id)); // pinned once, however often stored
    }

    [Fact]
    public async Task ProxyReplyLost_TheServerDropsTheNewObject()
    {
        var maker = new StubbornMaker();
        await using TestServer server = TestServer.Start(configure: m => m.Register("get_maker", (_, _) => maker));
        await using var client = await server.ConnectAsync();
        (Token token, _) = await client.CreateAsync("get_maker", []);
        RawPeer peer = await RawPeer.ConnectCallChannelAsync(server.EndPoint, server.Key);
        await peer.SendAsync(Request.Of(token.Id, "make"));

        await peer.DisposeAsync();
        await maker.CancelRequested.Task.WaitAsync(Timeouts.Short); // the server saw the caller go
        maker.Go.TrySetResult();                                     // the call answers a proxy nobody will hold
        await Timeouts.UntilAsync(() => server.Server.CallSessions.Count == 0, "the call channel has ended");

        Assert.Equal(1, server.Server.ObjectCount); // the maker only
    }
}
