using Factorizer.Managers.Queues;
using Factorizer.Managers.Tests.Support;
using Factorizer.TestSupport;

namespace Factorizer.Managers.Tests.Queues;

/// <summary>
/// Leases on a <see cref="LocalQueue{T}"/> (reserve/ack/release/touch), on a manual clock: time moves
/// only when a test advances it, so expiry and delays are exact.
/// </summary>
public class LeaseTests
{
    private static readonly TimeSpan Ttr = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    private readonly ManualTimeProvider _clock = new();

    private LocalQueue<string> NewQueue() => new(timeToRun: Ttr, timeProvider: _clock);

    [Fact]
    public async Task Reserve_TakesOldestUnderLease_AckEndsIt()
    {
        var q = NewQueue();
        q.TryPut("a");
        q.TryPut("b");

        Lease<string> lease = await q.ReserveAsync(TimeSpan.Zero);

        Assert.Equal("a", lease.Item);
        Assert.Equal(1, q.Count);
        Assert.Equal(1, q.LeasedCount);
        q.Ack(lease.Id);
        Assert.Equal(0, q.LeasedCount);
        _clock.Advance(Ttr * 3);
        Assert.Equal(1, q.Count); // an acked item never comes back
        Assert.Equal(0, _clock.ArmedTimers);
    }

    [Fact]
    public async Task Reserve_LeaseIdsAreDistinct()
    {
        var q = NewQueue();
        for (int i = 0; i < 5; i++)
        {
            q.TryPut($"item{i}");
        }

        var ids = new List<long>();
        for (int i = 0; i < 5; i++)
        {
            ids.Add((await q.ReserveAsync(TimeSpan.Zero)).Id);
        }

        Assert.Equal(5, ids.Distinct().Count());
        Assert.Equal(5, q.LeasedCount);
    }

    [Fact]
    public async Task Expiry_NoReserverWaiting_ItemComesBackEveryTime()
    {
        var q = NewQueue();
        for (int probe = 0; probe < 20; probe++)
        {
            q.TryPut($"job{probe}");
            Lease<string> lease = await q.ReserveAsync(TimeSpan.Zero);
            Assert.Equal(0, q.Count);

            _clock.Advance(Ttr - Tick);
            Assert.Equal(1, q.LeasedCount); // not yet
            _clock.Advance(Tick);

            Assert.Equal(0, q.LeasedCount);
            Assert.Equal(1, q.Count);
            Assert.True(q.TryGet(out string? back));
            Assert.Equal(lease.Item, back);
        }
    }

    [Fact]
    public async Task Expiry_ReserverWaiting_WakesItWithTheItemEveryTime()
    {
        var q = NewQueue();
        for (int probe = 0; probe < 20; probe++)
        {
            q.TryPut($"job{probe}");
            Lease<string> first = await q.ReserveAsync(TimeSpan.Zero);
            Task<Lease<string>> waiting = q.ReserveAsync().AsTask();
            Assert.Equal(1, q.WaitingGetters);
            Assert.False(waiting.IsCompleted);

            _clock.Advance(Ttr);

            Lease<string> second = await waiting.WaitAsync(Timeouts.Short);
            Assert.Equal(first.Item, second.Item);
            Assert.NotEqual(first.Id, second.Id);
            Assert.Throws<KeyNotFoundException>(() => q.Ack(first.Id));
            q.Ack(second.Id);
            Assert.Equal(0, q.Count);
            Assert.Equal(0, q.LeasedCount);
        }
    }

    [Fact]
    public async Task Expiry_WakesABlockedGet()
    {
        var q = NewQueue();
        q.TryPut("a");
        await q.ReserveAsync(TimeSpan.Zero);
        Task<string> get = q.GetAsync().AsTask();

        _clock.Advance(Ttr);

        Assert.Equal("a", await get.WaitAsync(Timeouts.Short));
        Assert.Equal(0, q.LeasedCount);
    }

