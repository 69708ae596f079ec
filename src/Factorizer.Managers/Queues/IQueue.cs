namespace Factorizer.Managers.Queues;

/// <summary>
/// A FIFO queue with <c>queue.Queue</c>'s surface, implemented both by the in-process
/// <see cref="LocalQueue{T}"/> and by a remote <see cref="Client.QueueProxy{T}"/>, so worker code does
/// not know or care where the queue lives. Timeouts: null waits forever, <see cref="TimeSpan.Zero"/>
/// does not wait. An empty queue at the deadline throws <see cref="QueueEmptyException"/>, a full one
/// <see cref="QueueFullException"/>, as <c>queue.Empty</c>/<c>queue.Full</c> do in Python.
/// </summary>
public interface IQueue<T>
{
    /// <summary>Adds an item, waiting up to <paramref name="timeout"/> for room in a bounded queue.</summary>
    ValueTask PutAsync(T item, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Removes and returns the oldest item, waiting up to <paramref name="timeout"/> for one.</summary>
    ValueTask<T> GetAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Number of items now (a snapshot).</summary>
    ValueTask<int> CountAsync(CancellationToken cancellationToken = default);

    /// <summary>Marks one earlier-got item as processed (<c>task_done</c>).</summary>
    ValueTask TaskDoneAsync(CancellationToken cancellationToken = default);

    /// <summary>Waits until every item put has been marked done (<c>join</c>).</summary>
    ValueTask JoinAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds an item; blocks while a bounded queue is full.</summary>
    void Put(T item, TimeSpan? timeout = null) => PutAsync(item, timeout).AsTask().GetAwaiter().GetResult();

    /// <summary>Adds an item without waiting; <see cref="QueueFullException"/> when full (<c>put_nowait</c>).</summary>
    void PutNowait(T item) => Put(item, TimeSpan.Zero);

    /// <summary>Removes and returns the oldest item, blocking until one arrives or the timeout passes.</summary>
    T Get(TimeSpan? timeout = null) => GetAsync(timeout).AsTask().GetAwaiter().GetResult();

    /// <summary>Removes and returns the oldest item; <see cref="QueueEmptyException"/> when empty (<c>get_nowait</c>).</summary>
    T GetNowait() => Get(TimeSpan.Zero);

    /// <summary>Removes the oldest item if there is one, without waiting.</summary>
    bool TryGet(out T item)
    {
        try
        {
            item = GetNowait();
            return true;
        }
        catch (QueueEmptyException)
        {
            item = default!;
            return false;
        }
    }

    /// <summary>Number of items now (<c>qsize</c>).</summary>
    int Count => CountAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>True when the queue holds no item now (<c>empty</c>).</summary>
    bool IsEmpty => Count == 0;
}
