using Factorizer.Pickle;

namespace Factorizer.Managers.Client.Proxies;

/// <summary>
/// A proxy for SyncManager's <c>Lock</c>, <c>RLock</c>, <c>Semaphore</c> and <c>BoundedSemaphore</c>
/// (CPython's <c>AcquirerProxy</c>). Acquiring returns a <see cref="LockHold"/> to release, typically with
/// <c>await using</c>:
/// <code>
/// await using (await lockProxy.AcquireAsync(TimeSpan.FromSeconds(5)))
/// {
///     // held
/// }
/// </code>
/// Each acquisition is an owner of its own (as a thread is in Python), so an RLock acquired twice through
/// two holds blocks like one acquired by two threads.
/// </summary>
public sealed class LockProxy : SharedProxy
{
    /// <summary>Takes over <paramref name="source"/>'s reference (see <see cref="SharedProxy(SharedProxy)"/>).</summary>
    public LockProxy(SharedProxy source)
        : base(source)
    {
    }

    /// <summary>
    /// Acquires, waiting up to <paramref name="timeout"/> (null or <see cref="Timeout.InfiniteTimeSpan"/>:
    /// forever). Cancelling closes the waiting call's channel: our server then drops the waiter, while
    /// CPython's server still acquires for nobody once the lock frees (its own behaviour with a vanished client).
    /// </summary>
    /// <exception cref="TimeoutException">Not acquired within <paramref name="timeout"/>.</exception>
    public async Task<LockHold> AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        await TryAcquireAsync(timeout, cancellationToken).ConfigureAwait(false)
            ?? throw new TimeoutException($"{Token.TypeId} {Token.Id} not acquired within {timeout}");

    /// <summary>Like <see cref="AcquireAsync"/>, but null when <paramref name="timeout"/> passes first (<see cref="TimeSpan.Zero"/>: try once).</summary>
    public async Task<LockHold?> TryAcquireAsync(TimeSpan? timeout, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return await LockHold.AcquireAsync(this, timeout, cancellationToken).ConfigureAwait(false) is { } channel
            ? new LockHold(this, channel)
            : null;
    }

    /// <summary>
    /// <c>release()</c> without a hold, from any connection: what a plain Lock or a Semaphore allows (an
    /// RLock refuses it with <c>RuntimeError</c>, as it is not the owner).
    /// </summary>
    public Task ReleaseAsync(CancellationToken cancellationToken = default) =>
        CallAsync("release", PyTuple.Empty, null, cancellationToken);
}
