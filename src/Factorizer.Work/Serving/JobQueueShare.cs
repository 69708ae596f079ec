using Factorizer.Managers.Queues;
using Factorizer.Managers.Server;
using Factorizer.Pickle;
using Factorizer.Work.Jobs;

namespace Factorizer.Work.Serving;

/// <summary>
/// The job queue as clients see it: a plain queue with leases, but every take is noted in the
/// ledger (a plain <c>get</c> by its session, a <c>reserve</c> by its lease), a queued copy of a
/// chunk done meanwhile is skipped, and nothing is handed out once the run is finished or stopping.
/// Our workers call <see cref="JobWire.ReservePackedMethod"/>: a reserve whose chunk comes packed;
/// and <see cref="JobWire.HandBackMethod"/> to give back the unstarted numbers of a chunk whose
/// number runs long.
/// </summary>
internal sealed class JobQueueShare(LocalQueue<object?> queue, ChunkLedger ledger, RunStatus status, Action taken, Action<string>? log = null) : SharedQueue(queue)
{
    private const string Reserve = "reserve";

    /// <summary>Most indexes one hand_back takes (a chunk is never larger than a job can be).</summary>
    private const int MaxHandBack = 1 << 20;

    private string[]? _methods;

    public override IReadOnlyList<string> ExposedMethods => _methods ??= [.. base.ExposedMethods, JobWire.ReservePackedMethod, JobWire.HandBackMethod];

    public override async ValueTask<object?> InvokeAsync(SharedCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        switch (call.Method)
        {
            case JobWire.ReservePackedMethod:
                // The same call as reserve (arguments, errors, lease), with the chunk in its packed form.
                object? reply = await base.InvokeAsync(call with { Method = Reserve }, cancellationToken).ConfigureAwait(false);
                return reply is PyTuple { Count: 2 } pair && ledger.PackedJob(pair[1]) is { } packed ? new PyTuple(pair[0], packed) : reply;
            case JobWire.HandBackMethod:
                return HandBack(call);
            case Reserve:
                object? listed = await base.InvokeAsync(call, cancellationToken).ConfigureAwait(false);
                ledger.HandedAsList(listed is PyTuple { Count: 2 } reserved ? reserved[1] : null); // a peer that may answer with a bare dict
                return listed;
            default:
                return await base.InvokeAsync(call, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <c>hand_back(lease_id, indexes)</c>: the numbers become a piece of the chunk, queued at the
    /// front for any worker (ours get it packed, the seed's as a list). Refusals leave everything as it was.
    /// </summary>
    private long HandBack(SharedCall call)
    {
        call.CheckArity("lease_id", "indexes");
        object? leaseArg = call.Arg(0, "lease_id", null);
        object? indexArg = call.Arg(1, "indexes", null);
        if (leaseArg is not long leaseId)
        {
            throw PythonErrorException.TypeError($"{JobWire.HandBackMethod}() lease_id must be an int, not {PyRepr.Of(leaseArg, 40)}");
        }
        if (indexArg is not List<object?> list)
        {
            throw PythonErrorException.TypeError($"{JobWire.HandBackMethod}() indexes must be a list of ints, not {PyRepr.Of(indexArg, 40)}");
        }
        if (list.Count > MaxHandBack)
        {
            throw PythonErrorException.ValueError($"{JobWire.HandBackMethod}() takes at most {MaxHandBack} indexes, not {list.Count}");
        }
        var indexes = new List<long>(list.Count);
        foreach (object? index in list)
        {
            indexes.Add(index is long i ? i : throw PythonErrorException.TypeError($"{JobWire.HandBackMethod}() indexes must be ints, not {PyRepr.Of(index, 40)}"));
        }
        ChunkLedger.Chunk piece;
        try
        {
            piece = ledger.HandBack(leaseId, indexes);
        }
        catch (KeyNotFoundException e)
        {
            throw new PythonErrorException(PyException.Builtin("KeyError", e.Message));
        }
        catch (ArgumentException e)
        {
            throw PythonErrorException.ValueError(e.Message);
        }
        Queue.Requeue(piece.Item);
        log?.Invoke($"chunk {piece.Id}: {call.Caller} handed back {indexes.Count} unstarted number(s) (one of its numbers runs long); queued for another worker");
        return indexes.Count;
    }

    protected override async ValueTask<object?> GetAsync(SharedCall call, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!status.IsRunning)
            {
                throw new QueueEmptyException();
            }
            object? item = await base.GetAsync(call, timeout, cancellationToken).ConfigureAwait(false);
            if (ledger.ForgetStale(item))
            {
                continue;
            }
            ledger.Taken(item, call.Caller);
            taken();
            return item;
        }
    }

    protected override async ValueTask<Lease<object?>> ReserveAsync(SharedCall call, TimeSpan? timeout, TimeSpan? timeToRun, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (!status.IsRunning)
            {
                throw new QueueEmptyException();
            }
            Lease<object?> lease = await base.ReserveAsync(call, timeout, timeToRun, cancellationToken).ConfigureAwait(false);
            if (ledger.ForgetStale(lease.Item))
            {
                Queue.Ack(lease.Id);
                continue;
            }
            ledger.Reserved(lease.Item, lease.Id);
            taken();
            return lease;
        }
    }

    /// <summary>The base class puts the item back; the ledger must then not count it as held too.</summary>
    public override ValueTask ReplyLostAsync(SharedCall call, object? result)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.Method is "get" or "get_nowait")
        {
            ledger.Untake(result, call.Caller);
        }
        // A lost reserve ends its lease (the reply's first item is the lease id in both forms): the
        // ledger hears it through LeaseReturned.
        return base.ReplyLostAsync(call.Method == JobWire.ReservePackedMethod ? call with { Method = Reserve } : call, result);
    }
}
