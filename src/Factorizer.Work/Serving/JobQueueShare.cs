using Factorizer.Managers.Queues;
using Factorizer.Managers.Server;

namespace Factorizer.Work.Serving;

/// <summary>
/// The job queue as clients see it: a plain queue with leases, but every take is noted in the
/// ledger (a plain <c>get</c> by its session, a <c>reserve</c> by its lease), a queued copy of a
/// chunk done meanwhile is skipped, and nothing is handed out once the run is finished or stopping.
/// </summary>
internal sealed class JobQueueShare(LocalQueue<object?> queue, ChunkLedger ledger, RunStatus status, Action taken) : SharedQueue(queue)
{
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
        return base.ReplyLostAsync(call, result); // a lost reserve ends its lease: the ledger hears it through LeaseReturned
    }
}
