using Factorizer.Managers.Queues;
using Factorizer.Managers.Server;

namespace Factorizer.Work.Serving;

/// <summary>
/// The job queue as clients see it: a plain queue, but every take is noted in the ledger, and
/// nothing is handed out once the run is finished or stopping.
/// </summary>
internal sealed class JobQueueShare(LocalQueue<object?> queue, ChunkLedger ledger, RunStatus status, Action taken) : SharedQueue(queue)
{
    protected override async ValueTask<object?> GetAsync(SharedCall call, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (!status.IsRunning)
        {
            throw new QueueEmptyException();
        }
        object? item = await base.GetAsync(call, timeout, cancellationToken).ConfigureAwait(false);
        ledger.Taken(item, call.Caller);
        taken();
        return item;
    }

    /// <summary>The base class puts the item back; the ledger must then not count it as held too.</summary>
    public override ValueTask ReplyLostAsync(SharedCall call, object? result)
    {
        ArgumentNullException.ThrowIfNull(call);
        ledger.Untake(result, call.Caller);
        return base.ReplyLostAsync(call, result);
    }
}
