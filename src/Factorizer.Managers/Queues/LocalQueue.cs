namespace Factorizer.Managers.Queues;

/// <summary>
/// An in-process FIFO queue with <c>queue.Queue</c> semantics and async waiting: a blocked
/// <see cref="GetAsync"/> holds no thread, so thousands of remote clients can wait at once.
/// Thread-safe. Waiters are served in arrival order.
/// </summary>
public sealed class LocalQueue<T> : IQueue<T>
{
    // One lock guards every field below. Invariants: _getters is non-empty only while _items is
    // empty; _putters is non-empty only while the queue is full; _unfinished >= 0.
    private readonly Lock _gate = new();
    private readonly Queue<T> _items = new();
    private readonly Stack<T> _returned = new(); // requeued items, served before _items
    private readonly LinkedList<TaskCompletionSource<T>> _getters = new();
    private readonly LinkedList<(T Item, TaskCompletionSource Done)> _putters = new();
    private readonly List<(int Count, TaskCompletionSource Done)> _drainWaiters = [];
    private TaskCompletionSource? _allDone;
    private int _unfinished; // items put and not yet marked done (task_done)
    private bool _drained;   // set by DrainWaiters: gets on an empty queue fail at once from then on

    /// <summary>Makes a queue holding at most <paramref name="maxSize"/> items (0 or less: unbounded).</summary>
    public LocalQueue(int maxSize = 0) => MaxSize = Math.Max(0, maxSize);

    /// <summary>Capacity; 0 means unbounded.</summary>
    public int MaxSize { get; }

