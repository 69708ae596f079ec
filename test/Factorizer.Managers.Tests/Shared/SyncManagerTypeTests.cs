using Factorizer.Managers.Server;
using Factorizer.Managers.Shared;
using Factorizer.Pickle;

namespace Factorizer.Managers.Tests.Shared;

/// <summary>The SyncManager types called directly: Python semantics, errors, and per-connection lock ownership.</summary>
public class SyncManagerTypeTests
{
    private static readonly Dictionary<string, object?> NoKwargs = [];
    private static readonly SessionInfo Alice = new(1, "127.0.0.1", 1);
    private static readonly SessionInfo Bob = new(2, "127.0.0.1", 2);

    private static ValueTask<object?> Call(ISharedObject target, string method, params object?[] args) => Call(target, Alice, method, args);

    private static ValueTask<object?> Call(ISharedObject target, SessionInfo caller, string method, params object?[] args) =>
        target.InvokeAsync(new SharedCall(method, new PyTuple(args), NoKwargs, caller), CancellationToken.None);

    private static async Task<PyException> ErrorOf(Func<ValueTask<object?>> call) =>
        (await Assert.ThrowsAsync<PythonErrorException>(async () => await call())).Error;

    [Fact]
    public async Task Dict_KeysComparedAsPython_OrderKeptAfterRemoval_KeyErrorCarriesTheKey()
    {
        var d = new SharedDict(PyTuple.Empty, NoKwargs);
        await Call(d, "__setitem__", 1L, "one");
        await Call(d, "__setitem__", "x", "ex");
        await Call(d, "__setitem__", "y", "why");
        Assert.Equal("one", await Call(d, "__getitem__", 1.0));
        Assert.Equal(true, await Call(d, "__contains__", true)); // True == 1
        await Call(d, "__delitem__", 1L);
        await Call(d, "__setitem__", "z", "zed");
        Assert.Equal(new PyTuple("z", "zed"), await Call(d, "popitem"));
        Assert.Equal(new List<object?> { "x", "y" }, await Call(d, "keys"));
        PyException error = await ErrorOf(() => Call(d, "__getitem__", "nope"));
        Assert.Equal("KeyError", error.Name);
        Assert.Equal(new PyTuple("nope"), error.Args);
        Assert.Equal("TypeError", (await ErrorOf(() => Call(d, "__setitem__", new List<object?>(), 1L))).Name);
    }

    [Fact]
    public async Task List_IndexesSortAndErrors()
    {
        var l = new SharedList(new PyTuple(new List<object?> { 3L, 1.5, 2L }), NoKwargs);
        Assert.Equal(2L, await Call(l, "__getitem__", -1L));
        await Call(l, "sort");
        Assert.Equal(new List<object?> { 1.5, 2L, 3L }, await Call(l, "__mul__", 1L));
        Assert.Equal(1L, await Call(l, "index", 2.0));
        Assert.Equal("IndexError", (await ErrorOf(() => Call(l, "__getitem__", 3L))).Name);
        Assert.Equal("ValueError", (await ErrorOf(() => Call(l, "remove", "absent"))).Name);
        await Call(l, "append", "s");
        Assert.Equal("TypeError", (await ErrorOf(() => Call(l, "sort"))).Name);
    }

    [Fact]
    public async Task RLock_OwnedPerConnection_ReleasedWhenItsConnectionCloses()
    {
        var rl = new SharedLock(reentrant: true);
        Assert.Equal(true, await Call(rl, "acquire"));
        Assert.Equal(true, await Call(rl, "acquire"));
        Assert.Equal(false, await Call(rl, Bob, "acquire", false));
        Assert.Equal("RuntimeError", (await ErrorOf(() => Call(rl, Bob, "release"))).Name);
        ValueTask<object?> waiting = Call(rl, Bob, "acquire", true, 30.0);
        Assert.False(waiting.IsCompleted);
        await rl.SessionClosedAsync(Alice);
        Assert.Equal(true, await waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("RuntimeError", (await ErrorOf(() => Call(rl, Alice, "release"))).Name);
    }

    [Fact]
    public async Task Lock_AnyoneReleases_LostAcquireUndone_ArgumentRules()
    {
        var lk = new SharedLock(reentrant: false);
        var acquire = new SharedCall("acquire", PyTuple.Empty, NoKwargs, Alice);
        object? got = await lk.InvokeAsync(acquire, CancellationToken.None);
        await lk.ReplyLostAsync(acquire, got);
        Assert.False(lk.IsLocked);
        Assert.Equal(true, await Call(lk, "acquire"));
        Assert.Null(await Call(lk, Bob, "release"));
        Assert.Equal("RuntimeError", (await ErrorOf(() => Call(lk, "release"))).Name);
        Assert.Equal("ValueError", (await ErrorOf(() => Call(lk, "acquire", false, 1L))).Name);
        Assert.Equal("ValueError", (await ErrorOf(() => Call(lk, "acquire", true, -2L))).Name);
    }

    [Fact]
    public async Task Event_WaitTimesOutThenSeesSet()
    {
        var ev = new SharedEvent(PyTuple.Empty, NoKwargs);
        Assert.Equal(false, await Call(ev, "wait", 0.05));
        ValueTask<object?> waiting = Call(ev, "wait", (object?)null);
        await Call(ev, Bob, "set");
        Assert.Equal(true, await waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        await Call(ev, "clear");
        Assert.Equal(false, await Call(ev, "is_set"));
    }

    [Fact]
    public async Task NamespaceAndValue()
    {
        var ns = new SharedNamespace(PyTuple.Empty, new Dictionary<string, object?> { ["a"] = 1L });
        Assert.Equal(1L, await Call(ns, "__getattribute__", "a"));
        await Call(ns, "__delattr__", "a");
        Assert.Equal("AttributeError", (await ErrorOf(() => Call(ns, "__getattribute__", "a"))).Name);
        var v = new SharedValue(new PyTuple("i", 0L), NoKwargs);
        await Call(v, "set", 5L);
        Assert.Equal(5L, await Call(v, "get"));
        Assert.Equal("TypeError", Assert.Throws<PythonErrorException>(() => new SharedValue(new PyTuple("i"), NoKwargs)).Error.Name);
    }
}
