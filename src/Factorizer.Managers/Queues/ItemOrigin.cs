namespace Factorizer.Managers.Queues;

/// <summary>
/// Where an item entering the queue (or handed straight to a getter) comes from, as a journal sees it:
/// a new item (<see cref="Encoded"/>, its stored form; null when it has none) or one coming back from
/// lease <see cref="LeaseId"/> (above zero).
/// </summary>
internal readonly record struct ItemOrigin(byte[]? Encoded, long LeaseId)
{
    /// <summary>A new item: put, or requeued after its get's reply was lost.</summary>
    public static ItemOrigin New(byte[]? encoded) => new(encoded, 0);

    /// <summary>An item whose lease ended (released, expired, holder gone, delay ended).</summary>
    public static ItemOrigin FromLease(long leaseId) => new(null, leaseId);
}
