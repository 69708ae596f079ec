namespace Factorizer.Work.Worker;

/// <summary>
/// Watches the chunk in work for a number that runs long: one still in work after
/// <see cref="ThresholdFor"/> (a tenth of the lease's time-to-run, 3 s by default, where a typical
/// number takes microseconds). Then it calls its hand-back once: the worker gives back to the
/// server the numbers it has not started and its prefetched chunk, so other workers take them
/// instead of waiting behind the slow one. It ticks every half threshold on the injected
/// <see cref="TimeProvider"/> and reads only the cursor's claim count, so the factoring thread pays
/// nothing per number: a count unchanged over two ticks is a number running at least a threshold.
/// </summary>
internal sealed class HandBackWatch : IAsyncDisposable
{
    private readonly ChunkCursor _cursor;
    private readonly Func<Task> _handBack;
    private readonly ITimer _timer;
    private int _lastClaimed = -1; // ticks never overlap their own bookkeeping: _gate guards it
    private int _stillTicks;
    private Task? _handingBack;    // under _gate: set once
    private bool _stopped;         // under _gate
    private readonly Lock _gate = new();

    private HandBackWatch(TimeProvider time, TimeSpan threshold, ChunkCursor cursor, Func<Task> handBack)
    {
        _cursor = cursor;
        _handBack = handBack;
        TimeSpan tick = TimeSpan.FromTicks(System.Math.Max(threshold.Ticks / 2, TimeSpan.TicksPerMillisecond));
        // Created last: the timer may fire on another thread before the constructor returns.
        _timer = time.CreateTimer(_ => OnTick(), null, tick, tick);
    }

    /// <summary>How long a number runs before the worker hands back the rest: a tenth of the time-to-run (at least 2 ms).</summary>
    public static TimeSpan ThresholdFor(TimeSpan timeToRun) =>
        TimeSpan.FromTicks(System.Math.Max(timeToRun.Ticks / 10, 2 * TimeSpan.TicksPerMillisecond));

    /// <summary>Starts watching <paramref name="cursor"/>; <paramref name="handBack"/> runs at most once, on the timer.</summary>
    public static HandBackWatch Start(TimeProvider time, TimeSpan threshold, ChunkCursor cursor, Func<Task> handBack)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(cursor);
        ArgumentNullException.ThrowIfNull(handBack);
        return new HandBackWatch(time, threshold, cursor, handBack);
    }

    /// <summary>Stops the watch and waits for a hand-back under way.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? pending;
        lock (_gate)
        {
            _stopped = true;
            pending = _handingBack;
        }
        await _timer.DisposeAsync().ConfigureAwait(false);
        if (pending is not null)
        {
            await pending.ConfigureAwait(false);
        }
    }

    private void OnTick()
    {
        lock (_gate)
        {
            if (_stopped || _handingBack is not null)
            {
                return;
            }
            int claimed = _cursor.Claimed;
            if (claimed == 0 || claimed != _lastClaimed)
            {
                _lastClaimed = claimed;
                _stillTicks = 0;
                return;
            }
            if (++_stillTicks < 2)
            {
                return;
            }
            _handingBack = Task.Run(_handBack);
        }
    }
}
