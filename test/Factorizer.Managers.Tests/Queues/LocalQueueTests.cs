using Factorizer.Managers.Queues;
using Factorizer.Managers.Tests.Support;

namespace Factorizer.Managers.Tests.Queues;

/// <summary>What <see cref="LocalQueue{T}"/> adds beyond the shared queue contract.</summary>
public class LocalQueueTests
{
    [Fact]
    public void Constructor_NegativeMaxSize_Unbounded()
    {
        var q = new LocalQueue<int>(-5);

        Assert.Equal(0, q.MaxSize);
        for (int i = 0; i < 100; i++)
        {
            Assert.True(q.TryPut(i));
        }
        Assert.False(q.IsFull);
    }

    [Fact]
    public void TryPut_Full_ReturnsFalse()
    {
        var q = new LocalQueue<int>(1);

        Assert.True(q.TryPut(1));
        Assert.True(q.IsFull);
        Assert.False(q.TryPut(2));
        Assert.Equal(1, q.Count);
    }

    [Fact]
    public async Task Get_WaitersServedInArrivalOrder()
    {
        var q = new LocalQueue<int>();
        Task<int> first = q.GetAsync().AsTask();
        Task<int> second = q.GetAsync().AsTask();
        Assert.Equal(2, q.WaitingGetters);

        q.TryPut(1);
        q.TryPut(2);

        Assert.Equal(1, await first.WaitAsync(Timeouts.Short));
        Assert.Equal(2, await second.WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task Put_BlockedPuttersAdmittedInArrivalOrder()
    {
        var q = new LocalQueue<int>(1);
        q.TryPut(0);
        Task p1 = q.PutAsync(1).AsTask();
        Task p2 = q.PutAsync(2).AsTask();

        Assert.True(q.TryGet(out int a));
        Assert.True(q.TryGet(out int b));
        Assert.True(q.TryGet(out int c));
        await Task.WhenAll(p1, p2).WaitAsync(Timeouts.Short);

        Assert.Equal([0, 1, 2], [a, b, c]);
    }

    [Fact]
    public async Task Put_CancelledWhileBlocked_ItemNotAdded()
    {
        var q = new LocalQueue<int>(1);
        q.TryPut(1);
        using var cts = new CancellationTokenSource();

        Task put = q.PutAsync(2, cancellationToken: cts.Token).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => put.WaitAsync(Timeouts.Short));
        Assert.True(q.TryGet(out int only));
        Assert.Equal(1, only);
        Assert.False(q.TryGet(out _));
    }

    [Fact]
    public async Task Get_CancelRacingAPut_ItemNeverLost()
    {
        var q = new LocalQueue<int>();
        for (int i = 0; i < 500; i++)
        {
            using var cts = new CancellationTokenSource();
            Task<int> get = q.GetAsync(cancellationToken: cts.Token).AsTask();
            Task cancel = Task.Run(cts.Cancel);
            Task put = Task.Run(() => q.TryPut(i));
            await Task.WhenAll(cancel, put).WaitAsync(Timeouts.Short);

            int got;
            try
            {
                got = await get.WaitAsync(Timeouts.Short);
            }
            catch (OperationCanceledException)
            {
                Assert.True(q.TryGet(out got), $"round {i}: the get was cancelled and the item is gone");
            }
            Assert.Equal(i, got);
            Assert.Equal(0, q.Count);
            Assert.Equal(0, q.WaitingGetters);
        }
    }

    [Fact]
    public async Task Get_TimeoutRacingAPut_ItemNeverLost()
    {
        var q = new LocalQueue<int>();
        for (int i = 0; i < 200; i++)
        {
            Task<int> get = q.GetAsync(TimeSpan.FromMilliseconds(1)).AsTask();
            q.TryPut(i);

            int got;
            try
            {
                got = await get.WaitAsync(Timeouts.Short);
            }
            catch (QueueEmptyException)
            {
                Assert.True(q.TryGet(out got), $"round {i}: the get timed out and the item is gone");
            }
            Assert.Equal(i, got);
        }
    }

    [Fact]
    public async Task Get_InfiniteTimeSpan_WaitsForever()
    {
        var q = new LocalQueue<int>();

        Task<int> get = q.GetAsync(Timeout.InfiniteTimeSpan).AsTask();
        q.TryPut(3);

        Assert.Equal(3, await get.WaitAsync(Timeouts.Short));
    }

    [Fact]
    public void Requeue_ItemGoesAheadOfQueuedItems()
    {
        var q = new LocalQueue<string>();
        q.TryPut("b");
        q.TryPut("c");

        q.Requeue("a");

        Assert.Equal(3, q.Count);
        Assert.Equal("a", q.GetNowaitLocal());
        Assert.Equal("b", q.GetNowaitLocal());
        Assert.Equal("c", q.GetNowaitLocal());
    }

    [Fact]
    public async Task Requeue_WithWaitingGetter_HandsItOver()
    {
        var q = new LocalQueue<string>();
        Task<string> get = q.GetAsync().AsTask();

        q.Requeue("back");

        Assert.Equal("back", await get.WaitAsync(Timeouts.Short));
        Assert.Equal(0, q.Count);
    }

    [Fact]
    public void Requeue_FullBoundedQueue_StillAccepted()
    {
        var q = new LocalQueue<int>(1);
        q.TryPut(1);

        q.Requeue(0);

        Assert.Equal(2, q.Count);
        Assert.Equal(0, q.GetNowaitLocal());
        Assert.Equal(1, q.GetNowaitLocal());
    }

    [Fact]
    public async Task Requeue_DoesNotCountAsANewTask()
    {
        var q = new LocalQueue<int>();
        q.TryPut(1);
        Assert.True(q.TryGet(out int item));

        q.Requeue(item);
        Assert.True(q.TryGet(out _));
        await q.TaskDoneAsync();

        await q.JoinAsync().AsTask().WaitAsync(Timeouts.Short);
        await Assert.ThrowsAsync<InvalidOperationException>(() => q.TaskDoneAsync().AsTask());
    }

    [Fact]
    public async Task TaskDone_MoreThanPut_Throws()
    {
        var q = new LocalQueue<int>();

        await Assert.ThrowsAsync<InvalidOperationException>(() => q.TaskDoneAsync().AsTask());
    }

    [Fact]
    public async Task Join_Cancelled_Throws()
    {
        var q = new LocalQueue<int>();
        q.TryPut(1);
        using var cts = new CancellationTokenSource();

        Task join = q.JoinAsync(cts.Token).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => join.WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task WaitUntilCountAtMost_AlreadyBelow_CompletesAtOnce()
    {
        var q = new LocalQueue<int>();
        q.TryPut(1);

        await q.WaitUntilCountAtMostAsync(1).WaitAsync(Timeouts.Short);
        await q.WaitUntilCountAtMostAsync(5).WaitAsync(Timeouts.Short);
    }

    [Fact]
    public async Task WaitUntilCountAtMost_CompletesWhenGetsDrainTheQueue()
    {
        var q = new LocalQueue<int>();
        for (int i = 0; i < 5; i++)
        {
            q.TryPut(i);
        }

        Task low = q.WaitUntilCountAtMostAsync(2);
        Task empty = q.WaitUntilCountAtMostAsync(0);
        Assert.True(q.TryGet(out _));
        Assert.True(q.TryGet(out _));
        Assert.False(low.IsCompleted);
        Assert.True(q.TryGet(out _));
        await low.WaitAsync(Timeouts.Short);
        Assert.False(empty.IsCompleted);
        Assert.True(q.TryGet(out _));
        Assert.True(q.TryGet(out _));

        await empty.WaitAsync(Timeouts.Short);
    }

    [Fact]
    public async Task WaitUntilCountAtMost_QueueDrainedThroughRequeuedItem_Completes()
    {
        var q = new LocalQueue<int>();
        q.TryPut(1);
        Assert.True(q.TryGet(out int item));
        q.Requeue(item); // a lost reply put it back

        Task empty = q.WaitUntilCountAtMostAsync(0);
        Assert.True(q.TryGet(out _));

        await empty.WaitAsync(Timeouts.Short);
    }

    [Fact]
    public async Task Put_BlockedOnFullQueue_AdmittedWhenARequeuedItemIsTaken()
    {
        var q = new LocalQueue<int>(1);
        q.TryPut(1);
        Assert.True(q.TryGet(out int item));
        q.Requeue(item); // the queue is full again, through the requeued item

        Task put = q.PutAsync(2).AsTask();
        Assert.True(q.TryGet(out int first)); // takes the requeued item: now there is room

        await put.WaitAsync(Timeouts.Short);
        Assert.Equal(1, first);
        Assert.True(q.TryGet(out int second));
        Assert.Equal(2, second);
    }

    [Fact]
    public async Task WaitUntilCountAtMost_Cancelled_Throws()
    {
        var q = new LocalQueue<int>();
        q.TryPut(1);
        using var cts = new CancellationTokenSource();

        Task wait = q.WaitUntilCountAtMostAsync(0, cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(Timeouts.Short));
    }

    [Fact]
    public void IQueueDefaults_SyncSurface_BehavesLikeQueueQueue()
    {
        IQueue<int> q = new LocalQueue<int>(1);

        q.Put(1);
        Assert.Throws<QueueFullException>(() => q.PutNowait(2));
        Assert.Equal(1, q.Count);
        Assert.Equal(1, q.Get());
        Assert.True(q.IsEmpty);
        Assert.Throws<QueueEmptyException>(() => q.GetNowait());
        Assert.Throws<QueueEmptyException>(() => q.Get(TimeSpan.FromMilliseconds(20)));
    }
}

internal static class LocalQueueTestExtensions
{
    public static T GetNowaitLocal<T>(this LocalQueue<T> q) => ((IQueue<T>)q).GetNowait();
}