    /// <summary>Items in the queue now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return CountLocked;
            }
        }
    }

    /// <summary>True when the queue holds no item now.</summary>
    public bool IsEmpty => Count == 0;

    /// <summary>True when a bounded queue is at capacity.</summary>
    public bool IsFull
    {
        get
        {
            lock (_gate)
            {
                return IsFullLocked;
            }
        }
    }

    private int CountLocked => _items.Count + _returned.Count;

    private bool IsFullLocked => MaxSize > 0 && CountLocked >= MaxSize;

    /// <summary>Number of getters waiting now (for progress displays and tests).</summary>
    public int WaitingGetters
    {
        get
        {
            lock (_gate)
            {
                return _getters.Count;
            }
        }
    }

    /// <summary>Adds an item without waiting; false when a bounded queue is full.</summary>
    public bool TryPut(T item)
    {
        lock (_gate)
        {
            if (IsFullLocked)
            {
                return false;
            }
            AddLocked(item);
            return true;
        }
    }

    /// <summary>Removes the oldest item without waiting.</summary>
    public bool TryGet(out T item)
    {
        lock (_gate)
        {
            if (CountLocked == 0)
            {
                item = default!;
                return false;
            }
            item = TakeLocked();
            return true;
        }
    }

    public ValueTask PutAsync(T item, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ValidateTimeout(timeout);
        TaskCompletionSource done;
        LinkedListNode<(T, TaskCompletionSource)> node;
        lock (_gate)
        {
            if (!IsFullLocked)
            {
                AddLocked(item);
                return ValueTask.CompletedTask;
            }
            if (timeout == TimeSpan.Zero)
            {
                throw new QueueFullException();
            }
            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _putters.AddLast((item, done));
        }
        return new ValueTask(WaitAsync(done.Task, timeout, cancellationToken, () => RemovePutter(node), () => new QueueFullException()));
    }

    public ValueTask<T> GetAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ValidateTimeout(timeout);
        TaskCompletionSource<T> got;
        LinkedListNode<TaskCompletionSource<T>> node;
        lock (_gate)
        {
            if (CountLocked > 0)
            {
                return ValueTask.FromResult(TakeLocked());
            }
            if (timeout == TimeSpan.Zero || _drained)
            {
                throw new QueueEmptyException();
            }
            got = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _getters.AddLast(got);
        }
        return new ValueTask<T>(WaitAsync(got.Task, timeout, cancellationToken, () => RemoveGetter(node), () => new QueueEmptyException()));
    }

    public ValueTask<int> CountAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(Count);

    public ValueTask TaskDoneAsync(CancellationToken cancellationToken = default)
    {
        TaskCompletionSource? allDone = null;
        lock (_gate)
        {
            if (_unfinished <= 0)
            {
                throw new InvalidOperationException("task_done() called too many times");
            }
            if (--_unfinished == 0)
            {
                allDone = _allDone;
                _allDone = null;
            }
        }
        allDone?.TrySetResult();
        return ValueTask.CompletedTask;
    }

    public async ValueTask JoinAsync(CancellationToken cancellationToken = default)
    {
        Task wait;
        lock (_gate)
        {
            if (_unfinished == 0)
            {
                return;
            }
            _allDone ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            wait = _allDone.Task;
        }
        await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Completes when the queue holds at most <paramref name="count"/> items: a producer waits here
    /// to top the queue up between watermarks instead of polling.
    /// </summary>
    public Task WaitUntilCountAtMostAsync(int count, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (CountLocked <= count)
            {
                return Task.CompletedTask;
            }
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _drainWaiters.Add((count, done));
            return done.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Ends every wait for an item now and from now on: waiting getters, and later getters that find
    /// the queue empty, get <see cref="QueueEmptyException"/> at once instead of waiting out their
    /// timeout. Items still queued (and later puts) are served as usual. A producer calls this when
    /// it will put nothing more, so consumers polling with a timeout learn it without delay.
    /// </summary>
    public void DrainWaiters()
    {
        List<TaskCompletionSource<T>> waiting;
        lock (_gate)
        {
            _drained = true;
            waiting = [.. _getters];
            _getters.Clear();
        }
        foreach (TaskCompletionSource<T> getter in waiting)
        {
            getter.TrySetException(new QueueEmptyException());
        }
    }

    /// <summary>
    /// Puts back an item that was taken but never delivered, ahead of everything else, ignoring the
    /// size bound (it was already counted in the queue once).
    /// </summary>
    public void Requeue(T item)
    {
        lock (_gate)
        {
            while (_getters.First is { } first)
            {
                _getters.RemoveFirst();
                if (first.Value.TrySetResult(item))
                {
                    return;
                }
            }
            _returned.Push(item);
        }
    }

    private void AddLocked(T item)
    {
        _unfinished++;
        // Hand the item straight to the oldest waiting getter, if any; a getter whose wait was
        // cancelled has already removed itself under this lock, so TrySetResult cannot lose the item.
        while (_getters.First is { } first)
        {
            _getters.RemoveFirst();
            if (first.Value.TrySetResult(item))
            {
                return;
            }
        }
        _items.Enqueue(item);
    }

    private T TakeLocked()
    {
        // A requeued item frees room and lowers the count like any other: fall through to the
        // putter and drain-waiter bookkeeping below.
        T item = _returned.Count > 0 ? _returned.Pop() : _items.Dequeue();
        // Room was made: move the oldest blocked putter's item in.
        while (_putters.First is { } first && !IsFullLocked)
        {
            _putters.RemoveFirst();
            _items.Enqueue(first.Value.Item);
            _unfinished++;
            first.Value.Done.TrySetResult();
        }
        if (_drainWaiters.Count > 0)
        {
            for (int i = _drainWaiters.Count - 1; i >= 0; i--)
            {
                if (CountLocked <= _drainWaiters[i].Count)
                {
                    _drainWaiters[i].Done.TrySetResult();
                    _drainWaiters.RemoveAt(i);
                }
            }
        }
        return item;
    }

    private bool RemoveGetter(LinkedListNode<TaskCompletionSource<T>> node)
    {
        lock (_gate)
        {
            if (node.List is null)
            {
                return false; // already served
            }
            _getters.Remove(node);
            return true;
        }
    }

    private bool RemovePutter(LinkedListNode<(T, TaskCompletionSource)> node)
    {
        lock (_gate)
        {
            if (node.List is null)
            {
                return false;
            }
            _putters.Remove(node);
            return true;
        }
    }

    /// <summary>
    /// Waits for a getter/putter to be served, the timeout, or cancellation. On timeout or cancel the
    /// waiter removes itself under the lock; if it was served meanwhile, the result stands (nothing lost).
    /// </summary>
    private static async Task<TResult> WaitAsync<TResult>(Task<TResult> served, TimeSpan? timeout, CancellationToken cancellationToken, Func<bool> withdraw, Func<Exception> onTimeout)
    {
        try
        {
            return timeout is { } t
                ? await served.WaitAsync(t, cancellationToken).ConfigureAwait(false)
                : await served.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            if (!withdraw())
            {
                return await served.ConfigureAwait(false);
            }
            if (e is TimeoutException)
            {
                throw onTimeout();
            }
            throw;
        }
    }

    private static async Task WaitAsync(Task served, TimeSpan? timeout, CancellationToken cancellationToken, Func<bool> withdraw, Func<Exception> onTimeout)
    {
        await WaitAsync(served.ContinueWith(static t => { t.GetAwaiter().GetResult(); return true; }, TaskScheduler.Default), timeout, cancellationToken, withdraw, onTimeout).ConfigureAwait(false);
    }

    private static void ValidateTimeout(TimeSpan? timeout)
    {
        if (timeout is { } t && t < TimeSpan.Zero && t != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), "'timeout' must be a non-negative number");
        }
    }
}
