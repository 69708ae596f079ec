namespace Factorizer.Managers.Queues;

/// <summary>A bounded queue had no room within the timeout (Python's <c>queue.Full</c>).</summary>
public sealed class QueueFullException : Exception
{
    public QueueFullException() : base("the queue is full") { }

    public QueueFullException(string message) : base(message) { }

    public QueueFullException(string message, Exception inner) : base(message, inner) { }
}
