using Factorizer.Managers.Auth;
using Factorizer.Managers.Client;
using Factorizer.Managers.Queues;
using Factorizer.Pickle;
using Factorizer.Work.Jobs;

namespace Factorizer.Work.Worker;

/// <summary>
/// One worker: connect, take chunks from the job queue, factor them, put results, until the
/// work is finished. Against a server that tells its lease time-to-run (factor-server), chunks are
/// reserved and reported as <see cref="ChunkReport"/>s under a <see cref="LeaseHeartbeat"/>, the
/// next one prefetched and the unstarted numbers handed back when one runs long (<see cref="LeasedWorker"/>);
/// otherwise (the seed's Python server, an older factor-server) taken with <c>get</c> and answered
/// with bare result dicts. No job, however malformed, and no number the factorizer fails on stops
/// a worker: it reports or logs the error and goes on. Against factor-server, "finished" is its status object's word; against the
/// seed's Python server (which has none) it is the seed's rule: the job queue is empty.
/// When the server goes away or says it is stopping, the worker reconnects with back-off for up to
/// <see cref="WorkerOptions.ReconnectFor"/>, so a restarted server picks it up; the chunk it held is
/// requeued by the server.
/// </summary>
public static class WorkerLoop
{
    /// <summary>Exit code of a worker that finished its work.</summary>
    public const int Finished = 0;

    /// <summary>Exit code of a worker that cannot go on (wrong key, server gone for good): not restarted.</summary>
    public const int Fatal = 1;

