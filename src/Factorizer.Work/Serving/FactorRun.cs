using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Text;
using Factorizer.Managers;
using Factorizer.Managers.Queues;
using Factorizer.Managers.Server;
using Factorizer.Work.Jobs;
using Factorizer.Work.Supervision;

namespace Factorizer.Work.Serving;

/// <summary>
/// One factor-server run: serve the job and result queues, feed chunks between the watermarks,
/// verify results, write them in input order, show progress, and finish when every number is done.
/// A chunk held by a connection that closes before its result arrives goes back to the queue.
/// Cancelling the run stops it cleanly: no more chunks are handed out, workers are told the server
/// is stopping, local workers are stopped, and the finished in-order lines are written whole.
/// </summary>
public sealed class FactorRun
{
    /// <summary>A chunk whose results fail verification this many times is reported as failed.</summary>
    private const int MaxVerificationFailures = 3;

    private readonly FactorRunOptions _options;
    private readonly NumberSource _source;
    private readonly Action<string> _log;
    private readonly ChunkLedger _ledger = new();
    private readonly OrderedOutput _output;
    private readonly LocalQueue<object?> _jobs = new();
    private readonly RunStatus _status = new();
    private readonly ClientStats _stats = new();
    private readonly SemaphoreSlim _sessionClosed = new(0);
    private readonly List<string> _failures = [];
    private readonly TaskCompletionSource _primed = new(TaskCreationOptions.RunContinuationsAsynchronously); // first fill done
    private readonly TimeProvider _time;
    private long _firstTaken; // timestamp of the first chunk handed out (0: none yet); rates count from there
    private readonly long _chunksTotal;
    private long _chunksDone;
    private long _numbersDone;
    private ManagerServer? _server;

    /// <summary>Prepares a run over <paramref name="source"/>, writing lines to <paramref name="output"/>.</summary>
    public FactorRun(FactorRunOptions options, NumberSource source, TextWriter output, Action<string> log)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _output = new OrderedOutput(output);
        _log = message => log(Cli.DisplayText.Clean(message)); // peers' names and messages reach it: nothing raw
        _time = options.Time;
        _chunksTotal = (source.Count + options.ChunkSize - 1) / options.ChunkSize;
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
        manager.RegisterQueue(JobWire.JobQueue, new JobQueueShare(_jobs, _ledger, _status, OnTaken));
        manager.RegisterQueue(JobWire.ResultQueue, new ResultSink(Accept));
        manager.Register(JobWire.Status, (_, _) => _status);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Fill the queue before listening: the seed's Python workers quit at the first empty get.
        Task feeding = Task.Run(() => FeedAsync(stop.Token), stop.Token);
        await Task.WhenAny(_primed.Task, feeding).ConfigureAwait(false);
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
        _log($"listening on {endPoint}; {_source.Count} numbers in {_chunksTotal} chunks of {_options.ChunkSize}");

        WorkerSupervisor? local = StartLocalWorkers(endPoint.Port);
        Task<bool>? localRun = local?.RunAsync(stop.Token);
        using var progressStop = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        Task progress = ShowProgressAsync(progressStop.Token);
        Task done = _output.WaitForWrittenAsync(_chunksTotal, stop.Token);

