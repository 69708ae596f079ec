using Factorizer.Managers.Queues;
using Factorizer.Managers.Tests.Support;

namespace Factorizer.Managers.Tests.Queues;

/// <summary>
/// <see cref="IQueue{T}"/>'s contract (queue.Queue semantics), written once and run for every
/// implementation: the in-process <see cref="LocalQueue{T}"/> and a proxy over a real server.
/// </summary>
public abstract class QueueContractTests
{
    /// <summary>A fresh, empty queue; <paramref name="maxSize"/> 0 is unbounded, else 2.</summary>
    protected abstract Task<IQueue<long>> CreateAsync(int maxSize = 0);

    /// <summary>Waits until no getter is blocked on <paramref name="queue"/> (a cancelled get has been withdrawn).</summary>
    protected abstract Task WaitUntilNoGetterWaitsAsync(IQueue<long> queue);

    /// <summary>Waits until a getter is blocked on <paramref name="queue"/>.</summary>
    protected abstract Task WaitUntilGetterWaitsAsync(IQueue<long> queue, int count = 1);

    private static readonly TimeSpan Tiny = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task PutThenGet_SeveralItems_FifoOrder()
    {
        IQueue<long> q = await CreateAsync();
        for (long i = 1; i <= 5; i++)
        {
            await q.PutAsync(i * 11);
        }

        long[] got = new long[5];
        for (int i = 0; i < 5; i++)
        {
            got[i] = await q.GetAsync().AsTask().WaitAsync(Timeouts.Short);
        }

        Assert.Equal([11L, 22, 33, 44, 55], got);
    }

    [Fact]
    public async Task Count_AfterPutsAndGets_Tracks()
    {
        IQueue<long> q = await CreateAsync();
        Assert.Equal(0, await q.CountAsync());

        await q.PutAsync(1);
        await q.PutAsync(2);
        Assert.Equal(2, await q.CountAsync());
        await q.GetAsync().AsTask().WaitAsync(Timeouts.Short);

        Assert.Equal(1, await q.CountAsync());
        Assert.False(q.IsEmpty);
    }

    [Fact]
    public async Task GetNowait_Empty_ThrowsQueueEmpty()
    {
        IQueue<long> q = await CreateAsync();

        await Assert.ThrowsAsync<QueueEmptyException>(() => q.GetAsync(TimeSpan.Zero).AsTask().WaitAsync(Timeouts.Short));
        Assert.False(q.TryGet(out _));
    }

    [Fact]
    public async Task TryGet_WithItem_ReturnsIt()
    {
        IQueue<long> q = await CreateAsync();
        q.PutNowait(42);

        Assert.True(q.TryGet(out long item));
        Assert.Equal(42, item);
        Assert.True(q.IsEmpty);
    }