    /// <summary>Runs until finished; returns <see cref="Finished"/> or <see cref="Fatal"/>.</summary>
    public static async Task<int> RunAsync(WorkerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        string where = $"{options.Host}:{options.Port}";
        DateTime? lostSince = null;
        TimeSpan backoff = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                return await DrainAsync(options, () =>
                {
                    lostSince = null;
                    backoff = TimeSpan.FromMilliseconds(200);
                    options.Connected();
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (ManagerAuthenticationException e)
            {
                options.Log(Cli.ErrorText.Describe(e, where));
                return Fatal;
            }
            catch (Exception e) when (e is IOException && !cancellationToken.IsCancellationRequested)
            {
                if (lostSince is null && e is ServerStoppingException)
                {
                    options.Log($"the server at {where} is stopping; reconnecting for up to {options.ReconnectFor.TotalSeconds:0} s");
                }
                lostSince ??= DateTime.UtcNow;
                if (DateTime.UtcNow - lostSince > options.ReconnectFor)
                {
                    options.Log($"{Cli.ErrorText.Describe(e, where)} (gave up after {options.ReconnectFor.TotalSeconds:0} s)");
                    return Fatal;
                }
                await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(System.Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private static async Task<int> DrainAsync(WorkerOptions options, Action connected, CancellationToken cancellationToken)
    {
        var clientOptions = new ManagerClientOptions
        {
            Host = options.Host,
            Port = options.Port,
            AuthKey = options.AuthKey,
            ConnectionName = options.ConnectionName,
        };
        await using ManagerClient client = await ManagerClient.ConnectAsync(clientOptions, cancellationToken).ConfigureAwait(false);
        ServerHandles handles = await ServerHandles.OpenAsync(client, cancellationToken).ConfigureAwait(false); // given back in the finally below
        LeasedWorker? leased = null; // the drain under leases, kept across empty-queue checks (it holds the prefetched chunk)
        try
        {
            (QueueProxy<object?> jobs, QueueProxy<object?> results, string? statusId) = (handles.Jobs, handles.Results, handles.StatusId);
            // Leases only with a server that says its time-to-run (and so reads ChunkReports); the seed's
            // Python server and older factor-servers get the seed's get and bare dicts. Decided once per
            // connection: a restarted server may be another one.
            TimeSpan? timeToRun = statusId is null ? null : await TimeToRunAsync(client, statusId, cancellationToken).ConfigureAwait(false);
            TimeSpan? numberTimeout = statusId is null ? null : await SecondsAsync(client, statusId, JobWire.NumberTimeoutMethod, cancellationToken).ConfigureAwait(false);
            WorkerOptions work = numberTimeout is { } limit ? options with { FactorNumber = ChunkFactorizer.Within(limit) } : options;
            // Without a status object (a Python server) an empty queue means the end, the seed's rule,
            // so a long wait would only delay the exit; a short grace covers a server between two puts.
            TimeSpan wait = statusId is null ? TimeSpan.FromMilliseconds(200) : options.PollInterval;
            connected();
            while (true)
            {
                try
                {
                    if (timeToRun is { } ttr)
                    {
                        leased ??= new LeasedWorker(work, jobs, results, ttr, wait, cancellationToken);
                        if (!await leased.RunAsync().ConfigureAwait(false))
                        {
                            options.Log("the server's job queue has no reserve; taking chunks with get");
                            timeToRun = null;
                        }
                    }
                    else
                    {
                        object? chunk = await jobs.GetAsync(wait, cancellationToken).ConfigureAwait(false);
                        await WorkBareAsync(work, results, chunk, cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (QueueEmptyException)
                {
                    string phase = statusId is null ? JobWire.PhaseFinished : await PhaseAsync(client, statusId, cancellationToken).ConfigureAwait(false);
                    if (phase == JobWire.PhaseFinished)
                    {
                        return Finished;
                    }
                    if (phase == JobWire.PhaseStopping)
                    {
                        throw new ServerStoppingException();
                    }
                }
            }
        }
        finally
        {
            if (leased is not null)
            {
                await leased.DisposeAsync().ConfigureAwait(false);
            }
            await handles.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The seed's way, for servers without leases: factor the chunk and put a bare result dict. Such
    /// a server has no word for errors, so they are logged; a job that is not a list is skipped.
    /// </summary>
    private static async Task WorkBareAsync(WorkerOptions options, QueueProxy<object?> results, object? chunk, CancellationToken cancellationToken)
    {
        if (!ChunkFactorizer.TryItems(chunk, out IReadOnlyList<object?> items, out WorkError? notAJob))
        {
            LogErrors(options, [notAJob!]);
            return;
        }
        var done = new Dictionary<object, object?>(PyEqualityComparer.Instance);
        var errors = new List<WorkError>();
        foreach (object? item in ChunkFactorizer.QuickFirst(items))
        {
            cancellationToken.ThrowIfCancellationRequested();
            NumberOutcome outcome = ChunkFactorizer.FactorOne(item, options.FactorNumber);
            if (outcome.Error is { } error)
            {
                errors.Add(error);
            }
            else
            {
                done[outcome.Number!] = outcome.Factors;
            }
        }
        LogErrors(options, errors);
        // What was done is worth handing in; a chunk of nothing but bad items has nothing to say.
        if (done.Count > 0 || errors.Count == 0)
        {
            await results.PutAsync(done, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    internal static void LogErrors(WorkerOptions options, IReadOnlyList<WorkError> errors)
    {
        foreach (WorkError error in errors)
        {
            options.Log(error.Type == ChunkFactorizer.InvalidDataType
                ? $"skipped a bad job: {error.Message}"
                : $"failed on {error.Subject}: {error.Type}: {error.Message}");
        }
    }

    /// <summary>
    /// The status's <c>time_to_run</c> (seconds, a float), or null when the server is older than it
    /// (no such method) or answers something that is not a usable duration.
    /// </summary>
    private static Task<TimeSpan?> TimeToRunAsync(ManagerClient client, string statusId, CancellationToken cancellationToken) =>
        SecondsAsync(client, statusId, JobWire.TimeToRunMethod, cancellationToken);

    /// <summary>A status method's answer in seconds, or null when the server lacks it or answers no usable duration (None, say).</summary>
    private static async Task<TimeSpan?> SecondsAsync(ManagerClient client, string statusId, string method, CancellationToken cancellationToken)
    {
        object? answer;
        try
        {
            answer = await client.CallAsync(statusId, method, PyTuple.Empty, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RemoteException)
        {
            return null;
        }
        double seconds = answer switch
        {
            double d => d,
            long l => l,
            _ => double.NaN,
        };
        // NaN fails the first test; a year bounds what TimeSpan and timers take.
        return seconds > 0 && seconds <= 365 * 86400 ? TimeSpan.FromSeconds(seconds) : null;
    }

    /// <summary>A call of a method the object does not expose (CPython's and our servers' AttributeError).</summary>
    internal static bool IsNotExposed(RemoteException e) =>
        e.RemoteType is "AttributeError" or "builtins.AttributeError";

    /// <summary>The run's phase; a server older than the <c>phase</c> method only knows finished or not.</summary>
    private static async Task<string> PhaseAsync(ManagerClient client, string statusId, CancellationToken cancellationToken)
    {
        try
        {
            return await client.CallAsync(statusId, JobWire.PhaseMethod, PyTuple.Empty, cancellationToken: cancellationToken).ConfigureAwait(false) as string
                ?? JobWire.PhaseRunning;
        }
        catch (RemoteException)
        {
            bool finished = await client.CallAsync(statusId, JobWire.IsFinishedMethod, PyTuple.Empty, cancellationToken: cancellationToken).ConfigureAwait(false) is true;
            return finished ? JobWire.PhaseFinished : JobWire.PhaseRunning;
        }
    }
}
