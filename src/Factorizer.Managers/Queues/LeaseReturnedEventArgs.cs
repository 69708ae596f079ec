namespace Factorizer.Managers.Queues;

/// <summary>A leased item is back in its queue (see <see cref="LocalQueue{T}.LeaseReturned"/>).</summary>
public sealed class LeaseReturnedEventArgs<T> : EventArgs
{
    /// <summary>Describes one return.</summary>
    public LeaseReturnedEventArgs(long leaseId, T item, object? holder, LeaseReturnReason reason)
    {
        LeaseId = leaseId;
        Item = item;
        Holder = holder;
        Reason = reason;
    }

    /// <summary>The lease that ended.</summary>
    public long LeaseId { get; }

    /// <summary>The item, now queued again.</summary>
    public T Item { get; }

    /// <summary>Who held it (for a remote caller, its <see cref="Server.SessionInfo"/>), or null.</summary>
    public object? Holder { get; }

    /// <summary>Why it came back.</summary>
    public LeaseReturnReason Reason { get; }
}
