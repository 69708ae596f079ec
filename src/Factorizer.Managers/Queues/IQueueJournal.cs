namespace Factorizer.Managers.Queues;

/// <summary>
/// What a <see cref="LocalQueue{T}"/> tells a journal that keeps it durable (the
/// <see cref="Durability.DurableQueue"/>): every change to which items it holds, in order.
/// </summary>
/// <remarks>
/// Every call but <see cref="Encode"/> and <see cref="Acked"/> is made under the queue's lock, so the
/// journal sees changes in the queue's own order; the journal must not call back into the queue.
/// A lease id reaches the journal before the lease is visible to anyone who could ack it. None of the
/// calls under the lock may throw: a journal that cannot write says so through <see cref="Encode"/>.
/// </remarks>
internal interface IQueueJournal<T>
{
    /// <summary>
    /// Outside the queue's lock, before a new item is added: its stored form. Throws, when
    /// <paramref name="orThrow"/>, if the item cannot be stored (and the put fails, nothing changed);
    /// otherwise returns null for such an item.
    /// </summary>
    byte[]? Encode(T item, bool orThrow);

    /// <summary>An item joined the queue: at the back (a put) or at the front (a requeue, a lease's return).</summary>
    void Queued(ItemOrigin origin, bool atFront);

    /// <summary>The front item left the queue: to a get (<paramref name="leaseId"/> 0, gone) or under a new lease.</summary>
    void Dequeued(long leaseId);

    /// <summary>An item went straight to a waiting getter without being queued (<paramref name="leaseId"/> 0: a get).</summary>
    void Handed(ItemOrigin origin, long leaseId);

    /// <summary>A lease was acked: its item is gone. Called outside the queue's lock.</summary>
    void Acked(long leaseId);
}
