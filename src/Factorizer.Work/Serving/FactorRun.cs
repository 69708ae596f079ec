using System.Net;
using System.Net.Sockets;
using System.Text;
using Factorizer.Managers;
using Factorizer.Managers.Queues;
using Factorizer.Managers.Server;
using Factorizer.Work.Jobs;
using Factorizer.Work.Supervision;

namespace Factorizer.Work.Serving;

/// <summary>
/// One factor-server run's lifecycle: serve the job and result queues, start the
/// <see cref="Feeder"/>, the <see cref="ProgressView"/> and any local workers, wait until every
/// chunk is written (the <see cref="ResultIntake"/> verifies and hands them to the
/// <see cref="OrderedOutput"/>), then let workers leave and report. Every second, finished lines are
/// flushed and chunks taken by plain <c>get</c> for too long are handed out again; a reserved chunk
/// whose lease runs out, or whose holder's connection closes, goes back to the queue by itself.
/// Cancelling the run stops it cleanly: no more chunks are handed out, local workers are stopped,
/// connected workers are told the server is stopping, and the finished in-order lines are written
/// whole. The run returns a <see cref="RunOutcome"/>; the program turns it into an exit code.
/// </summary>
public sealed class FactorRun
{
    /// <summary>A chunk out this long (and ten times the typical time) is named in the progress line.</summary>
    private static readonly TimeSpan SlowAfter = TimeSpan.FromSeconds(10);

    /// <summary>Time past the number timeout before the server gives a number up itself (the worker's report may be on its way).</summary>
    private static readonly TimeSpan NumberTimeoutGrace = TimeSpan.FromSeconds(2);

    private readonly FactorRunOptions _options;
    private readonly NumberSource _source;
    private readonly Action<string> _log;
    private readonly TimeProvider _time;
    private readonly ChunkLedger _ledger;
    private readonly OrderedOutput _output;
    private readonly LocalQueue<object?> _jobs;
    private readonly RunStatus _status;
    private readonly ClientStats _stats = new();
    private readonly ResultIntake _intake;
    private readonly Feeder _feeder;
    private readonly SemaphoreSlim _sessionClosed = new(0);
    private long _lastCheckpoint = -1; // chunks written at the last journal checkpoint
    private long _firstTaken; // timestamp of the first chunk handed out (0: none yet); rates count from there
    private ManagerServer? _server;

