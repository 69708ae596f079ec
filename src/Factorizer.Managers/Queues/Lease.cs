namespace Factorizer.Managers.Queues;

/// <summary>
/// An item taken by <c>reserve</c>, held under lease <see cref="Id"/> until it is acked, released,
/// or its time-to-run passes (then it goes back to the front of the queue).
/// </summary>
/// <param name="Id">The lease id, unique within its queue; pass it to ack, release and touch.</param>
/// <param name="Item">The reserved item.</param>
public readonly record struct Lease<T>(long Id, T Item);