    [Fact]
    public async Task Expiry_ItemGoesToTheFront()
    {
        var q = NewQueue();
        q.TryPut("a");
        await q.ReserveAsync(TimeSpan.Zero);
        q.TryPut("b");

        _clock.Advance(Ttr);

        Assert.Equal("a", await q.GetAsync(TimeSpan.Zero));
        Assert.Equal("b", await q.GetAsync(TimeSpan.Zero));
    }

    [Fact]
    public async Task Reserve_OwnTimeToRun_OverridesTheDefault()
    {
        var q = NewQueue();
        q.TryPut("a");
        await q.ReserveAsync(TimeSpan.Zero, timeToRun: TimeSpan.FromSeconds(2));

        _clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(1, q.Count);
    }

    [Fact]
    public async Task Touch_RestartsTheTimeToRun()
    {
        var q = NewQueue();
        q.TryPut("a");
        Lease<string> lease = await q.ReserveAsync(TimeSpan.Zero);

        _clock.Advance(TimeSpan.FromSeconds(8));
        q.Touch(lease.Id);
        _clock.Advance(TimeSpan.FromSeconds(8)); // 16 s after the reserve, 8 after the touch
        Assert.Equal(1, q.LeasedCount);
        Assert.Equal(0, q.Count);
        _clock.Advance(TimeSpan.FromSeconds(2) - Tick);
        Assert.Equal(1, q.LeasedCount);
        _clock.Advance(Tick);

        Assert.Equal(0, q.LeasedCount);
        Assert.Equal(1, q.Count);
        Assert.Throws<KeyNotFoundException>(() => q.Touch(lease.Id));
    }

    [Fact]
    public async Task Release_NoDelay_ItemBackAtTheFront()
    {
        var q = NewQueue();
        q.TryPut("a");
        q.TryPut("b");
        Lease<string> lease = await q.ReserveAsync(TimeSpan.Zero);

        q.Release(lease.Id);

        Assert.Equal(0, q.LeasedCount);
        Assert.Equal(["a", "b"], [await q.GetAsync(TimeSpan.Zero), await q.GetAsync(TimeSpan.Zero)]);
        Assert.Throws<KeyNotFoundException>(() => q.Ack(lease.Id));
    }

    [Fact]
    public async Task Release_WithDelay_ComesDueOnlyAfterTheDelay_AndWakesAWaiter()
    {
        var q = NewQueue();
        q.TryPut("a");
        Lease<string> lease = await q.ReserveAsync(TimeSpan.Zero);

        q.Release(lease.Id, TimeSpan.FromSeconds(5));
        Task<Lease<string>> waiting = q.ReserveAsync().AsTask();
        Assert.Equal(0, q.LeasedCount);
        Assert.Equal(1, q.DelayedCount);
        _clock.Advance(TimeSpan.FromSeconds(5) - Tick);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, q.DelayedCount);
        _clock.Advance(Tick);

