using Factorizer.Pickle;

namespace Factorizer.Managers.Client.Proxies;

/// <summary>
/// A proxy for SyncManager's <c>Event</c> (CPython's <c>EventProxy</c>, a <c>threading.Event</c>). A wait
/// holds a call channel of its own, so other calls through the same client go on meanwhile.
/// </summary>
public sealed class EventProxy : SharedProxy
{
    /// <summary>Takes over <paramref name="source"/>'s reference (see <see cref="SharedProxy(SharedProxy)"/>).</summary>
    public EventProxy(SharedProxy source)
        : base(source)
    {
    }

    /// <summary><c>e.is_set()</c>.</summary>
    public Task<bool> IsSetAsync(CancellationToken cancellationToken = default) =>
        CallAsync<bool>("is_set", PyTuple.Empty, cancellationToken);

    /// <summary><c>e.set()</c>: wakes every waiter.</summary>
    public Task SetAsync(CancellationToken cancellationToken = default) =>
        CallAsync("set", null, null, cancellationToken);

    /// <summary><c>e.clear()</c>.</summary>
    public Task ClearAsync(CancellationToken cancellationToken = default) =>
        CallAsync("clear", null, null, cancellationToken);

    /// <summary>
    /// <c>e.wait(timeout)</c>: true once the event is set, false when <paramref name="timeout"/> (null or
    /// <see cref="Timeout.InfiniteTimeSpan"/>: forever) passes first. Cancelling closes the call's channel,
    /// which ends the wait on our server; CPython's server keeps its thread waiting until the event is set.
    /// </summary>
    public Task<bool> WaitAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        CallAsync<bool>("wait", new PyTuple(ProxyArgs.Seconds(timeout)), cancellationToken);
}
