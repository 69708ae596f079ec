using Factorizer.Pickle;

namespace Factorizer.Managers.Client.Proxies;

/// <summary>
/// A proxy for SyncManager's <c>Barrier</c> (CPython's <c>BarrierProxy</c>, a <c>threading.Barrier</c>).
/// Each wait takes a connection of its own, so several tasks of one client can wait together.
/// </summary>
public sealed class BarrierProxy : SharedProxy
{
    /// <summary>Takes over <paramref name="source"/>'s reference (see <see cref="SharedProxy(SharedProxy)"/>).</summary>
    public BarrierProxy(SharedProxy source)
        : base(source)
    {
    }

    /// <summary>
    /// <c>b.wait(timeout)</c>: returns once all parties wait, with this waiter's index (0 to parties - 1);
    /// null or <see cref="Timeout.InfiniteTimeSpan"/> waits forever.
    /// </summary>
    /// <exception cref="RemoteException">The barrier broke (a timeout, an abort or a reset): <c>e.Is("BrokenBarrierError")</c>.</exception>
    public Task<int> WaitAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        CallAsync<int>("wait", new PyTuple(ProxyArgs.Seconds(timeout)), cancellationToken);

    /// <summary><c>b.abort()</c>: breaks the barrier; waiters get <c>BrokenBarrierError</c>.</summary>
    public Task AbortAsync(CancellationToken cancellationToken = default) =>
        CallAsync("abort", null, null, cancellationToken);

    /// <summary><c>b.reset()</c>: back to the empty state; current waiters get <c>BrokenBarrierError</c>.</summary>
    public Task ResetAsync(CancellationToken cancellationToken = default) =>
        CallAsync("reset", null, null, cancellationToken);

    /// <summary><c>b.parties</c>.</summary>
    public Task<int> PartiesAsync(CancellationToken cancellationToken = default) =>
        CallAsync<int>("__getattribute__", new PyTuple("parties"), cancellationToken);

    /// <summary><c>b.n_waiting</c>.</summary>
    public Task<int> WaitingAsync(CancellationToken cancellationToken = default) =>
        CallAsync<int>("__getattribute__", new PyTuple("n_waiting"), cancellationToken);

    /// <summary><c>b.broken</c>.</summary>
    public Task<bool> IsBrokenAsync(CancellationToken cancellationToken = default) =>
        CallAsync<bool>("__getattribute__", new PyTuple("broken"), cancellationToken);
}
