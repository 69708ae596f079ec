using Factorizer.Managers.Wire;
using Factorizer.Pickle;

namespace Factorizer.Managers.Client.Proxies;

/// <summary>A held <see cref="ConditionProxy"/>: wait and notify as its lock's owner, then release.</summary>
public sealed class ConditionHold : LockHold
{
    internal ConditionHold(ConditionProxy condition, ClientConnection channel)
        : base(condition, channel)
    {
    }

    /// <summary>
    /// <c>wait(timeout)</c>: releases the lock, waits for a notify (or <paramref name="timeout"/>; null:
    /// forever), and holds the lock again before returning; false when the timeout passed.
    /// </summary>
    public async Task<bool> WaitAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        await CallAsOwnerAsync("wait", new PyTuple(ProxyArgs.Seconds(timeout)), cancellationToken).ConfigureAwait(false) is true;

    /// <summary><c>notify(n)</c>: wakes up to <paramref name="count"/> waiters.</summary>
    public Task NotifyAsync(int count = 1, CancellationToken cancellationToken = default) =>
        CallAsOwnerAsync("notify", new PyTuple(count), cancellationToken);

    /// <summary><c>notify_all()</c>.</summary>
    public Task NotifyAllAsync(CancellationToken cancellationToken = default) =>
        CallAsOwnerAsync("notify_all", PyTuple.Empty, cancellationToken);
}