    [Fact]
    public async Task Get_TimeoutPassesWithNoItem_ThrowsQueueEmpty()
    {
        IQueue<long> q = await CreateAsync();

        await Assert.ThrowsAsync<QueueEmptyException>(() => q.GetAsync(Tiny).AsTask().WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task Get_Blocked_CompletesWhenAnItemIsPut()
    {
        IQueue<long> q = await CreateAsync();

        Task<long> get = q.GetAsync().AsTask();
        await WaitUntilGetterWaitsAsync(q);
        Assert.False(get.IsCompleted);
        await q.PutAsync(7);

        Assert.Equal(7, await get.WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task Get_NegativeTimeout_Refused()
    {
        IQueue<long> q = await CreateAsync();

        await Assert.ThrowsAnyAsync<ArgumentException>(() => q.GetAsync(TimeSpan.FromSeconds(-1)).AsTask().WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task PutNowait_BoundedQueueFull_ThrowsQueueFull()
    {
        IQueue<long> q = await CreateAsync(maxSize: 2);
        await q.PutAsync(1);
        await q.PutAsync(2);

        await Assert.ThrowsAsync<QueueFullException>(() => q.PutAsync(3, TimeSpan.Zero).AsTask().WaitAsync(Timeouts.Short));
        Assert.Throws<QueueFullException>(() => q.PutNowait(3));
        Assert.Equal(2, await q.CountAsync());
    }

    [Fact]
    public async Task Put_BoundedQueueFullUntilTimeout_ThrowsQueueFullAndDropsItem()
    {
        IQueue<long> q = await CreateAsync(maxSize: 2);
        await q.PutAsync(1);
        await q.PutAsync(2);

        await Assert.ThrowsAsync<QueueFullException>(() => q.PutAsync(3, Tiny).AsTask().WaitAsync(Timeouts.Short));

        Assert.Equal(1, await q.GetAsync(TimeSpan.Zero));
        Assert.Equal(2, await q.GetAsync(TimeSpan.Zero));
        Assert.True(q.IsEmpty);
    }

    [Fact]
    public async Task Put_BoundedQueueFull_CompletesWhenAGetMakesRoom()
    {
        IQueue<long> q = await CreateAsync(maxSize: 2);
        await q.PutAsync(1);
        await q.PutAsync(2);

        Task put = q.PutAsync(3).AsTask();
        Assert.Equal(1, await q.GetAsync().AsTask().WaitAsync(Timeouts.Short));
        await put.WaitAsync(Timeouts.Short);

        Assert.Equal(2, await q.GetAsync().AsTask().WaitAsync(Timeouts.Short));
        Assert.Equal(3, await q.GetAsync().AsTask().WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task Join_CompletesOnlyAfterEveryItemIsMarkedDone()
    {
        IQueue<long> q = await CreateAsync();
        await q.JoinAsync().AsTask().WaitAsync(Timeouts.Short); // nothing put yet: returns at once
        await q.PutAsync(1);
        await q.PutAsync(2);
        await q.GetAsync().AsTask().WaitAsync(Timeouts.Short);
        await q.GetAsync().AsTask().WaitAsync(Timeouts.Short);

        Task join = q.JoinAsync().AsTask();
        await q.TaskDoneAsync();
        Assert.False(join.IsCompleted, "join returned with one item still unfinished");
        await q.TaskDoneAsync();

        await join.WaitAsync(Timeouts.Short);
    }

    [Fact]
    public async Task Get_CancelledWhileBlocked_ThrowsAndTheNextItemStaysForTheNextGetter()
    {
        IQueue<long> q = await CreateAsync();
        using var cts = new CancellationTokenSource();

        Task<long> cancelled = q.GetAsync(cancellationToken: cts.Token).AsTask();
        await WaitUntilGetterWaitsAsync(q);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Timeouts.Short));
        await WaitUntilNoGetterWaitsAsync(q);
        await q.PutAsync(99);

        Assert.Equal(1, await q.CountAsync());
        Assert.Equal(99, await q.GetAsync().AsTask().WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task Get_AlreadyCancelledToken_TakesNothing()
    {
        IQueue<long> q = await CreateAsync();
        await q.PutAsync(5);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => q.GetAsync(cancellationToken: new CancellationToken(true)).AsTask().WaitAsync(Timeouts.Short));

        Assert.Equal(5, await q.GetAsync(TimeSpan.Zero));
    }

    [Fact]
    public async Task Get_SeveralBlockedGetters_EachGetsOneDistinctItem()
    {
        IQueue<long> q = await CreateAsync();
        Task<long>[] gets = [.. Enumerable.Range(0, 8).Select(_ => q.GetAsync().AsTask())];
        await WaitUntilGetterWaitsAsync(q, 8);

        for (long i = 0; i < 8; i++)
        {
            await q.PutAsync(i);
        }

        long[] got = await Task.WhenAll(gets).WaitAsync(Timeouts.Short);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (long)i), got.Order());
    }

    [Fact]
    public async Task PutAndGet_ConcurrentProducersAndConsumers_EveryItemExactlyOnce()
    {
        IQueue<long> q = await CreateAsync(maxSize: 2);
        const int producers = 4, perProducer = 50;
        Task[] produce = [.. Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
        {
            for (int i = 0; i < perProducer; i++)
            {
                await q.PutAsync(p * 1000 + i);
            }
        }))];
        Task<List<long>>[] consume = [.. Enumerable.Range(0, producers).Select(_ => Task.Run(async () =>
        {
            List<long> got = [];
            for (int i = 0; i < perProducer; i++)
            {
                got.Add(await q.GetAsync());
            }
            return got;
        }))];

        await Task.WhenAll(produce).WaitAsync(Timeouts.Long);
        List<long>[] results = await Task.WhenAll(consume).WaitAsync(Timeouts.Long);

        long[] all = [.. results.SelectMany(r => r).Order()];
        long[] expected = [.. Enumerable.Range(0, producers).SelectMany(p => Enumerable.Range(0, perProducer).Select(i => (long)(p * 1000 + i))).Order()];
        Assert.Equal(expected, all);
        // Each producer's items arrive in the order it put them (FIFO per producer).
        foreach (List<long> r in results)
        {
            foreach (IGrouping<long, long> byProducer in r.GroupBy(x => x / 1000))
            {
                Assert.Equal(byProducer.Order(), byProducer);
            }
        }
    }
}
