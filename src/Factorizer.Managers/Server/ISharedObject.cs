namespace Factorizer.Managers.Server;

/// <summary>
/// An object the manager shares. The server calls it only with a method name from
/// <see cref="ExposedMethods"/> (the whitelist); it does its own argument checking.
/// </summary>
public interface ISharedObject
{
    /// <summary>Method names callable remotely, in sorted order (what <c>create</c> returns as <c>exposed</c>).</summary>
    IReadOnlyList<string> ExposedMethods { get; }

    /// <summary>
    /// Runs one exposed method. Throw <see cref="PythonErrorException"/> (or a queue/argument exception)
    /// for an error the caller should see as a Python exception (<c>#ERROR</c>).
    /// </summary>
    ValueTask<object?> InvokeAsync(SharedCall call, CancellationToken cancellationToken);

    /// <summary>
    /// <c>proxy._getvalue()</c> (and <c>copy.deepcopy(proxy)</c>): a copy of the whole object as a pickle value, as
    /// CPython's server pickles the referent itself. Default: false, answered with <c>#UNSERIALIZABLE</c>.
    /// </summary>
    bool TryCopyValue(out object? value)
    {
        value = null;
        return false;
    }

    /// <summary>
    /// Called when a call succeeded but its reply could not be delivered (the caller went away), so an
    /// object can undo what the caller never saw, e.g. put a taken item back. Default: nothing.
    /// </summary>
    ValueTask ReplyLostAsync(SharedCall call, object? result) => ValueTask.CompletedTask;

    /// <summary>
    /// Called once when a connection that made calls on this object has closed and its last call has
    /// finished (after any <see cref="ReplyLostAsync"/>), so an object can take back what that
    /// connection held, e.g. a queue's leases. Default: nothing.
    /// </summary>
    ValueTask SessionClosedAsync(SessionInfo session) => ValueTask.CompletedTask;
}
