using Factorizer.Managers.Client;
using Factorizer.Managers.Client.Proxies;
using Factorizer.Managers.Tests.Support;
using Factorizer.Pickle;
using Factorizer.TestSupport;

namespace Factorizer.Managers.Tests.Client;

/// <summary>
/// The typed proxies' contract, written once and run against each server of SyncManager's types: ours
/// (<see cref="TypedProxiesOnOurServerTests"/>) and CPython's own (<c>Interop/TypedProxiesOnCPythonServerTests</c>).
/// Blocking tests prove the block by what the other side sees (a failed try, a wait not yet finished), never by time.
/// </summary>
public abstract class TypedProxyContractTests
{
    /// <summary>Starts a fresh server for one test.</summary>
    protected abstract Task<SyncServer> StartServerAsync();

    [Fact]
    public async Task Dict_SetGetUpdateRemove_BehavesAsPythonsDict()
    {
        await using SyncServer server = await StartServerAsync();
        await using ManagerClient client = await server.ConnectAsync();
        await using DictProxy<string, long> d = await client.CreateDictAsync(new Dictionary<string, long> { ["a"] = 1 }).WaitAsync(Timeouts.Short);

        await d.SetAsync("b", 2).WaitAsync(Timeouts.Short);
        await d.UpdateAsync([new("c", 3), new("d", 4)]).WaitAsync(Timeouts.Short);
        Assert.Equal(2, await d.GetAsync("b").WaitAsync(Timeouts.Short));
        Assert.Equal(-1, await d.GetOrDefaultAsync("zz", -1).WaitAsync(Timeouts.Short));
        Assert.Equal(4, await d.CountAsync().WaitAsync(Timeouts.Short));
        Assert.True(await d.ContainsKeyAsync("c").WaitAsync(Timeouts.Short));
        Assert.False(await d.ContainsKeyAsync("zz").WaitAsync(Timeouts.Short));
        Assert.Equal(["a", "b", "c", "d"], await d.KeysAsync().WaitAsync(Timeouts.Short));
        Assert.Equal([1L, 2, 3, 4], await d.ValuesAsync().WaitAsync(Timeouts.Short));
        Assert.Equal([new("a", 1), new("b", 2), new("c", 3), new("d", 4)], await d.ItemsAsync().WaitAsync(Timeouts.Short));
        Assert.Equal(3, await d.PopAsync("c").WaitAsync(Timeouts.Short));
        Assert.True(await d.RemoveAsync("a").WaitAsync(Timeouts.Short));
        Assert.False(await d.RemoveAsync("a").WaitAsync(Timeouts.Short));
        Assert.Equal(7, await d.SetDefaultAsync("e", 7).WaitAsync(Timeouts.Short));
        Assert.Equal(7, await d.SetDefaultAsync("e", 8).WaitAsync(Timeouts.Short));
        Assert.Equal(new Dictionary<string, long> { ["b"] = 2, ["d"] = 4, ["e"] = 7 }, await d.ToDictionaryAsync().WaitAsync(Timeouts.Short));
        await d.ClearAsync().WaitAsync(Timeouts.Short);
        Assert.Equal(0, await d.CountAsync().WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task Dict_MissingKey_RemoteKeyErrorCarryingTheKey()
    {
        await using SyncServer server = await StartServerAsync();
        await using ManagerClient client = await server.ConnectAsync();
        await using DictProxy<object, object?> d = await client.CreateDictAsync<object, object?>().WaitAsync(Timeouts.Short);

        var e = await Assert.ThrowsAsync<RemoteException>(() => d.GetAsync("nope").WaitAsync(Timeouts.Short));
        Assert.Equal("#ERROR", e.ReplyKind);
        Assert.True(e.Is("KeyError"));
        Assert.True(e.Is("builtins.KeyError"));
        Assert.False(e.Is("Error"));
        Assert.Equal("builtins.KeyError", e.RemoteType);
        Assert.Equal(["nope"], e.RemoteArgs);
        var pop = await Assert.ThrowsAsync<RemoteException>(() => d.PopAsync(12L).WaitAsync(Timeouts.Short));
        Assert.Equal([12L], pop.RemoteArgs);

        // The proxy and its client go on working after an error.
        await d.SetAsync(new PyTuple(1L, "x"), "tuple key").WaitAsync(Timeouts.Short);
        Assert.Equal("tuple key", await d.GetAsync(new PyTuple(1L, "x")).WaitAsync(Timeouts.Short));
        // Python's int and float keys are one key: 1 == 1.0.
        Assert.Equal("tuple key", await d.GetAsync(new PyTuple(1.0, "x")).WaitAsync(Timeouts.Short));

        // A value of another type than the proxy's: InvalidCastException naming both.
        await using DictProxy<object, long> typed = new(await client.AttachAsync(d.Token).WaitAsync(Timeouts.Short));
        var cast = await Assert.ThrowsAsync<InvalidCastException>(() => typed.GetAsync(new PyTuple(1L, "x")).WaitAsync(Timeouts.Short));
        Assert.Contains("'tuple key'", cast.Message, StringComparison.Ordinal);
        Assert.Contains("Int64", cast.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_IndexAppendInsertRemove_BehavesAsPythonsList()
    {
        await using SyncServer server = await StartServerAsync();
        await using ManagerClient client = await server.ConnectAsync();
        await using ListProxy<long> l = await client.CreateListAsync<long>([3, 1]).WaitAsync(Timeouts.Short);

        await l.AppendAsync(2).WaitAsync(Timeouts.Short);
        await l.ExtendAsync([5, 4]).WaitAsync(Timeouts.Short);
        await l.InsertAsync(0, 9).WaitAsync(Timeouts.Short);
        await l.SetAsync(1, 30).WaitAsync(Timeouts.Short);
        Assert.Equal(new long[] { 9, 30, 1, 2, 5, 4 }, await l.ToArrayAsync().WaitAsync(Timeouts.Short));
        Assert.Equal(6, await l.CountAsync().WaitAsync(Timeouts.Short));
        Assert.Equal(30, await l.GetAsync(1).WaitAsync(Timeouts.Short));
        Assert.Equal(4, await l.GetAsync(-1).WaitAsync(Timeouts.Short));
        Assert.Equal(4, await l.IndexOfAsync(5).WaitAsync(Timeouts.Short));
        Assert.Equal(-1, await l.IndexOfAsync(99).WaitAsync(Timeouts.Short));
        Assert.True(await l.ContainsAsync(2).WaitAsync(Timeouts.Short));
        Assert.True(await l.RemoveAsync(5).WaitAsync(Timeouts.Short));
        Assert.False(await l.RemoveAsync(5).WaitAsync(Timeouts.Short));
        await l.RemoveAtAsync(0).WaitAsync(Timeouts.Short);
        Assert.Equal(4, await l.PopAsync().WaitAsync(Timeouts.Short));
        Assert.Equal(30, await l.PopAsync(0).WaitAsync(Timeouts.Short));
        await l.ExtendAsync([7, 0]).WaitAsync(Timeouts.Short);
        await l.SortAsync().WaitAsync(Timeouts.Short);
        Assert.Equal(new long[] { 0, 1, 2, 7 }, await l.ToArrayAsync().WaitAsync(Timeouts.Short));
        await l.ReverseAsync().WaitAsync(Timeouts.Short);
        Assert.Equal(new long[] { 7, 2, 1, 0 }, await l.ToArrayAsync().WaitAsync(Timeouts.Short));

        var e = await Assert.ThrowsAsync<RemoteException>(() => l.GetAsync(10).WaitAsync(Timeouts.Short));
        Assert.True(e.Is("IndexError"));
        await l.ClearAsync().WaitAsync(Timeouts.Short);
        Assert.Empty(await l.ToArrayAsync().WaitAsync(Timeouts.Short));
        Assert.True((await Assert.ThrowsAsync<RemoteException>(() => l.PopAsync().WaitAsync(Timeouts.Short))).Is("IndexError"));
    }

    [Fact]
    public async Task Lock_SecondAcquireWaitsForTheFirstHoldsRelease()
    {
        await using SyncServer server = await StartServerAsync();
        await using ManagerClient client = await server.ConnectAsync();
        await using LockProxy lk = await client.CreateLockAsync().WaitAsync(Timeouts.Short);

        LockHold first = await lk.AcquireAsync(Timeouts.Short).WaitAsync(Timeouts.Short);
        Assert.True(first.IsHeld);
        Assert.Null(await lk.TryAcquireAsync(TimeSpan.Zero).WaitAsync(Timeouts.Short));
        await Assert.ThrowsAsync<TimeoutException>(() => lk.AcquireAsync(TimeSpan.FromMilliseconds(50)).WaitAsync(Timeouts.Short));

        Task<LockHold> second = lk.AcquireAsync(Timeouts.Long);
        Assert.False(second.IsCompleted);
        await first.DisposeAsync();
        Assert.False(first.IsHeld);
        await using (LockHold got = await second.WaitAsync(Timeouts.Short))
        {
            Assert.True(got.IsHeld);
        }

        // A plain Lock may be released by anyone; its hold then finds it unlocked, as Python's release does.
        LockHold third = await lk.AcquireAsync(Timeouts.Short).WaitAsync(Timeouts.Short);
        await lk.ReleaseAsync().WaitAsync(Timeouts.Short);
        var e = await Assert.ThrowsAsync<RemoteException>(() => third.ReleaseAsync().WaitAsync(Timeouts.Short));
        Assert.True(e.Is("RuntimeError"));
        await third.ReleaseAsync().WaitAsync(Timeouts.Short); // released once already: nothing more to do
    }

    [Fact]
    public async Task RLock_OwnedByTheHoldThatAcquiredIt()
    {
        await using SyncServer server = await StartServerAsync();
        await using ManagerClient client = await server.ConnectAsync();
        await using LockProxy rlock = await client.CreateRLockAsync().WaitAsync(Timeouts.Short);

        await using (LockHold held = await rlock.AcquireAsync(Timeouts.Short).WaitAsync(Timeouts.Short))
        {
            // Another hold is another owner, like another thread.
            Assert.Null(await rlock.TryAcquireAsync(TimeSpan.Zero).WaitAsync(Timeouts.Short));
            var e = await Assert.ThrowsAsync<RemoteException>(() => rlock.ReleaseAsync().WaitAsync(Timeouts.Short));
            Assert.True(e.Is("RuntimeError"));
            Assert.True(held.IsHeld);
        }
        await using LockHold again = await rlock.AcquireAsync(TimeSpan.Zero).WaitAsync(Timeouts.Short);
        Assert.True(again.IsHeld);
    }

    [Fact]
    public async Task Event_WaitTimesOutUntilSetThenReturnsTrue()
    {
        await using SyncServer server = await StartServerAsync();
        await using ManagerClient client = await server.ConnectAsync();
        await using EventProxy e = await client.CreateEventAsync().WaitAsync(Timeouts.Short);

        Assert.False(await e.IsSetAsync().WaitAsync(Timeouts.Short));
        Assert.False(await e.WaitAsync(TimeSpan.FromMilliseconds(20)).WaitAsync(Timeouts.Short));
        Task<bool> waiting = e.WaitAsync(Timeouts.Long);
        Assert.False(waiting.IsCompleted);
        await e.SetAsync().WaitAsync(Timeouts.Short);
        Assert.True(await waiting.WaitAsync(Timeouts.Short));
        Assert.True(await e.WaitAsync(TimeSpan.Zero).WaitAsync(Timeouts.Short));
        await e.ClearAsync().WaitAsync(Timeouts.Short);
        Assert.False(await e.IsSetAsync().WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task Event_CancelledWait_ThrowsAndTheClientGoesOn()
    {
        await using SyncServer server = await StartServerAsync();
        await using ManagerClient client = await server.ConnectAsync();
        await using EventProxy e = await client.CreateEventAsync().WaitAsync(Timeouts.Short);

        using var cts = new CancellationTokenSource();
        Task<bool> waiting = e.WaitAsync(null, cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Timeouts.Short));

        await e.SetAsync().WaitAsync(Timeouts.Short);
        Assert.True(await e.WaitAsync().WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task ValueAndNamespace_ReadWriteAndAttributeError()
    {
        await using SyncServer server = await StartServerAsync();
        await using ManagerClient client = await server.ConnectAsync();
        await using ValueProxy<long> v = await client.CreateValueAsync("i", 5L).WaitAsync(Timeouts.Short);
        await using NamespaceProxy ns = await client.CreateNamespaceAsync().WaitAsync(Timeouts.Short);

        Assert.Equal(5, await v.GetAsync().WaitAsync(Timeouts.Short));
        await v.SetAsync(6).WaitAsync(Timeouts.Short);
        Assert.Equal(6, await v.GetAsync().WaitAsync(Timeouts.Short));

        await ns.SetAsync("x", "one").WaitAsync(Timeouts.Short);
        Assert.Equal("one", await ns.GetAsync<string>("x").WaitAsync(Timeouts.Short));
        await ns.DeleteAsync("x").WaitAsync(Timeouts.Short);
        var e = await Assert.ThrowsAsync<RemoteException>(() => ns.GetAsync<string>("x").WaitAsync(Timeouts.Short));
        Assert.True(e.Is("AttributeError"));
    }

    [Fact]
    public async Task Proxies_HoldOneReferenceEach_DisposeGivesItBack()
    {
        await using SyncServer server = await StartServerAsync();
        await using ManagerClient client = await server.ConnectAsync();
        long before = await ObjectsAsync(client);

        DictProxy<string, long> d = await client.CreateDictAsync<string, long>().WaitAsync(Timeouts.Short);
        AutoProxy attached = await client.AttachAsync(d.Token).WaitAsync(Timeouts.Short);
        var again = new DictProxy<string, long>(attached); // takes the attached reference over
        await Assert.ThrowsAsync<ObjectDisposedException>(() => attached.CallAsync("__len__"));
        Assert.Equal(before + 1, await ObjectsAsync(client));

        await d.DisposeAsync();
        await d.DisposeAsync();
        await attached.DisposeAsync(); // handed over: nothing to give back
        await again.SetAsync("still", 1).WaitAsync(Timeouts.Short); // one reference left
        await Assert.ThrowsAsync<ObjectDisposedException>(() => d.GetAsync("still"));

        await again.DisposeAsync();
        Assert.Equal(before, await ObjectsAsync(client));
    }

    [Fact]
    public async Task Event_SetByAPythonClient_WakesTheCSharpWait()
    {
        await using SyncServer server = await StartServerAsync();
        await using ManagerClient client = await server.ConnectAsync();
        await using EventProxy e = await client.CreateEventAsync().WaitAsync(Timeouts.Short);

        Task<bool> waiting = e.WaitAsync(Timeouts.Long);
        Assert.False(waiting.IsCompleted);
        Assert.Contains("SET", await server.RunPeerAsync("Event", e.Token.Id, "event-set"), StringComparison.Ordinal);
        Assert.True(await waiting.WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task Lock_ContendedBetweenCSharpAndPython_OneHolderAtATime()
    {
        await using SyncServer server = await StartServerAsync();
        await using ManagerClient client = await server.ConnectAsync();
        await using LockProxy lk = await client.CreateLockAsync().WaitAsync(Timeouts.Short);

        LockHold mine = await lk.AcquireAsync(Timeouts.Short).WaitAsync(Timeouts.Short);
        await using ChildProcess peer = server.StartPeer("Lock", lk.Token.Id, "lock-contend");
        await peer.WaitForLineAsync("TRY False", Timeouts.Long);
        await peer.WaitForLineAsync("WAITING", Timeouts.Long);

        await mine.ReleaseAsync().WaitAsync(Timeouts.Short);
        await peer.WaitForLineAsync("ACQUIRED True", Timeouts.Long);
        Assert.Null(await lk.TryAcquireAsync(TimeSpan.Zero).WaitAsync(Timeouts.Short));
        Task<LockHold> next = lk.AcquireAsync(Timeouts.Long);

        await peer.StandardInput.WriteLineAsync("release");
        await peer.StandardInput.FlushAsync();
        await using LockHold got = await next.WaitAsync(Timeouts.Long);
        Assert.True(got.IsHeld);
        Assert.True((await peer.WaitAsync(Timeouts.Long)).ExitCode == 0, peer.Snapshot().ToString());
    }

    [Fact]
    public async Task InertPayloads_PutByPython_CopiedByCSharp_EqualInPython()
    {
        await using SyncServer server = await StartServerAsync();
        await using ManagerClient client = await server.ConnectAsync();
        await using DictProxy<string, object?> d = await client.CreateDictAsync<string, object?>().WaitAsync(Timeouts.Short);
        // CPython's own server must import a user's class to store it; ours keeps it inert.
        string[] userClass = server.IsCPython ? [] : ["--user-class"];

        await server.RunPeerAsync("dict", d.Token.Id, "inert-put", userClass);
        foreach (KeyValuePair<string, object?> e in await d.ItemsAsync().WaitAsync(Timeouts.Short))
        {
            Assert.IsType<PyObject>(e.Value);
            await d.SetAsync(e.Key + "2", e.Value).WaitAsync(Timeouts.Short);
        }
        PyObject date = Assert.IsType<PyObject>(await d.GetAsync("date").WaitAsync(Timeouts.Short));
        Assert.Equal("datetime", date.Module);
        Assert.Equal("date", date.Name);

        Assert.Contains("EQUAL True", await server.RunPeerAsync("dict", d.Token.Id, "inert-check", userClass), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerDiesMidCall_WaitAndAcquireFailWithConnectionError_DisposeDoesNotThrow()
    {
        SyncServer server = await StartServerAsync();
        await using (server)
        {
            await using ManagerClient client = await server.ConnectAsync();
            await using ManagerClient other = await server.ConnectAsync();
            EventProxy e = await client.CreateEventAsync().WaitAsync(Timeouts.Short);
            LockProxy lk = await client.CreateLockAsync().WaitAsync(Timeouts.Short);
            LockHold held = await lk.AcquireAsync(Timeouts.Short).WaitAsync(Timeouts.Short);
            LockProxy contender = new(await other.AttachAsync(lk.Token).WaitAsync(Timeouts.Short));
            // One call each first, so the blocking calls below go over connections already open (the server
            // is then sure to die mid-call, not mid-handshake).
            Assert.False(await e.IsSetAsync().WaitAsync(Timeouts.Short));
            Assert.Null(await contender.TryAcquireAsync(TimeSpan.Zero).WaitAsync(Timeouts.Short));
            Task<bool> waiting = e.WaitAsync(Timeouts.Long);
            Task<LockHold> acquiring = contender.AcquireAsync(Timeouts.Long);
            Assert.False(waiting.IsCompleted);
            Assert.False(acquiring.IsCompleted);

            await server.KillAsync();

            AssertConnectionLost(await Assert.ThrowsAnyAsync<Exception>(() => waiting.WaitAsync(Timeouts.Short)));
            AssertConnectionLost(await Assert.ThrowsAnyAsync<Exception>(() => acquiring.WaitAsync(Timeouts.Short)));
            await Assert.ThrowsAsync<ManagerConnectionException>(() => e.SetAsync().WaitAsync(Timeouts.Short));
            await held.DisposeAsync().AsTask().WaitAsync(Timeouts.Short);
            await e.DisposeAsync().AsTask().WaitAsync(Timeouts.Short);
            await lk.DisposeAsync().AsTask().WaitAsync(Timeouts.Short);
            await contender.DisposeAsync().AsTask().WaitAsync(Timeouts.Short);
        }
    }

    /// <summary>A call cut off by the server going away: the connection broke, or (ours, stopping) it said so first.</summary>
    private static void AssertConnectionLost(Exception e) =>
        Assert.True(e is ManagerConnectionException || (e is RemoteException r && r.Is("ConnectionAbortedError")), e.ToString());

    /// <summary><c>number_of_objects</c>: shared objects with live references on the server.</summary>
    protected static async Task<long> ObjectsAsync(ManagerClient client) =>
        (long)(await client.ControlAsync("number_of_objects", PyTuple.Empty).WaitAsync(Timeouts.Short))!;
}
