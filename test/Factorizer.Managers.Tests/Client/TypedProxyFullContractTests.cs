using Factorizer.Managers.Client;
using Factorizer.Managers.Client.Proxies;
using Factorizer.Managers.Queues;
using Factorizer.Managers.Tests.Support;
using Factorizer.Pickle;

namespace Factorizer.Managers.Tests.Client;

/// <summary>
/// The typed proxies' contract for a server of every SyncManager type: on top of
/// <see cref="TypedProxyContractTests"/>, <c>#PROXY</c> replies (a dict's iterator), Condition, Semaphore,
/// Barrier, Array and Queue. CPython's server runs it (<c>Interop/TypedProxiesOnCPythonServerTests</c>); ours
/// serves the first set today (<see cref="TypedProxiesOnOurServerTests"/>).
/// </summary>
public abstract class TypedProxyFullContractTests : TypedProxyContractTests
{
    [Fact]
    public async Task DictIterator_ProxyReply_IteratesTheKeysAndItsReferenceIsGivenBack()
    {
        await using SyncServer server = await StartServerAsync();
        await using ManagerClient client = await server.ConnectAsync();
        await using DictProxy<string, long> d = await client.CreateDictAsync(new Dictionary<string, long> { ["a"] = 1, ["b"] = 2 }).WaitAsync(Timeouts.Short);
        long before = await ObjectsAsync(client);

        List<string> keys = [];
        await using (IteratorProxy<string> it = await d.GetIteratorAsync().WaitAsync(Timeouts.Short))
        {
            Assert.Equal("Iterator", it.Token.TypeId);
            Assert.Equal(server.Port, it.Token.Port);
            Assert.Contains("__next__", it.Exposed);
            Assert.Equal(before + 1, await ObjectsAsync(client));
            await foreach (string key in it.ReadAllAsync().WithCancellation(new CancellationTokenSource(Timeouts.Short).Token))
            {
                keys.Add(key);
            }
            Assert.False((await it.TryNextAsync().WaitAsync(Timeouts.Short)).HasItem);
        }
        Assert.Equal(["a", "b"], keys);
        Assert.Equal(before, await ObjectsAsync(client));

        // The raw call gives the same: an AutoProxy owning the new object's reference.
        await using SharedProxy raw = Assert.IsType<AutoProxy>(await d.CallAsync("__iter__").WaitAsync(Timeouts.Short));
        Assert.Equal("a", await raw.CallAsync("__next__").WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task Condition_WaitReleasesTheLock_NotifyFromAnotherHoldWakesIt()
    {
        await using SyncServer server = await StartServerAsync();
        await using ManagerClient client = await server.ConnectAsync();
        await using ConditionProxy cond = await client.CreateConditionAsync().WaitAsync(Timeouts.Short);

        await using ConditionHold waiter = await cond.AcquireAsync(Timeouts.Short).WaitAsync(Timeouts.Short);
        Assert.False(await waiter.WaitAsync(TimeSpan.FromMilliseconds(20)).WaitAsync(Timeouts.Short));
        Task<bool> waiting = waiter.WaitAsync(Timeouts.Long);
        await Assert.ThrowsAsync<InvalidOperationException>(() => waiter.NotifyAsync()); // one call at a time per hold

        // The wait gave the lock up, so another hold gets it, and its notify wakes the waiter.
        await using (ConditionHold notifier = await cond.AcquireAsync(Timeouts.Long).WaitAsync(Timeouts.Long))
        {
            Assert.False(waiting.IsCompleted);
            await notifier.NotifyAllAsync().WaitAsync(Timeouts.Short);
        }
        Assert.True(await waiting.WaitAsync(Timeouts.Short));

        // The woken wait holds the lock again.
        await Assert.ThrowsAsync<TimeoutException>(() => cond.AcquireAsync(TimeSpan.Zero).WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task Semaphore_TwoHoldsThenTheThirdWaits()
    {
        await using SyncServer server = await StartServerAsync();
        await using ManagerClient client = await server.ConnectAsync();
        await using LockProxy sem = await client.CreateSemaphoreAsync(2, bounded: true).WaitAsync(Timeouts.Short);

        await using LockHold a = await sem.AcquireAsync(Timeouts.Short).WaitAsync(Timeouts.Short);
        LockHold b = await sem.AcquireAsync(Timeouts.Short).WaitAsync(Timeouts.Short);
        Assert.Null(await sem.TryAcquireAsync(TimeSpan.Zero).WaitAsync(Timeouts.Short));
        await b.ReleaseAsync().WaitAsync(Timeouts.Short);
        await using LockHold c = await sem.AcquireAsync(TimeSpan.Zero).WaitAsync(Timeouts.Short);
        Assert.True(c.IsHeld);

        // A bounded semaphore refuses one release too many.
        await a.ReleaseAsync().WaitAsync(Timeouts.Short);
        await c.ReleaseAsync().WaitAsync(Timeouts.Short);
        var e = await Assert.ThrowsAsync<RemoteException>(() => sem.ReleaseAsync().WaitAsync(Timeouts.Short));
        Assert.True(e.Is("ValueError"), e.ToString());
    }

    [Fact]
    public async Task Barrier_TwoWaitersPassTogether_AbortBreaksIt()
    {
        await using SyncServer server = await StartServerAsync();
        await using ManagerClient client = await server.ConnectAsync();
        await using BarrierProxy barrier = await client.CreateBarrierAsync(2).WaitAsync(Timeouts.Short);

        Assert.Equal(2, await barrier.PartiesAsync().WaitAsync(Timeouts.Short));
        Task<int> first = barrier.WaitAsync(Timeouts.Long);
        Assert.False(first.IsCompleted);
        int second = await barrier.WaitAsync(Timeouts.Long).WaitAsync(Timeouts.Long);
        Assert.Equal([0, 1], new[] { await first.WaitAsync(Timeouts.Short), second }.Order());

        Task<int> alone = barrier.WaitAsync(Timeouts.Long);
        Assert.False(alone.IsCompleted);
        await barrier.AbortAsync().WaitAsync(Timeouts.Short);
        Assert.True((await Assert.ThrowsAsync<RemoteException>(() => alone.WaitAsync(Timeouts.Short))).Is("BrokenBarrierError"));
        Assert.True(await barrier.IsBrokenAsync().WaitAsync(Timeouts.Short));
        await barrier.ResetAsync().WaitAsync(Timeouts.Short);
        Assert.Equal(0, await barrier.WaitingAsync().WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task ArrayAndQueue_ReadWriteByIndex_PutGet()
    {
        await using SyncServer server = await StartServerAsync();
        await using ManagerClient client = await server.ConnectAsync();

        await using (ArrayProxy<long> a = await client.CreateArrayAsync<long>("q", [1, 2, 3]).WaitAsync(Timeouts.Short))
        {
            await a.SetAsync(-1, 30).WaitAsync(Timeouts.Short);
            Assert.Equal(3, await a.CountAsync().WaitAsync(Timeouts.Short));
            Assert.Equal(30, await a.GetAsync(2).WaitAsync(Timeouts.Short));
            Assert.True((await Assert.ThrowsAsync<RemoteException>(() => a.CallAsync("__setitem__", new PyTuple(0, "x")).WaitAsync(Timeouts.Short))).Is("TypeError"));
            Assert.True((await Assert.ThrowsAsync<RemoteException>(() => a.GetAsync(3).WaitAsync(Timeouts.Short))).Is("IndexError"));
        }
        await using (QueueProxy<long[]> q = await client.CreateQueueAsync<long[]>(maxSize: 1).WaitAsync(Timeouts.Short))
        {
            await q.PutAsync([1, 2]).AsTask().WaitAsync(Timeouts.Short);
            await Assert.ThrowsAsync<QueueFullException>(() => q.PutAsync([3], TimeSpan.Zero).AsTask().WaitAsync(Timeouts.Short));
            Assert.Equal(new long[] { 1, 2 }, await q.GetAsync().AsTask().WaitAsync(Timeouts.Short));
        }
    }
}
