namespace Factorizer.Managers.Queues;

/// <summary>The queue had no item within the timeout (Python's <c>queue.Empty</c>).</summary>
public sealed class QueueEmptyException : Exception
{
    public QueueEmptyException() : base("the queue is empty") { }

    public QueueEmptyException(string message) : base(message) { }

    public QueueEmptyException(string message, Exception inner) : base(message, inner) { }
}
