using Factorizer.Managers.Queues;
using Factorizer.Managers.Server;
using Factorizer.Pickle;
using Factorizer.Work.Jobs;

namespace Factorizer.Work.Serving;

/// <summary>
/// The job queue as clients see it: a plain queue with leases, but every take is noted in the
/// ledger (a plain <c>get</c> by its session, a <c>reserve</c> by its lease), a queued copy of a
/// chunk done meanwhile is skipped, and nothing is handed out once the run is finished or stopping.
/// Our workers call <see cref="JobWire.ReservePackedMethod"/>: a reserve whose chunk comes packed.
/// </summary>
internal sealed class JobQueueShare(LocalQueue<object?> queue, ChunkLedger ledger, RunStatus status, Action taken) : SharedQueue(queue)
{
    private const string Reserve = "reserve";

    private string[]? _methods;

    public override IReadOnlyList<string> ExposedMethods => _methods ??= [.. base.ExposedMethods, JobWire.ReservePackedMethod];

    public override async ValueTask<object?> InvokeAsync(SharedCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        switch (call.Method)
        {
            case JobWire.ReservePackedMethod:
                // The same call as reserve (arguments, errors, lease), with the chunk in its packed form.
                object? reply = await base.InvokeAsync(call with { Method = Reserve }, cancellationToken).ConfigureAwait(false);
                return reply is PyTuple { Count: 2 } pair && ledger.PackedJob(pair[1]) is { } packed ? new PyTuple(pair[0], packed) : reply;
            case Reserve:
                object? listed = await base.InvokeAsync(call, cancellationToken).ConfigureAwait(false);
                ledger.HandedAsList(listed is PyTuple { Count: 2 } reserved ? reserved[1] : null); // a peer that may answer with a bare dict
                return listed;
            default:
                return await base.InvokeAsync(call, cancellationToken).ConfigureAwait(false);
        }
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
