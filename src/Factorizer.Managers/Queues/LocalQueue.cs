namespace Factorizer.Managers.Queues;

/// <summary>
/// An in-process FIFO queue with <c>queue.Queue</c> semantics and async waiting: a blocked
/// <see cref="GetAsync"/> holds no thread, so thousands of remote clients can wait at once.
/// Thread-safe. Waiters are served in arrival order.
/// </summary>
/// <remarks>
/// Besides <c>queue.Queue</c>'s get, items can be taken under a lease (<see cref="ReserveAsync"/>,
/// beanstalkd's reserve): the item stays owed to the queue until <see cref="Ack"/>; a
/// <see cref="Release"/>, a lapsed time-to-run or a departed holder (<see cref="ReleaseHeldBy"/>)
/// puts it back at the front. Every timeout and time-to-run runs on <see cref="TimeProvider"/>.
/// </remarks>
public sealed class LocalQueue<T> : IQueue<T>
{
    // One lock guards every field below. Invariants: _getters is non-empty only while _items is
    // empty; _putters is non-empty only while the queue is full; _unfinished >= 0.
    private readonly Lock _gate = new();
    private readonly Queue<T> _items = new();
    private readonly Stack<T> _returned = new(); // requeued items, served before _items
    private readonly LinkedList<TaskCompletionSource<T>> _getters = new();
    private readonly LinkedList<(T Item, byte[]? Encoded, TaskCompletionSource Done)> _putters = new();
    private readonly List<(int Count, TaskCompletionSource Done)> _drainWaiters = [];
    private TaskCompletionSource? _allDone;
    private int _unfinished; // items put and not yet marked done (task_done)
    private bool _drained;   // set by DrainWaiters: gets on an empty queue fail at once from then on

    // Leased and delayed items live in their own table, under its own lock; it hands items back
    // through ReturnLease, outside its lock (see LeaseTable). Leases are added under _gate (the
    // table's lock nests inside the queue's, never the other way round), so a reserved item is
    // never in neither place.
    private readonly LeaseTable<T> _leases;

    // Set once, under _gate, before the queue is shared (AttachJournal); null for a plain queue, so
    // the hot path pays one null test per change.
    private IQueueJournal<T>? _journal;

    /// <summary>
    /// Makes a queue holding at most <paramref name="maxSize"/> items (0 or less: unbounded), whose
    /// leases last <paramref name="timeToRun"/> unless a reserve says otherwise (default 30 s), and
    /// whose timeouts run on <paramref name="timeProvider"/> (default <see cref="TimeProvider.System"/>).
    /// </summary>
    public LocalQueue(int maxSize = 0, TimeSpan? timeToRun = null, TimeProvider? timeProvider = null)
    {
        MaxSize = Math.Max(0, maxSize);
        DefaultTimeToRun = timeToRun ?? TimeSpan.FromSeconds(30);
        ValidateDuration(DefaultTimeToRun, nameof(timeToRun), positive: true);
        TimeProvider = timeProvider ?? TimeProvider.System;
        _leases = new LeaseTable<T>(TimeProvider,
            (id, item, holder) => ReturnLease(id, item, holder, LeaseReturnReason.Expired),
            (id, item, holder) => ReturnLease(id, item, holder, LeaseReturnReason.DelayEnded));
    }

    /// <summary>Capacity; 0 means unbounded.</summary>
    public int MaxSize { get; }

    /// <summary>How long a lease lasts when <see cref="ReserveAsync"/> names no time-to-run.</summary>
    public TimeSpan DefaultTimeToRun { get; }

    /// <summary>The clock behind timeouts, times-to-run and delayed releases.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Items reserved and not yet acked, released or expired.</summary>
    public int LeasedCount => _leases.Count;

    /// <summary>Released items waiting out their delay before they are queued again.</summary>
    public int DelayedCount => _leases.DelayedCount;

