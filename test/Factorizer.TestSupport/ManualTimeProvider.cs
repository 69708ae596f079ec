namespace Factorizer.TestSupport;

/// <summary>
/// A <see cref="TimeProvider"/> whose clock moves only when a test calls <see cref="Advance"/>, which
/// fires every timer that comes due on the way, in due order, on the calling thread. So expiry and
/// delays are tested deterministically, without sleeps. (A small stand-in for the FakeTimeProvider
/// NuGet package, which the project does not use.)
/// </summary>
public sealed class ManualTimeProvider : TimeProvider
{
    // Guards _now, _nextSequence and every timer's schedule. Callbacks always run outside it, so a
    // callback may create, change or dispose timers.
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now;
    private long _nextSequence;

    /// <summary>Starts the clock at <paramref name="start"/> (default 2000-01-01 UTC).</summary>
    public ManualTimeProvider(DateTimeOffset? start = null) =>
        _now = start ?? new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Timestamps count 100 ns ticks.</summary>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Timers armed now (created or changed with a due time, not yet fired or disposed).</summary>
    public int ArmedTimers
    {
        get
        {
            lock (_gate)
            {
                return _timers.Count(t => t.DueAt is not null);
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ManualTimer(this, callback, state);
        lock (_gate)
        {
            _timers.Add(timer);
            ScheduleLocked(timer, dueTime, period);
        }
        return timer;
    }

    /// <summary>
    /// Moves the clock forward by <paramref name="by"/>, firing each timer due by then in order of due
    /// time (then creation), with the clock set to that due time while its callback runs. A timer a
    /// callback arms within the window fires too.
    /// </summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_gate)
        {
            target = _now + by;
        }
        while (true)
        {
            ManualTimer? next;
            lock (_gate)
            {
                next = _timers
                    .Where(t => t.DueAt is { } due && due <= target)
                    .OrderBy(t => t.DueAt)
                    .ThenBy(t => t.Sequence)
                    .FirstOrDefault();
                if (next is null)
                {
                    _now = target;
                    return;
                }
                if (next.DueAt > _now)
                {
                    _now = next.DueAt.Value;
                }
                // One shot, or the next period from this due time.
                next.DueAt = next.Period is { } period ? next.DueAt + period : null;
            }
            next.Callback(next.State);
        }
    }

    private void ScheduleLocked(ManualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        if (timer.Disposed)
        {
            return;
        }
        timer.Sequence = _nextSequence++;
        timer.DueAt = dueTime == Timeout.InfiniteTimeSpan ? null : _now + dueTime;
        timer.Period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period;
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public TimerCallback Callback { get; } = callback;
        public object? State { get; } = state;

        // The fields below change only under the owner's lock.
        public DateTimeOffset? DueAt { get; set; }
        public TimeSpan? Period { get; set; }
        public long Sequence { get; set; }
        public bool Disposed { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                if (Disposed)
                {
                    return false;
                }
                owner.ScheduleLocked(this, dueTime, period);
                return true;
            }
        }

        public void Dispose()
        {
            lock (owner._gate)
            {
                Disposed = true;
                DueAt = null;
                owner._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