    /// <summary>Prepares a run over <paramref name="source"/>, writing lines to <paramref name="output"/>.</summary>
    public FactorRun(FactorRunOptions options, NumberSource source, TextWriter output, Action<string> log)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _source = source ?? throw new ArgumentNullException(nameof(source));
        ArgumentNullException.ThrowIfNull(log);
        _log = message => log(Cli.DisplayText.Clean(message)); // peers' names and messages reach it: nothing raw
        _time = options.Time;
        _ledger = new ChunkLedger(_time);
        _output = new OrderedOutput(output);
        _jobs = new LocalQueue<object?>(timeToRun: options.TimeToRun, timeProvider: _time);
        _jobs.LeaseReturned += OnLeaseReturned;
        _status = new RunStatus(options.TimeToRun, options.NumberTimeout);
        _intake = new ResultIntake(_ledger, _jobs, _output, _stats, _time, _log, options.Journal);
        Durability.ResumeState? resume = options.Resume;
        _feeder = new Feeder(source, _ledger, _jobs, options,
            resume is null ? null : id => id < resume.ChunksWritten || resume.Pending.ContainsKey(id));
        if (resume is not null)
        {
            _output.ResumeAt(resume.ChunksWritten, resume.LinesWritten);
            long numbers = System.Math.Min(resume.ChunksWritten * options.ChunkSize, source.Count) + resume.Pending.Values.Sum(d => (long)d.Numbers);
            _intake.Resumed(resume.ChunksWritten + resume.Pending.Count, numbers, resume.Failures.Concat(resume.Pending.Values.SelectMany(d => d.Failures)));
            foreach (Durability.DoneChunk done in resume.Pending.Values.OrderBy(d => d.Id))
            {
                _output.Complete(done.Id, done.Text); // written again from the journal, not recomputed
            }
        }
    }

    /// <summary>
    /// Runs to completion, or until <paramref name="cancellationToken"/> asks it to stop (then the
    /// outcome is <see cref="RunEnd.Stopped"/>, not an exception).
    /// </summary>
    public async Task<RunOutcome> RunAsync(CancellationToken cancellationToken)
    {
        await using var manager = new QueueManager(new ManagerServerOptions
        {
            AuthKey = Encoding.UTF8.GetBytes(_options.AuthKey),
            AllowRemoteShutdown = false,
            SessionClosed = OnSessionClosed,
            Log = _log,
        });
        manager.RegisterQueue(JobWire.JobQueue, new JobQueueShare(_jobs, _ledger, _status, OnTaken, _log));
        manager.RegisterQueue(JobWire.ResultQueue, new ResultSink(_intake, _log));
        manager.Register(JobWire.Status, (_, _) => _status);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Fill the queue before listening: the seed's Python workers quit at the first empty get.
        Task feeding = Task.Run(() => _feeder.RunAsync(stop.Token), stop.Token);
        await Task.WhenAny(_feeder.Primed, feeding).ConfigureAwait(false);
        IPEndPoint endPoint;
        try
        {
            endPoint = StartListening(manager);
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await IgnoreErrors(feeding).ConfigureAwait(false);
            throw;
        }
        _server = manager.Server;
        _log($"listening on {endPoint}; {_source.Count} numbers in {_feeder.ChunksTotal} chunks of {_options.ChunkSize}");

        WorkerSupervisor? local = StartLocalWorkers(endPoint.Port);
        Task<bool>? localRun = local?.RunAsync(stop.Token);
        var view = new ProgressView(Snapshot, _options, _log);
        using var viewStop = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        Task progress = view.RunAsync(viewStop.Token);
        Task housekeeping = HousekeepAsync(viewStop.Token);
        Task done = _output.WaitForWrittenAsync(_feeder.ChunksTotal, stop.Token);

        // The run ends when every chunk is written; it fails early if feeding throws or the
        // local workers give up (a fatal exit, or too many crashes).
        Task failed = Task.WhenAny(FailureOf(feeding, stop.Token), LocalFailureOf(localRun, stop.Token));
        if (await Task.WhenAny(done, failed).ConfigureAwait(false) != done || !done.IsCompletedSuccessfully)
        {
            await stop.CancelAsync().ConfigureAwait(false); // the feeder, the views, the local workers
            await Task.WhenAll(IgnoreErrors(feeding), IgnoreErrors(progress), IgnoreErrors(housekeeping), IgnoreErrors(localRun)).ConfigureAwait(false);
            _status.Stop(); // hand out nothing more; remote workers asking are told the server is stopping
            _jobs.DrainWaiters();
            view.Clear();
            if (cancellationToken.IsCancellationRequested)
            {
                await DrainAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false); // a moment for workers to hear it
                await manager.DisposeAsync().ConfigureAwait(false);
                _output.Close();
                Checkpoint(force: true);
                return new RunOutcome(RunEnd.Stopped, _output.LinesWritten, _source.Count);
            }
            await manager.DisposeAsync().ConfigureAwait(false);
            _output.Close();
            Checkpoint(force: true);
            if (feeding.IsFaulted)
            {
                throw feeding.Exception!.InnerException!;
            }
            _log("the local workers failed; stopping");
            return new RunOutcome(RunEnd.Failed, _output.LinesWritten, _source.Count);
        }
        await viewStop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(IgnoreErrors(progress), IgnoreErrors(housekeeping)).ConfigureAwait(false);
        view.Clear();
        _log("done: " + Snapshot().Format()); // while the workers are still connected to be counted
        _status.Finish();
        _jobs.DrainWaiters(); // workers blocked in get learn at once, ask the status, and leave
        await DrainAsync(_options.DrainTimeout).ConfigureAwait(false);
        local?.Finish(); // a local worker that never got connected (the run was that short) leaves now
        await manager.DisposeAsync().ConfigureAwait(false);
        _output.Close();
        Checkpoint(force: true);
        _options.Journal?.Finished();
        if (localRun is not null && await Task.WhenAny(localRun, Task.Delay(_options.DrainTimeout, _time, CancellationToken.None)).ConfigureAwait(false) != localRun)
        {
            local!.KillAll();
        }
        await stop.CancelAsync().ConfigureAwait(false);
        await IgnoreErrors(feeding).ConfigureAwait(false);
        Report();
        return new RunOutcome(_intake.Failures.Count == 0 ? RunEnd.Completed : RunEnd.Failed, _output.LinesWritten, _source.Count);
    }

    private IPEndPoint StartListening(QueueManager manager)
    {
        try
        {
            return manager.Start(new IPEndPoint(_options.Bind, _options.Port));
        }
        catch (SocketException e)
        {
            throw new IOException($"cannot listen on {_options.Bind}:{_options.Port}: {e.Message}", e);
        }
    }

    private WorkerSupervisor? StartLocalWorkers(int port)
    {
        if (_options.Procs <= 0)
        {
            return null;
        }
        Func<int, int, System.Diagnostics.ProcessStartInfo> describe = _options.DescribeLocalWorker
            ?? throw new InvalidOperationException("local workers need DescribeLocalWorker");
        _log($"starting {_options.Procs} local worker processes");
        return new WorkerSupervisor(_options.Procs, slot => describe(slot, port), _log);
    }

    /// <summary>Every interval: flush the finished lines, and hand out again chunks held too long by plain get.</summary>
    private async Task HousekeepAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.HousekeepingInterval, _time);
        using CancellationTokenRegistration stop = timer.DisposeOn(cancellationToken); // the run is ending
        while (await timer.WaitForNextTickAsync().ConfigureAwait(false))
        {
            Checkpoint(force: false);
            List<object?> overdue = _ledger.Overdue(_options.GetTimeToRun);
            foreach (object? item in overdue)
            {
                _jobs.Requeue(item);
            }
            if (overdue.Count > 0)
            {
                _log($"{overdue.Count} chunk(s) taken by plain get over {_options.GetTimeToRun.TotalSeconds:0} s ago; handed out again");
            }
            if (_options.NumberTimeout is { } limit)
            {
                // The worker stops at the limit itself; this catches time summed over attempts
                // that crashed or lost their lease, with a little grace for the worker's report.
                foreach ((ChunkLedger.Chunk chunk, System.Numerics.BigInteger number) in _ledger.OverBudget(limit + NumberTimeoutGrace))
                {
                    _intake.GiveUp(chunk, number, $"no result after {limit.TotalSeconds:0.###} s of work on it");
                }
            }
        }
    }

    /// <summary>
    /// Pushes the finished lines to the output file; in a durable run, then records in the journal
    /// what the file now holds (only after the lines reached the OS, or the disk under an fsync
    /// policy, so the journal never vouches for lines the file lacks), and compacts it when it has grown.
    /// </summary>
    private void Checkpoint(bool force)
    {
        if (_options.Journal is not { } journal)
        {
            _output.Flush();
            return;
        }
        (long chunks, long lines, long bytes) = _output.Checkpoint(toDisk: _options.Fsync != Factorizer.Managers.Durability.FsyncPolicy.Never);
        if (bytes >= 0 && (force || chunks != _lastCheckpoint))
        {
            journal.Checkpoint(chunks, lines, bytes);
            _lastCheckpoint = chunks;
        }
        journal.Sync(force);
        if (journal.WantsCompaction)
        {
            journal.Compact();
        }
    }

    private void OnLeaseReturned(object? sender, LeaseReturnedEventArgs<object?> e)
    {
        long? chunk = _ledger.LeaseEnded(e.LeaseId, released: e.Reason == LeaseReturnReason.Released);
        if (chunk is null)
        {
            return;
        }
        switch (e.Reason)
        {
            case LeaseReturnReason.Expired:
                _log($"chunk {chunk} (lease {e.LeaseId}, held by {e.Holder}) ran past its time-to-run of {_options.TimeToRun.TotalSeconds:0} s; back in the queue");
                break;
            case LeaseReturnReason.HolderGone:
                _log($"connection {e.Holder} closed holding chunk {chunk}; requeued");
                break;
        }
    }

    private void OnSessionClosed(SessionInfo session)
    {
        List<object?> held = _ledger.Release(session); // plain-get holders; the queue returns leased chunks itself
        foreach (object? item in held)
        {
            _jobs.Requeue(item);
        }
        if (held.Count > 0)
        {
            _log($"connection {session} closed holding {held.Count} unfinished chunk(s); requeued");
        }
        _sessionClosed.Release();
    }

    /// <summary>Gives connected workers up to <paramref name="timeout"/> to see the run is over and leave.</summary>
    private async Task DrainAsync(TimeSpan timeout)
    {
        long start = _time.GetTimestamp();
        while (_server!.CallSessions.Count > 0)
        {
            TimeSpan left = timeout - _time.GetElapsedTime(start);
            if (left <= TimeSpan.Zero)
            {
                break;
            }
            await _sessionClosed.WaitAsync(left).ConfigureAwait(false);
        }
    }

    /// <summary>Notes the first chunk handed out: rates count from there, not from start-up.</summary>
    private void OnTaken()
    {
        if (Interlocked.Read(ref _firstTaken) == 0)
        {
            Interlocked.CompareExchange(ref _firstTaken, _time.GetTimestamp(), 0);
        }
    }

    /// <summary>Where the run stands now.</summary>
    private ProgressSnapshot Snapshot()
    {
        IReadOnlyList<SessionInfo> sessions = _server?.CallSessions ?? [];
        TimeSpan working = Interlocked.Read(ref _firstTaken) is var first && first != 0 ? _time.GetElapsedTime(first) : TimeSpan.Zero;
        return new ProgressSnapshot(_intake.ChunksDone, _feeder.ChunksTotal, _intake.NumbersDone, _source.Count,
            working, sessions.Select(ClientStats.ClientOf).Distinct().Count(), sessions.Count)
        {
            Slow = _ledger.Slowest(3, SlowAfter),
        };
    }

    private void Report()
    {
        _log("per-client summary:\n" + _stats.Summary().TrimEnd());
        if (_intake.Strays > 0)
        {
            _log($"{_intake.Strays} result(s) matched no outstanding chunk and were dropped");
        }
        foreach (string failure in _intake.Failures)
        {
            _log(failure);
        }
    }

    /// <summary>Completes only if <paramref name="task"/> faults (normal completion is not an end).</summary>
    private static async Task FailureOf(Task task, CancellationToken stopping)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return;
        }
        await Task.Delay(Timeout.Infinite, stopping).ConfigureAwait(false); // until the run stops
    }

    /// <summary>Completes only if the local workers end without finishing.</summary>
    private static async Task LocalFailureOf(Task<bool>? localRun, CancellationToken stopping)
    {
        if (localRun is not null && !await localRun.ConfigureAwait(false))
        {
            return;
        }
        await Task.Delay(Timeout.Infinite, stopping).ConfigureAwait(false); // until the run stops
    }

    private static async Task IgnoreErrors(Task? task)
    {
        if (task is null)
        {
            return;
        }
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // Stopping: the task's outcome no longer matters.
        }
    }
}