    /// <summary>
    /// Raised when a leased item goes back to the queue (released, expired, holder gone, delay ended),
    /// after it is queued again; not for an ack. Runs on the thread that returned it (a timer's, for
    /// expiry and delays). A handler that throws is ignored, so it cannot lose the item or a timer thread.
    /// </summary>
    public event EventHandler<LeaseReturnedEventArgs<T>>? LeaseReturned;

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
        byte[]? encoded = _journal?.Encode(item, orThrow: true); // outside the lock: pickling is the slow part
        lock (_gate)
        {
            if (IsFullLocked)
            {
                return false;
            }
            AddLocked(item, encoded);
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
            item = TakeLocked(null, out _);
            return true;
        }
    }

    public ValueTask PutAsync(T item, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ValidateTimeout(timeout);
        byte[]? encoded = _journal?.Encode(item, orThrow: true); // before anything changes: a refused item fails the put
        TaskCompletionSource done;
        LinkedListNode<(T, byte[]?, TaskCompletionSource)> node;
        lock (_gate)
        {
            if (!IsFullLocked)
            {
                AddLocked(item, encoded);
                return ValueTask.CompletedTask;
            }
            if (timeout == TimeSpan.Zero)
            {
                throw new QueueFullException();
            }
            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _putters.AddLast((item, encoded, done));
        }
        return new ValueTask(WaitAsync(done.Task, timeout, TimeProvider, cancellationToken, () => RemovePutter(node), () => new QueueFullException()));
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
                return ValueTask.FromResult(TakeLocked(null, out _));
            }
            if (timeout == TimeSpan.Zero || _drained)
            {
                throw new QueueEmptyException();
            }
            got = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            node = _getters.AddLast(got);
        }
        return new ValueTask<T>(WaitAsync(got.Task, timeout, TimeProvider, cancellationToken, () => RemoveGetter(node), () => new QueueEmptyException()));
    }

    /// <summary>
    /// Takes the oldest item under a new lease (beanstalkd's reserve), waiting up to
    /// <paramref name="timeout"/> for one like <see cref="GetAsync"/>. The item comes back to the front
    /// of the queue unless it is acked within <paramref name="timeToRun"/> (default
    /// <see cref="DefaultTimeToRun"/>) of the reserve or of the last <see cref="Touch"/>.
    /// <paramref name="holder"/> (e.g. a connection; compared with Equals, so its hash must not change while
    /// it holds leases) lets <see cref="ReleaseHeldBy"/> return its leases at once.
    /// </summary>
    /// <exception cref="QueueEmptyException">No item within the timeout.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A time-to-run not above zero or over 49 days, or a negative timeout.</exception>
    public async ValueTask<Lease<T>> ReserveAsync(TimeSpan? timeout = null, TimeSpan? timeToRun = null, object? holder = null, CancellationToken cancellationToken = default)
    {
        TimeSpan ttr = timeToRun ?? DefaultTimeToRun;
        ValidateDuration(ttr, nameof(timeToRun), positive: true); // before anything is taken
        cancellationToken.ThrowIfCancellationRequested();
        ValidateTimeout(timeout);
        var waiter = new LeaseWaiter(holder, ttr);
        LinkedListNode<TaskCompletionSource<T>> node;
        lock (_gate)
        {
            if (CountLocked > 0)
            {
                T item = TakeLocked(waiter, out long leaseId);
                return new Lease<T>(leaseId, item);
            }
            if (timeout == TimeSpan.Zero || _drained)
            {
                throw new QueueEmptyException();
            }
            node = _getters.AddLast(waiter);
        }
        // The lease is made where the item is handed over (HandToGetterLocked), under the lock.
        T got = await WaitAsync(waiter.Task, timeout, TimeProvider, cancellationToken, () => RemoveGetter(node), () => new QueueEmptyException()).ConfigureAwait(false);
        return new Lease<T>(waiter.LeaseId, got);
    }

    /// <summary>Ends a lease: its item is done and gone.</summary>
    /// <exception cref="KeyNotFoundException">The lease is unknown, or already ended (acked, released, expired).</exception>
    public void Ack(long leaseId)
    {
        if (!_leases.TryRemove(leaseId, out _, out _))
        {
            throw UnknownLease(leaseId);
        }
        _journal?.Acked(leaseId);
    }

    /// <summary>
    /// Ends a lease and puts its item back at the front of the queue, at once or after
    /// <paramref name="delay"/> (at most 49 days); until then the item is in neither.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The lease is unknown or already ended.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative or too long delay.</exception>
    public void Release(long leaseId, TimeSpan delay = default)
    {
        ValidateDuration(delay, nameof(delay), positive: false);
        if (delay > TimeSpan.Zero)
        {
            if (!_leases.TryDefer(leaseId, delay))
            {
                throw UnknownLease(leaseId);
            }
            return;
        }
        if (!_leases.TryRemove(leaseId, out T item, out object? holder))
        {
            throw UnknownLease(leaseId);
        }
        ReturnLease(leaseId, item, holder, LeaseReturnReason.Released);
    }

    /// <summary>Restarts a lease's time-to-run from now (the holder is still working on it).</summary>
    /// <exception cref="KeyNotFoundException">The lease is unknown or already ended.</exception>
    public void Touch(long leaseId)
    {
        if (!_leases.Touch(leaseId))
        {
            throw UnknownLease(leaseId);
        }
    }

    /// <summary>
    /// Ends every lease <paramref name="holder"/> holds and puts the items back at the front, oldest
    /// lease first (a holder that went away). Returns how many came back.
    /// </summary>
    public int ReleaseHeldBy(object holder)
    {
        ArgumentNullException.ThrowIfNull(holder);
        List<Lease<T>> ended = _leases.RemoveHeldBy(holder);
        if (ended.Count == 0)
        {
            return 0;
        }
        lock (_gate)
        {
            // Waiting getters take the oldest first; the rest are stacked so the oldest is served next.
            var origins = new ItemOrigin[ended.Count];
            int served = 0;
            for (; served < ended.Count; served++)
            {
                origins[served] = ItemOrigin.FromLease(ended[served].Id);
                if (!HandToGetterLocked(ended[served].Item, ref origins[served]))
                {
                    break;
                }
            }
            for (int i = ended.Count - 1; i >= served; i--)
            {
                _journal?.Queued(i == served ? origins[i] : ItemOrigin.FromLease(ended[i].Id), atFront: true);
                _returned.Push(ended[i].Item);
            }
        }
        foreach (Lease<T> lease in ended)
        {
            OnLeaseReturned(new LeaseReturnedEventArgs<T>(lease.Id, lease.Item, holder, LeaseReturnReason.HolderGone));
        }
        return ended.Count;
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
    public void Requeue(T item) =>
        // It was in the queue once, so it can be stored; if not, it is requeued all the same (in memory only).
        RequeueCore(item, ItemOrigin.New(_journal?.Encode(item, orThrow: false)));

    /// <summary>
    /// Fills a new queue with items recovered from a journal, then lets <paramref name="journal"/> see
    /// every change from now on. Call it before the queue is shared.
    /// </summary>
    internal void AttachJournal(IQueueJournal<T> journal, IEnumerable<T> recovered)
    {
        lock (_gate)
        {
            if (_journal is not null)
            {
                throw new InvalidOperationException("the queue already has a journal");
            }
            foreach (T item in recovered)
            {
                // Past the size bound: they were all in the queue before.
                _items.Enqueue(item);
                _unfinished++;
            }
            _journal = journal;
        }
    }

    private void RequeueCore(T item, ItemOrigin origin)
    {
        lock (_gate)
        {
            if (!HandToGetterLocked(item, ref origin))
            {
                _journal?.Queued(origin, atFront: true);
                _returned.Push(item);
            }
        }
    }

    private void AddLocked(T item, byte[]? encoded)
    {
        _unfinished++;
        var origin = ItemOrigin.New(encoded);
        if (!HandToGetterLocked(item, ref origin))
        {
            _journal?.Queued(origin, atFront: false);
            _items.Enqueue(item);
        }
    }

    /// <summary>
    /// Hands an item straight to the oldest waiting getter, if any; a getter whose wait was cancelled
    /// has already removed itself under this lock, so TrySetResult cannot lose the item. A reserver
    /// gets its lease here. <paramref name="origin"/> is where the item came from, for the journal;
    /// when no getter takes it, it says where the item is now.
    /// </summary>
    private bool HandToGetterLocked(T item, ref ItemOrigin origin)
    {
        while (_getters.First is { } first)
        {
            _getters.RemoveFirst();
            if (first.Value is LeaseWaiter waiter)
            {
                waiter.LeaseId = _leases.Add(item, waiter.Holder, waiter.TimeToRun);
                // Journalled before the reserver learns the id, so an ack cannot overtake it.
                _journal?.Handed(origin, waiter.LeaseId);
                if (waiter.TrySetResult(item))
                {
                    return true;
                }
                _leases.TryRemove(waiter.LeaseId, out _, out _);
                origin = ItemOrigin.FromLease(waiter.LeaseId); // the journal holds it under that lease now
            }
            else if (first.Value.TrySetResult(item))
            {
                _journal?.Handed(origin, 0);
                return true;
            }
        }
        return false;
    }

    /// <summary>A leased item goes back to the front (it was counted in the queue once, so no size bound).</summary>
    private void ReturnLease(long leaseId, T item, object? holder, LeaseReturnReason reason)
    {
        RequeueCore(item, ItemOrigin.FromLease(leaseId));
        OnLeaseReturned(new LeaseReturnedEventArgs<T>(leaseId, item, holder, reason));
    }

    private void OnLeaseReturned(LeaseReturnedEventArgs<T> e)
    {
        try
        {
            LeaseReturned?.Invoke(this, e);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The item is already back; an observer's bug must not take a timer thread (or the process) down.
        }
    }

    private static KeyNotFoundException UnknownLease(long leaseId) => new($"lease {leaseId} is unknown or expired");

    /// <summary>Takes the front item, under a new lease for <paramref name="reserver"/> (else <paramref name="leaseId"/> is 0).</summary>
    private T TakeLocked(LeaseWaiter? reserver, out long leaseId)
    {
        // A requeued item frees room and lowers the count like any other: fall through to the
        // putter and drain-waiter bookkeeping below.
        T item = _returned.Count > 0 ? _returned.Pop() : _items.Dequeue();
        leaseId = reserver is null ? 0 : _leases.Add(item, reserver.Holder, reserver.TimeToRun);
        _journal?.Dequeued(leaseId);
        // Room was made: move the oldest blocked putter's item in.
        while (_putters.First is { } first && !IsFullLocked)
        {
            _putters.RemoveFirst();
            _journal?.Queued(ItemOrigin.New(first.Value.Encoded), atFront: false);
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

    private bool RemovePutter(LinkedListNode<(T, byte[]?, TaskCompletionSource)> node)
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
    private static async Task<TResult> WaitAsync<TResult>(Task<TResult> served, TimeSpan? timeout, TimeProvider time, CancellationToken cancellationToken, Func<bool> withdraw, Func<Exception> onTimeout)
    {
        try
        {
            // A timeout past what a timer can take (about 49.7 days) is as good as none.
            return timeout is { } t && t != Timeout.InfiniteTimeSpan && t <= LeaseTable<T>.MaxDuration
                ? await served.WaitAsync(t, time, cancellationToken).ConfigureAwait(false)
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

    private static async Task WaitAsync(Task served, TimeSpan? timeout, TimeProvider time, CancellationToken cancellationToken, Func<bool> withdraw, Func<Exception> onTimeout)
    {
        await WaitAsync(served.ContinueWith(static t => { t.GetAwaiter().GetResult(); return true; }, TaskScheduler.Default), timeout, time, cancellationToken, withdraw, onTimeout).ConfigureAwait(false);
    }

    private static void ValidateTimeout(TimeSpan? timeout)
    {
        if (timeout is { } t && t < TimeSpan.Zero && t != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), "'timeout' must be a non-negative number");
        }
    }

    /// <summary>A time-to-run (above zero) or delay (zero or more), at most what a timer can take.</summary>
    private static void ValidateDuration(TimeSpan value, string name, bool positive)
    {
        if (positive ? value <= TimeSpan.Zero : value < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, $"'{name}' must be a {(positive ? "positive" : "non-negative")} duration");
        }
        if (value > LeaseTable<T>.MaxDuration)
        {
            throw new ArgumentOutOfRangeException(name, $"'{name}' must be at most {LeaseTable<T>.MaxDuration.TotalSeconds:0} seconds");
        }
    }

    /// <summary>A waiting reserve: served like a getter, plus a lease made as the item is handed over.</summary>
    private sealed class LeaseWaiter(object? holder, TimeSpan timeToRun) : TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public object? Holder { get; } = holder;

        public TimeSpan TimeToRun { get; } = timeToRun;

        // Set under the queue's lock before the result, read by the reserver after it.
        public long LeaseId { get; set; }
    }
}
