using Factorizer.Managers.Auth;
using Factorizer.Managers.Client;
using Factorizer.Managers.Queues;
using Factorizer.Pickle;
using Factorizer.Work.Jobs;

namespace Factorizer.Work.Worker;

/// <summary>
/// One worker: connect, take chunks from the job queue, factor them, put result dicts, until the
/// work is finished. Against factor-server, "finished" is its status object's word; against the
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
                return await DrainAsync(options, () => { lostSince = null; backoff = TimeSpan.FromMilliseconds(200); }, cancellationToken).ConfigureAwait(false);
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
        await using QueueProxy<object?> jobs = await client.GetQueueAsync<object?>(JobWire.JobQueue, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using QueueProxy<object?> results = await client.GetQueueAsync<object?>(JobWire.ResultQueue, cancellationToken: cancellationToken).ConfigureAwait(false);
        string? statusId = await FindStatusAsync(client, cancellationToken).ConfigureAwait(false);
        // Without a status object (a Python server) an empty queue means the end, the seed's rule,
        // so a long wait would only delay the exit; a short grace covers a server between two puts.
        TimeSpan wait = statusId is null ? TimeSpan.FromMilliseconds(200) : options.PollInterval;
        connected();
        try
        {
            while (true)
            {
                object? chunk;
                try
                {
                    chunk = await jobs.GetAsync(wait, cancellationToken).ConfigureAwait(false);
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
                    continue;
                }
                Dictionary<object, object?> result = ChunkFactorizer.Factor(chunk);
                await results.PutAsync(result, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (statusId is not null)
            {
                await ReleaseAsync(client, statusId).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The status object's ident, or null when the server has none (a Python server).</summary>
    private static async Task<string?> FindStatusAsync(ManagerClient client, CancellationToken cancellationToken)
    {
        try
        {
            (Managers.Wire.Token token, _) = await client.CreateAsync(JobWire.Status, [], cancellationToken).ConfigureAwait(false);
            return token.Id;
        }
        catch (RemoteException)
        {
            return null;
        }
    }

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

    private static async Task ReleaseAsync(ManagerClient client, string ident)
    {
        try
        {
            await client.DecRefAsync(ident).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or RemoteException or ManagerAuthenticationException)
        {
            // The server is gone or finishing: nothing left to release.
        }
    }
}