        Lease<string> again = await waiting.WaitAsync(Timeouts.Short);
        Assert.Equal("a", again.Item);
        Assert.Equal(0, q.DelayedCount);
        Assert.Throws<KeyNotFoundException>(() => q.Release(lease.Id));
    }

    [Fact]
    public async Task Release_WithDelay_ItemGoesToTheFrontWhenDue()
    {
        var q = NewQueue();
        q.TryPut("a");
        Lease<string> lease = await q.ReserveAsync(TimeSpan.Zero);
        q.Release(lease.Id, TimeSpan.FromSeconds(1));
        q.TryPut("b");

        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("a", await q.GetAsync(TimeSpan.Zero));
    }

    [Fact]
    public async Task Ack_ExpiredLease_ThrowsKeyNotFoundNamingIt()
    {
        var q = NewQueue();
        q.TryPut("a");
        Lease<string> lease = await q.ReserveAsync(TimeSpan.Zero);
        _clock.Advance(Ttr);

        var e = Assert.Throws<KeyNotFoundException>(() => q.Ack(lease.Id));

        Assert.Equal($"lease {lease.Id} is unknown or expired", e.Message);
        Assert.Equal(1, q.Count); // the failed ack did not take the returned item
    }

    [Fact]
    public void LeaseOperations_UnknownId_ThrowKeyNotFound()
    {
        var q = NewQueue();

        Assert.Contains("17", Assert.Throws<KeyNotFoundException>(() => q.Ack(17)).Message, StringComparison.Ordinal);
        Assert.Throws<KeyNotFoundException>(() => q.Release(17));
        Assert.Throws<KeyNotFoundException>(() => q.Release(17, TimeSpan.FromSeconds(1)));
        Assert.Throws<KeyNotFoundException>(() => q.Touch(17));
    }

    [Fact]
    public async Task Ack_Twice_SecondThrows()
    {
        var q = NewQueue();
        q.TryPut("a");
        Lease<string> lease = await q.ReserveAsync(TimeSpan.Zero);

        q.Ack(lease.Id);

        Assert.Throws<KeyNotFoundException>(() => q.Ack(lease.Id));
    }

    [Fact]
    public async Task ReleaseHeldBy_ReturnsOnlyThatHoldersItems_OldestFirstAtTheFront()
    {
        var q = NewQueue();
        foreach (string s in new[] { "x", "y", "z", "w" })
        {
            q.TryPut(s);
        }
        object holderA = new(), holderB = new();
        Lease<string> x = await q.ReserveAsync(TimeSpan.Zero, holder: holderA);
        Lease<string> y = await q.ReserveAsync(TimeSpan.Zero, holder: holderA);
        Lease<string> z = await q.ReserveAsync(TimeSpan.Zero, holder: holderB);

        Assert.Equal(2, q.ReleaseHeldBy(holderA));

        Assert.Equal(1, q.LeasedCount);
        Assert.Equal(["x", "y", "w"], [await q.GetAsync(TimeSpan.Zero), await q.GetAsync(TimeSpan.Zero), await q.GetAsync(TimeSpan.Zero)]);
        Assert.Throws<KeyNotFoundException>(() => q.Ack(x.Id));
        Assert.Throws<KeyNotFoundException>(() => q.Ack(y.Id));
        q.Ack(z.Id);
        Assert.Equal(0, q.ReleaseHeldBy(holderA));
        _clock.Advance(Ttr * 2);
        Assert.Equal(0, q.Count); // their timers were disarmed
    }

    [Fact]
    public async Task ReleaseHeldBy_WaitingGetters_GetTheOldestFirst()
    {
        var q = NewQueue();
        q.TryPut("x");
        q.TryPut("y");
        object holder = new();
        await q.ReserveAsync(TimeSpan.Zero, holder: holder);
        await q.ReserveAsync(TimeSpan.Zero, holder: holder);
        Task<string> first = q.GetAsync().AsTask();
        Task<Lease<string>> second = q.ReserveAsync().AsTask();

        q.ReleaseHeldBy(holder);

        Assert.Equal("x", await first.WaitAsync(Timeouts.Short));
        Assert.Equal("y", (await second.WaitAsync(Timeouts.Short)).Item);
    }

    [Fact]
    public async Task LeaseReturned_RaisedForEveryReturnWithItsReason_NotForAck()
    {
        var q = NewQueue();
        var seen = new List<(long Id, string Item, LeaseReturnReason Reason)>();
        q.LeaseReturned += (_, e) => seen.Add((e.LeaseId, e.Item, e.Reason));
        foreach (string s in new[] { "acked", "released", "expired", "gone", "delayed" })
        {
            q.TryPut(s);
        }
        object holder = new();
        Lease<string> acked = await q.ReserveAsync(TimeSpan.Zero);
        Lease<string> released = await q.ReserveAsync(TimeSpan.Zero);
        Lease<string> expired = await q.ReserveAsync(TimeSpan.Zero, timeToRun: TimeSpan.FromSeconds(1));
        Lease<string> gone = await q.ReserveAsync(TimeSpan.Zero, holder: holder);
        Lease<string> delayed = await q.ReserveAsync(TimeSpan.Zero);

        q.Ack(acked.Id);
        q.Release(released.Id);
        q.ReleaseHeldBy(holder);
        q.Release(delayed.Id, TimeSpan.FromSeconds(2));
        _clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(
            [
                (released.Id, "released", LeaseReturnReason.Released),
                (gone.Id, "gone", LeaseReturnReason.HolderGone),
                (expired.Id, "expired", LeaseReturnReason.Expired),
                (delayed.Id, "delayed", LeaseReturnReason.DelayEnded),
            ],
            seen);
        Assert.Equal(0, q.LeasedCount);
        Assert.Equal(4, q.Count);
    }

    [Fact]
    public async Task LeaseReturned_HandlerThrows_ItemStillBack()
    {
        var q = NewQueue();
        q.LeaseReturned += (_, _) => throw new InvalidOperationException("observer bug");
        q.TryPut("a");
        await q.ReserveAsync(TimeSpan.Zero);

        _clock.Advance(Ttr);

        Assert.Equal(1, q.Count);
    }

    [Fact]
    public async Task Reserve_TimeoutOnTheQueueClock_QueueEmptyAndNothingLeased()
    {
        var q = NewQueue();
        Task<Lease<string>> reserve = q.ReserveAsync(TimeSpan.FromSeconds(5)).AsTask();
        _clock.Advance(TimeSpan.FromSeconds(5) - Tick);
        Assert.False(reserve.IsCompleted);

        _clock.Advance(Tick);

        await Assert.ThrowsAsync<QueueEmptyException>(() => reserve.WaitAsync(Timeouts.Short));
        Assert.Equal(0, q.WaitingGetters);
        q.TryPut("a");
        Assert.Equal(1, q.Count);
        Assert.Equal(0, q.LeasedCount);
    }

    [Fact]
    public async Task Reserve_Cancelled_WithdrawsWithoutTakingAnything()
    {
        var q = NewQueue();
        using var cts = new CancellationTokenSource();
        Task<Lease<string>> reserve = q.ReserveAsync(cancellationToken: cts.Token).AsTask();

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reserve.WaitAsync(Timeouts.Short));
        q.TryPut("a");
        Assert.Equal(1, q.Count);
        Assert.Equal(0, q.LeasedCount);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(50 * 86400.0)]
    public async Task Reserve_BadTimeToRun_ThrowsBeforeTakingAnything(double seconds)
    {
        var q = NewQueue();
        q.TryPut("a");

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => q.ReserveAsync(TimeSpan.Zero, TimeSpan.FromSeconds(seconds)).AsTask());

        Assert.Equal(1, q.Count);
        Assert.Equal(0, q.LeasedCount);
    }

    [Fact]
    public async Task Release_NegativeDelay_ThrowsAndLeaseStands()
    {
        var q = NewQueue();
        q.TryPut("a");
        Lease<string> lease = await q.ReserveAsync(TimeSpan.Zero);

        Assert.Throws<ArgumentOutOfRangeException>(() => q.Release(lease.Id, TimeSpan.FromSeconds(-1)));

        Assert.Equal(1, q.LeasedCount);
        q.Ack(lease.Id);
    }

    [Fact]
    public void Constructor_DefaultTimeToRun_ThirtySecondsAndValidated()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), new LocalQueue<int>().DefaultTimeToRun);
        Assert.Same(TimeProvider.System, new LocalQueue<int>().TimeProvider);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LocalQueue<int>(timeToRun: TimeSpan.Zero));
    }

    [Fact]
    public async Task Get_HasNoLease()
    {
        var q = NewQueue();
        q.TryPut("a");

        Assert.Equal("a", await q.GetAsync(TimeSpan.Zero));

        Assert.Equal(0, q.LeasedCount);
        _clock.Advance(Ttr * 2);
        Assert.Equal(0, q.Count);
    }
}
