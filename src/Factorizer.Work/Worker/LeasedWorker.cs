using Factorizer.Managers.Client;
using Factorizer.Managers.Queues;
using Factorizer.Pickle;
using Factorizer.Work.Jobs;

namespace Factorizer.Work.Worker;

/// <summary>
/// A worker's drain of a server with leases (factor-server): chunks are reserved and reported as
/// <see cref="ChunkReport"/>s, each under its <see cref="LeaseHeartbeat"/>. While it factors a
/// chunk it already reserves the next (<see cref="PrefetchSlot"/>: at most one beyond the one in
/// work, reserved once the previous chunk's final report is in), and it puts a chunk's final report
/// while it factors the next, so no round trip separates two chunks. When a number runs long
/// (<see cref="HandBackWatch"/>), it hands back the chunk's unstarted numbers (<c>hand_back</c>)
/// and its prefetched chunk (<c>release</c>), so other workers take them; a server without
/// <c>hand_back</c>, or one that refuses, leaves the numbers to this worker. No job, however
/// malformed, stops it: it reports the error and goes on.
/// </summary>
internal sealed class LeasedWorker(WorkerOptions options, QueueProxy<object?> jobs, QueueProxy<object?> results, TimeSpan timeToRun, TimeSpan wait,
    CancellationToken cancellationToken) : IAsyncDisposable
{
    private static readonly Dictionary<string, object?> NoKwargs = [];

    private readonly TimeSpan _threshold = HandBackWatch.ThresholdFor(timeToRun);
    private volatile bool _packed = true;         // until the server says it has no reserve_packed
    private volatile bool _handBackServed = true; // until the server says it has no hand_back
    private volatile bool _leaving;               // the connection is being given up: nothing more to tell the server
    private PrefetchSlot? _prefetch;
    private Task _reporting = Task.CompletedTask; // the last final report's put

    /// <summary>The server's job queue has no <c>reserve</c> (nor <c>reserve_packed</c>).</summary>
    private sealed class NoReserveException : Exception;

    /// <summary>
    /// Works chunks until the queue stays empty for the wait (<see cref="QueueEmptyException"/>, once
    /// every report is in); false when the server turns out to have no <c>reserve</c> at all.
    /// </summary>
    public async Task<bool> RunAsync()
    {
        try
        {
            while (true)
            {
                PrefetchSlot? slot = _prefetch;
                _prefetch = null;
                LeasedChunk current = (slot is null ? null : await slot.TakeAsync().ConfigureAwait(false))
                    ?? await ReserveAsync().ConfigureAwait(false);
                Task reported = _reporting;
                // The next chunk is reserved once the last one's final report is in: at most one chunk
                // beyond the one in work, whatever the network does.
                _prefetch = slot = new PrefetchSlot(async () =>
                {
                    await reported.ConfigureAwait(false);
                    return await ReserveAsync().ConfigureAwait(false);
                }, GiveBackAsync);
                await WorkAsync(current, slot).ConfigureAwait(false);
                ChunkReport final = current.Progress.TakeRest(current.Lease.Id);
                WorkerLoop.LogErrors(options, final.Errors);
                await reported.ConfigureAwait(false);
                _reporting = results.PutAsync(final.ToWire(), cancellationToken: cancellationToken).AsTask();
            }
        }
        catch (NoReserveException)
        {
            return false;
        }
        catch (QueueEmptyException)
        {
            await _reporting.ConfigureAwait(false); // every report in before the worker asks whether the run is over
            throw;
        }
    }

    /// <summary>Gives up the prefetched chunk (the connection closing returns its lease) and waits for the last report.</summary>
    public async ValueTask DisposeAsync()
    {
        _leaving = true;
        if (_prefetch is { } slot)
        {
            _prefetch = null;
            await slot.AbandonAsync().ConfigureAwait(false);
        }
        try
        {
            await _reporting.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Seen by the worker's own flow already, or the server is gone: the chunk is requeued there.
        }
    }

    /// <summary>
    /// Factors the chunk number by number on this thread (the heartbeat and the watch run on timers),
    /// then stops its heartbeat, so the final report follows every partial one. A job that is not a
    /// list of ints gets a final report with its error, so the server stops handing it out.
    /// </summary>
    private async Task WorkAsync(LeasedChunk chunk, PrefetchSlot prefetch)
    {
        try
        {
            if (!TryJobItems(chunk.Lease.Item, out IReadOnlyList<object?> items, out WorkError? notAJob))
            {
                chunk.Progress.Add(notAJob!);
                return;
            }
            var cursor = new ChunkCursor([.. ChunkFactorizer.QuickFirstOrder(items)]);
            HandBackWatch watch = HandBackWatch.Start(options.Time, _threshold, cursor, () => HandBackAsync(chunk, cursor, prefetch));
            await using (watch.ConfigureAwait(false))
            {
                while (true)
                {
                    if (cursor.TryClaim(out int index, out Task? handingBack))
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        chunk.Progress.Add(index, ChunkFactorizer.FactorOne(items[index], options.FactorNumber));
                    }
                    else if (handingBack is not null)
                    {
                        await handingBack.ConfigureAwait(false); // refused numbers come back to the cursor
                    }
                    else
                    {
                        break;
                    }
                }
            }
        }
        finally
        {
            await chunk.Heartbeat.StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A number of <paramref name="chunk"/> runs long: the prefetched chunk goes back to the queue and
    /// the unstarted numbers to the server, which queues them for other workers. Never throws (it runs on
    /// the watch's timer); numbers the server does not take are this worker's again.
    /// </summary>
    private async Task HandBackAsync(LeasedChunk chunk, ChunkCursor cursor, PrefetchSlot prefetch)
    {
        int[] unstarted = cursor.TakeUnstarted();
        Task closing = prefetch.CloseAsync();
        if (unstarted.Length > 0)
        {
            bool taken = false;
            try
            {
                taken = await TryHandBackAsync(chunk.Lease.Id, unstarted).ConfigureAwait(false);
            }
            finally
            {
                cursor.EndHandBack(taken);
            }
        }
        await closing.ConfigureAwait(false);
    }

    /// <summary>Asks the server to take back the numbers at <paramref name="indexes"/>; true when it did.</summary>
    private async Task<bool> TryHandBackAsync(long leaseId, int[] indexes)
    {
        if (!_handBackServed || _leaving)
        {
            return false;
        }
        try
        {
            var list = new List<object?>(indexes.Length);
            foreach (int index in indexes)
            {
                list.Add((long)index);
            }
            await jobs.CallAsync(JobWire.HandBackMethod, new PyTuple(leaseId, list), NoKwargs, cancellationToken).ConfigureAwait(false);
            options.Log($"lease {leaseId}: a number has run over {_threshold.TotalSeconds:0.###} s; handed back {indexes.Length} unstarted number(s) for other workers");
            return true;
        }
        catch (RemoteException e) when (WorkerLoop.IsNotExposed(e))
        {
            _handBackServed = false; // an older factor-server: this worker does them itself
            return false;
        }
        catch (RemoteException e)
        {
            options.Log($"lease {leaseId}: the server did not take the unstarted numbers back ({e.RemoteType}: {e.RemoteMessage}); doing them here");
            return false;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false; // a lost server: the worker's own calls meet it and reconnect
        }
    }

    /// <summary>A prefetched chunk this worker will not start now: its heartbeat stops and its lease goes back to the queue.</summary>
    private async Task GiveBackAsync(LeasedChunk chunk)
    {
        try
        {
            await chunk.Heartbeat.StopAsync().ConfigureAwait(false);
            if (!_leaving)
            {
                await jobs.ReleaseAsync(chunk.Lease.Id, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Expired meanwhile (back in the queue already), or the server is gone (it requeues what the connection held).
        }
    }

    /// <summary>Reserves a chunk (packed while the server has <c>reserve_packed</c>) and starts its heartbeat.</summary>
    private async Task<LeasedChunk> ReserveAsync()
    {
        while (true)
        {
            bool packed = _packed;
            try
            {
                Lease<object?> lease = packed
                    ? await ReservePackedAsync().ConfigureAwait(false)
                    : await jobs.ReserveAsync(wait, cancellationToken: cancellationToken).ConfigureAwait(false);
                return LeasedChunk.Start(options, lease, packed, timeToRun,
                    (id, token) => jobs.TouchAsync(id, token),
                    (report, token) => results.PutAsync(report.ToWire(), cancellationToken: token).AsTask(),
                    cancellationToken);
            }
            catch (RemoteException e) when (WorkerLoop.IsNotExposed(e))
            {
                if (!packed)
                {
                    throw new NoReserveException();
                }
                _packed = false; // an older factor-server: lists and dict reports
            }
        }
    }

    /// <summary><c>reserve_packed</c>: a reserve whose chunk comes as a <see cref="PackedChunk"/> when it has that form.</summary>
    private async Task<Lease<object?>> ReservePackedAsync()
    {
        var kwargs = new Dictionary<string, object?> { ["timeout"] = wait.TotalSeconds };
        object? value = await jobs.CallAsync(JobWire.ReservePackedMethod, PyTuple.Empty, kwargs, cancellationToken).ConfigureAwait(false);
        if (value is not PyTuple { Count: 2 } pair || pair[0] is not long id)
        {
            throw new RemoteException(Managers.Wire.WireLiterals.Return, "ProtocolError", $"{JobWire.ReservePackedMethod} returned {PyRepr.Of(value, 80)}", null);
        }
        return new Lease<object?>(id, pair[1]);
    }

    /// <summary>A job's items: a packed chunk's numbers, or a list's items (<see cref="ChunkFactorizer.TryItems"/>).</summary>
    private static bool TryJobItems(object? job, out IReadOnlyList<object?> items, out WorkError? error)
    {
        if (job is not byte[] blob)
        {
            return ChunkFactorizer.TryItems(job, out items, out error);
        }
        try
        {
            items = PackedChunk.Unpack(blob);
            error = null;
            return true;
        }
        catch (InvalidDataException e)
        {
            items = [];
            error = new WorkError($"<{blob.Length} bytes>", ChunkFactorizer.InvalidDataType, e.Message, "");
            return false;
        }
    }
}
