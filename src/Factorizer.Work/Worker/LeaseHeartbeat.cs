using Factorizer.Work.Jobs;

namespace Factorizer.Work.Worker;

/// <summary>
/// Keeps a reserved chunk's lease alive while the worker's thread factors it: every third of the
/// time-to-run it touches the lease (so a long number keeps it; a stopped worker stops touching and
/// loses it) and hands in the numbers finished since the last report as a partial
/// <see cref="ChunkReport"/> (so one slow number leaves only itself outstanding). It runs on a timer
/// of the injected <see cref="TimeProvider"/>, touches only its own lease, never throws, and never
/// runs two beats at once (a slow beat makes the next tick skip).
/// </summary>
internal sealed class LeaseHeartbeat
{
    private readonly long _leaseId;
    private readonly ChunkProgress _progress;
    private readonly Func<long, CancellationToken, Task> _touch;
    private readonly Func<ChunkReport, CancellationToken, Task> _report;
    private readonly Action<string> _log;
    private readonly CancellationToken _cancellationToken;
    private readonly Lock _gate = new();
    private readonly ITimer _timer;
    private TaskCompletionSource? _beating; // under _gate: the beat in progress
    private bool _stopped;                  // under _gate
    private bool _expiryLogged;             // beats never overlap: no lock needed
    private bool _failureLogged;

    private LeaseHeartbeat(TimeProvider time, TimeSpan interval, long leaseId, ChunkProgress progress,
        Func<long, CancellationToken, Task> touch, Func<ChunkReport, CancellationToken, Task> report, Action<string> log, CancellationToken cancellationToken)
    {
        _leaseId = leaseId;
        _progress = progress;
        _touch = touch;
        _report = report;
        _log = log;
        _cancellationToken = cancellationToken;
        // Created last: the timer may fire on another thread before the constructor returns.
        _timer = time.CreateTimer(_ => OnTick(), null, interval, interval);
    }

    /// <summary>How often a lease with time-to-run <paramref name="timeToRun"/> is touched: a third of it (at least 1 ms).</summary>
    public static TimeSpan IntervalFor(TimeSpan timeToRun) =>
        TimeSpan.FromTicks(System.Math.Max(timeToRun.Ticks / 3, TimeSpan.TicksPerMillisecond));

    /// <summary>
    /// Starts beating for lease <paramref name="leaseId"/>: the first beat comes a third of
    /// <paramref name="timeToRun"/> from now. <paramref name="touch"/> touches a lease (a
    /// <see cref="KeyNotFoundException"/> says it expired); <paramref name="report"/> puts a report.
    /// </summary>
    public static LeaseHeartbeat Start(TimeProvider time, TimeSpan timeToRun, long leaseId, ChunkProgress progress,
        Func<long, CancellationToken, Task> touch, Func<ChunkReport, CancellationToken, Task> report, Action<string> log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentNullException.ThrowIfNull(touch);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(log);
        return new LeaseHeartbeat(time, IntervalFor(timeToRun), leaseId, progress, touch, report, log, cancellationToken);
    }

    /// <summary>
    /// Stops the beats and waits for one in progress, so the final report follows every partial one
    /// and nothing touches the lease after it.
    /// </summary>
    public async Task StopAsync()
    {
        Task? pending;
        lock (_gate)
        {
            _stopped = true;
            pending = _beating?.Task;
        }
        await _timer.DisposeAsync().ConfigureAwait(false);
        if (pending is not null)
        {
            await pending.ConfigureAwait(false);
        }
    }

    private void OnTick()
    {
        TaskCompletionSource done;
        lock (_gate)
        {
            if (_stopped || _beating is not null)
            {
                return;
            }
            _beating = done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        _ = RunBeatAsync(done);
    }

    private async Task RunBeatAsync(TaskCompletionSource done)
    {
        try
        {
            await BeatAsync().ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _beating = null;
            }
            done.SetResult();
        }
    }

    private async Task BeatAsync()
    {
        try
        {
            try
            {
                await _touch(_leaseId, _cancellationToken).ConfigureAwait(false);
            }
            catch (KeyNotFoundException)
            {
                // The server gave the chunk back to the queue (we were too slow, or it restarted).
                // Finishing and reporting is still worth it: the server takes any valid result.
                if (!_expiryLogged)
                {
                    _expiryLogged = true;
                    _log($"lease {_leaseId} expired before its chunk was done; finishing and reporting it anyway");
                }
            }
            ChunkReport? finished = _progress.TakeFinished(_leaseId);
            if (finished is null)
            {
                return;
            }
            try
            {
                await _report(finished, _cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                _progress.Return(finished); // the final report carries them instead
                throw;
            }
        }
        catch (OperationCanceledException) when (_cancellationToken.IsCancellationRequested)
        {
            // The worker is stopping: nothing to say.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A timer's exception would end the process; the worker's own calls meet the same trouble
            // (a lost server) and handle it, so one line here is enough.
            if (!_failureLogged)
            {
                _failureLogged = true;
                _log($"lease {_leaseId}: heartbeat failed: {Cli.ErrorText.Describe(e, "the server")}");
            }
        }
    }
}
