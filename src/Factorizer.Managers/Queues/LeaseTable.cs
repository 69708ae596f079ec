namespace Factorizer.Managers.Queues;

/// <summary>
/// The leases of one queue (beanstalkd's reserved jobs): which reserved items are out, with whom,
/// and until when; plus released items waiting out a delay. Each lease and each delay owns one
/// timer from the injected <see cref="TimeProvider"/>, so expiry needs no reserver to notice it:
/// the timer itself hands the item back, every time.
/// </summary>
/// <remarks>
/// The table never touches the queue. Items leave it through the two callbacks given at
/// construction, always called outside the table's lock. The queue may call the table under its own
/// lock (a lease is made as the item is handed over); the table never takes the queue's lock under
/// its own, so the two cannot deadlock.
/// </remarks>
internal sealed class LeaseTable<T>
{
    /// <summary>Longest time-to-run or delay a timer can take (timers are limited to about 49.7 days).</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(49);

    private sealed class Entry(long id, T item, object? holder, TimeSpan timeToRun)
    {
        public long Id { get; } = id;
        public T Item { get; } = item;
        public object? Holder { get; } = holder;
        public TimeSpan TimeToRun { get; } = timeToRun;

        // Changed under the table's lock. A touch replaces the timer and bumps the generation, so a
        // callback of the old timer that was already running finds a stale generation and does nothing.
        public ITimer? Timer { get; set; }
        public long Generation { get; set; }
    }

    // One lock guards the three collections and _lastId. Invariant: a lease id is in _leases iff its
    // timer is armed and (when it has a holder) it is in that holder's set in _byHolder; an id in
    // _delayed is in neither of the others.
    private readonly Lock _gate = new();
    private readonly Dictionary<long, Entry> _leases = [];
    private readonly Dictionary<object, HashSet<long>> _byHolder = [];
    private readonly Dictionary<long, ITimer> _delayed = [];
    private readonly TimeProvider _time;
    private readonly Action<long, T, object?> _expired;
    private readonly Action<long, T, object?> _delayEnded;
    private long _lastId;

    /// <param name="time">The clock for every timer.</param>
    /// <param name="expired">Receives a lease whose time-to-run passed (already removed from the table).</param>
    /// <param name="delayEnded">Receives a released item whose delay passed.</param>
    public LeaseTable(TimeProvider time, Action<long, T, object?> expired, Action<long, T, object?> delayEnded)
    {
        _time = time;
        _expired = expired;
        _delayEnded = delayEnded;
    }

    /// <summary>Leases held now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _leases.Count;
            }
        }
    }

    /// <summary>Released items still waiting out their delay.</summary>
    public int DelayedCount
    {
        get
        {
            lock (_gate)
            {
                return _delayed.Count;
            }
        }
    }

    /// <summary>Starts a lease on <paramref name="item"/> for <paramref name="holder"/>; returns its id.</summary>
    public long Add(T item, object? holder, TimeSpan timeToRun)
    {
        lock (_gate)
        {
            var entry = new Entry(++_lastId, item, holder, timeToRun);
            _leases.Add(entry.Id, entry);
            if (holder is not null)
            {
                if (!_byHolder.TryGetValue(holder, out HashSet<long>? ids))
                {
                    _byHolder[holder] = ids = [];
                }
                ids.Add(entry.Id);
            }
            // Armed under the lock: a timer that fires at once waits for the lock and finds the entry complete.
            ArmLocked(entry);
            return entry.Id;
        }
    }

    /// <summary>Restarts a lease's time-to-run from now; false when the lease is unknown or gone.</summary>
    public bool Touch(long id)
    {
        ITimer? old;
        lock (_gate)
        {
            if (!_leases.TryGetValue(id, out Entry? entry))
            {
                return false;
            }
            old = entry.Timer;
            ArmLocked(entry);
        }
        old?.Dispose();
        return true;
    }

    /// <summary>Ends a lease (ack, or a release without delay); false when it is unknown or gone.</summary>
    public bool TryRemove(long id, out T item, out object? holder)
    {
        Entry? entry;
        lock (_gate)
        {
            entry = RemoveLocked(id);
        }
        if (entry is null)
        {
            item = default!;
            holder = null;
            return false;
        }
        entry.Timer?.Dispose();
        (item, holder) = (entry.Item, entry.Holder);
        return true;
    }

    /// <summary>
    /// Ends a lease and keeps its item out of the queue for <paramref name="delay"/>, then hands it to
    /// the delay-ended callback; in one step, so the item is never in neither place. False when unknown.
    /// </summary>
    public bool TryDefer(long id, TimeSpan delay)
    {
        Entry? entry;
        lock (_gate)
        {
            entry = RemoveLocked(id);
            if (entry is not null)
            {
                _delayed[id] = _time.CreateTimer(_ => DelayEnded(entry), null, delay, Timeout.InfiniteTimeSpan);
            }
        }
        entry?.Timer?.Dispose();
        return entry is not null;
    }

    /// <summary>Ends every lease <paramref name="holder"/> holds; returns them oldest first.</summary>
    public List<Lease<T>> RemoveHeldBy(object holder)
    {
        List<Entry> ended = [];
        lock (_gate)
        {
            if (!_byHolder.TryGetValue(holder, out HashSet<long>? ids))
            {
                return [];
            }
            foreach (long id in ids.Order().ToList())
            {
                ended.Add(RemoveLocked(id)!);
            }
        }
        foreach (Entry entry in ended)
        {
            entry.Timer?.Dispose();
        }
        return [.. ended.Select(e => new Lease<T>(e.Id, e.Item))];
    }

    private Entry? RemoveLocked(long id)
    {
        if (!_leases.Remove(id, out Entry? entry))
        {
            return null;
        }
        if (entry.Holder is not null && _byHolder.TryGetValue(entry.Holder, out HashSet<long>? ids))
        {
            ids.Remove(id);
            if (ids.Count == 0)
            {
                _byHolder.Remove(entry.Holder);
            }
        }
        return entry;
    }

    private void ArmLocked(Entry entry)
    {
        long generation = ++entry.Generation;
        entry.Timer = _time.CreateTimer(_ => Expire(entry, generation), null, entry.TimeToRun, Timeout.InfiniteTimeSpan);
    }

    private void Expire(Entry entry, long generation)
    {
        lock (_gate)
        {
            // Acked, released or touched since this timer was armed: not this timer's business any more.
            if (entry.Generation != generation || !_leases.ContainsKey(entry.Id))
            {
                return;
            }
            RemoveLocked(entry.Id);
        }
        entry.Timer?.Dispose();
        _expired(entry.Id, entry.Item, entry.Holder);
    }

    private void DelayEnded(Entry entry)
    {
        ITimer? timer;
        lock (_gate)
        {
            if (!_delayed.Remove(entry.Id, out timer))
            {
                return;
            }
        }
        timer.Dispose();
        _delayEnded(entry.Id, entry.Item, entry.Holder);
    }
}