        // The run ends when every chunk is written; it fails early if feeding throws or the
        // local workers give up (a fatal exit, or too many crashes).
        Task failed = Task.WhenAny(FailureOf(feeding, stop.Token), LocalFailureOf(localRun, stop.Token));
        if (await Task.WhenAny(done, failed).ConfigureAwait(false) != done || !done.IsCompletedSuccessfully)
        {
            await stop.CancelAsync().ConfigureAwait(false); // the feeder, the progress line, the local workers
            await Task.WhenAll(IgnoreErrors(feeding), IgnoreErrors(progress), IgnoreErrors(localRun)).ConfigureAwait(false);
            _status.Stop(); // hand out nothing more; remote workers asking are told the server is stopping
            _jobs.DrainWaiters();
            ClearProgressLine();
            if (cancellationToken.IsCancellationRequested)
            {
                await DrainAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false); // a moment for workers to hear it
                await manager.DisposeAsync().ConfigureAwait(false);
                _output.Close();
                return new RunOutcome(RunEnd.Stopped, _output.LinesWritten, _source.Count);
            }
            await manager.DisposeAsync().ConfigureAwait(false);
            _output.Close();
            if (feeding.IsFaulted)
            {
                throw feeding.Exception!.InnerException!;
            }
            _log("the local workers failed; stopping");
            return new RunOutcome(RunEnd.Failed, _output.LinesWritten, _source.Count);
        }
        await progressStop.CancelAsync().ConfigureAwait(false);
        await IgnoreErrors(progress).ConfigureAwait(false);
        ReportDone();
        _status.Finish();
        _jobs.DrainWaiters(); // workers blocked in get learn at once, ask the status, and leave
        await DrainAsync(_options.DrainTimeout).ConfigureAwait(false);
        await manager.DisposeAsync().ConfigureAwait(false);
        _output.Close();
        if (localRun is not null && await Task.WhenAny(localRun, Task.Delay(_options.DrainTimeout, CancellationToken.None)).ConfigureAwait(false) != localRun)
        {
            local!.KillAll();
        }
        await stop.CancelAsync().ConfigureAwait(false);
        await IgnoreErrors(progress).ConfigureAwait(false);
        await IgnoreErrors(feeding).ConfigureAwait(false);
        Report();
        return new RunOutcome(_failures.Count == 0 ? RunEnd.Completed : RunEnd.Failed, _output.LinesWritten, _source.Count);
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

    /// <summary>Cuts the input into chunks and keeps the job queue between the watermarks.</summary>
    private async Task FeedAsync(CancellationToken cancellationToken)
    {
        var chunk = new List<object?>(_options.ChunkSize);
        foreach (object number in _source.Read())
        {
            chunk.Add(number);
            if (chunk.Count == _options.ChunkSize)
            {
                await IssueAsync(chunk, cancellationToken).ConfigureAwait(false);
                chunk = new List<object?>(_options.ChunkSize);
            }
        }
        if (chunk.Count > 0)
        {
            await IssueAsync(chunk, cancellationToken).ConfigureAwait(false);
        }
        _primed.TrySetResult();
    }

    private async Task IssueAsync(List<object?> chunk, CancellationToken cancellationToken)
    {
        if (_jobs.Count >= _options.HighWatermark)
        {
            _primed.TrySetResult();
            await _jobs.WaitUntilCountAtMostAsync(_options.LowWatermark, cancellationToken).ConfigureAwait(false);
        }
        long ahead = _ledger.Issued - _options.Window;
        if (ahead >= 0)
        {
            await _output.WaitForWrittenAsync(ahead + 1, cancellationToken).ConfigureAwait(false);
        }
        _ledger.Issue(chunk);
        _jobs.TryPut(chunk);
    }

    /// <summary>
    /// Handles one result put: match it to its chunk, verify, write. Returns a refusal message only
    /// for a value that is not a result at all; duplicates and failed checks are handled here.
    /// </summary>
    private string? Accept(object? item, SessionInfo session)
    {
        string? signature = ResultCheck.Signature(item, out Dictionary<object, object?>? dict);
        if (signature is null)
        {
            return "a result must be a non-empty dict mapping each number to the list of its prime factors";
        }
        ChunkLedger.Chunk? chunk = _ledger.Match(signature, session);
        if (chunk is null)
        {
            return null; // a duplicate (the chunk was requeued and done twice) or a result for no chunk of ours
        }
        (Dictionary<BigInteger, string> lines, List<string> problems) = ResultCheck.Verify(dict!);
        if (chunk.Signature != signature)
        {
            problems.AddRange(ResultCheck.Coverage(chunk.Item, dict!));
        }
        if (problems.Count > 0)
        {
            int failures = _ledger.RecordFailure(chunk);
            _log($"result from {session} failed verification ({problems.Count} numbers), attempt {failures}: {problems[0]}");
            if (failures < MaxVerificationFailures)
            {
                _jobs.Requeue(chunk.Item);
                return null;
            }
            lock (_failures)
            {
                _failures.AddRange(problems);
            }
        }
        if (!_ledger.Complete(chunk))
        {
            return null;
        }
        var text = new StringBuilder();
        foreach (object? number in chunk.Item)
        {
            BigInteger n = number is long l ? l : (BigInteger)number!;
            if (lines.TryGetValue(n, out string? line))
            {
                text.Append(line).Append('\n');
            }
        }
        Interlocked.Increment(ref _chunksDone);
        Interlocked.Add(ref _numbersDone, chunk.Item.Count);
        _stats.Record(session, chunk.Item.Count, DateTimeOffset.UtcNow);
        _output.Complete(chunk.Index, text.ToString());
        return null;
    }

    private void OnSessionClosed(SessionInfo session)
    {
        List<object?> held = _ledger.Release(session);
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

    /// <summary>Time since the first chunk was handed out (zero before).</summary>
    private TimeSpan WorkTime() => Interlocked.Read(ref _firstTaken) is var first && first != 0 ? _time.GetElapsedTime(first) : TimeSpan.Zero;

    private ProgressSnapshot Snapshot(TimeSpan elapsed)
    {
        IReadOnlyList<SessionInfo> sessions = _server?.CallSessions ?? [];
        return new ProgressSnapshot(Interlocked.Read(ref _chunksDone), _chunksTotal, Interlocked.Read(ref _numbersDone), _source.Count,
            elapsed, sessions.Select(ClientStats.ClientOf).Distinct().Count(), sessions.Count);
    }

    private async Task ShowProgressAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.ProgressOnTerminal ? TimeSpan.FromMilliseconds(500) : _options.ProgressInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                string line = Snapshot(WorkTime()).Format();
                if (_options.ProgressOnTerminal)
                {
                    Console.Error.Write("\r" + line + "\u001b[K"); // one line, rewritten in place
                }
                else
                {
                    _log("progress: " + line);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped: the final line is the run's to print.
        }
    }

    /// <summary>The last progress line, while the workers are still connected to be counted.</summary>
    private void ReportDone()
    {
        ClearProgressLine();
        _log("done: " + Snapshot(WorkTime()).Format());
    }

    private void ClearProgressLine()
    {
        if (_options.ProgressOnTerminal)
        {
            Console.Error.Write("\r\u001b[K");
        }
    }

    private void Report()
    {
        _log("per-client summary:\n" + _stats.Summary().TrimEnd());
        foreach (string failure in _failures)
        {
            _log("FAILED " + failure);
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
