namespace Factorizer.Work.Worker;

/// <summary>
/// The one chunk a worker may hold beyond the one in work: reserved in the background while the
/// current chunk is factored, so no round trip separates two chunks. Closing the slot (a number runs
/// long) gives the prefetched chunk back to the server, now or when its reservation lands; after
/// that, taking from the slot finds nothing and the worker reserves afresh.
/// </summary>
internal sealed class PrefetchSlot
{
    private readonly Lock _gate = new();
    private readonly Func<LeasedChunk, Task> _giveBack;
    private readonly Task _reserving;
    private LeasedChunk? _held; // under _gate
    private bool _closed;       // under _gate

    /// <summary>Starts <paramref name="reserve"/> now; <paramref name="giveBack"/> returns a chunk the slot will not keep (it must not throw).</summary>
    public PrefetchSlot(Func<Task<LeasedChunk>> reserve, Func<LeasedChunk, Task> giveBack)
    {
        ArgumentNullException.ThrowIfNull(reserve);
        _giveBack = giveBack ?? throw new ArgumentNullException(nameof(giveBack));
        _reserving = KeepAsync(reserve);
    }

    /// <summary>
    /// The prefetched chunk once its reservation ends, or null when the slot was closed first. A failed
    /// reservation (an empty queue, a lost server) throws here, in the worker's own flow.
    /// </summary>
    public async Task<LeasedChunk?> TakeAsync()
    {
        await _reserving.ConfigureAwait(false);
        lock (_gate)
        {
            _closed = true;
            LeasedChunk? held = _held;
            _held = null;
            return held;
        }
    }

    /// <summary>Gives the prefetched chunk back (now, or as soon as it is reserved); the slot stays empty.</summary>
    public Task CloseAsync()
    {
        LeasedChunk? held;
        lock (_gate)
        {
            _closed = true;
            held = _held;
            _held = null;
        }
        return held is null ? Task.CompletedTask : _giveBack(held);
    }

    /// <summary>Closes the slot and waits for the reservation to end, ignoring how (the worker is leaving this connection).</summary>
    public async Task AbandonAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        try
        {
            await _reserving.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The worker's own calls meet the same trouble and report it.
        }
    }

    private async Task KeepAsync(Func<Task<LeasedChunk>> reserve)
    {
        LeasedChunk chunk = await reserve().ConfigureAwait(false);
        bool keep;
        lock (_gate)
        {
            keep = !_closed;
            if (keep)
            {
                _held = chunk;
            }
        }
        if (!keep)
        {
            await _giveBack(chunk).ConfigureAwait(false);
        }
    }
}
