namespace Factorizer.Managers.Client.Proxies;

/// <summary>
/// A proxy for SyncManager's <c>Condition</c> (CPython's <c>ConditionProxy</c>). Wait and notify need the
/// condition's lock, so they are methods of the <see cref="ConditionHold"/> an acquisition returns.
/// </summary>
public sealed class ConditionProxy : SharedProxy
{
    /// <summary>Takes over <paramref name="source"/>'s reference (see <see cref="SharedProxy(SharedProxy)"/>).</summary>
    public ConditionProxy(SharedProxy source)
        : base(source)
    {
    }

    /// <summary>Acquires the condition's lock, waiting up to <paramref name="timeout"/> (null: forever).</summary>
    /// <exception cref="TimeoutException">Not acquired within <paramref name="timeout"/>.</exception>
    public async Task<ConditionHold> AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return await LockHold.AcquireAsync(this, timeout, cancellationToken).ConfigureAwait(false) is { } channel
            ? new ConditionHold(this, channel)
            : throw new TimeoutException($"{Token.TypeId} {Token.Id} not acquired within {timeout}");
    }
}
