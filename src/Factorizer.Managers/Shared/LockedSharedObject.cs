using Factorizer.Managers.Server;

namespace Factorizer.Managers.Shared;

/// <summary>
/// Base of the shared values whose every call finishes at once (dict, list, Array, Namespace, Value): each call,
/// snapshot and copy holds <see cref="Gate"/>, so a caller always sees the object between two whole calls, as
/// CPython's server (one lock per referent's method call on its connection thread) never quite guarantees.
/// </summary>
public abstract class LockedSharedObject : ISharedObject
{
    /// <summary>The lock every access to the object's state holds.</summary>
    protected Lock Gate { get; } = new();

    /// <inheritdoc/>
    public abstract IReadOnlyList<string> ExposedMethods { get; }

    /// <inheritdoc/>
    public ValueTask<object?> InvokeAsync(SharedCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        lock (Gate)
        {
            return ValueTask.FromResult(Invoke(call));
        }
    }

    /// <inheritdoc/>
    public bool TryCopyValue(out object? value)
    {
        lock (Gate)
        {
            value = CopyValue();
        }
        return true;
    }

    /// <summary>Runs one exposed method; called with <see cref="Gate"/> held.</summary>
    protected abstract object? Invoke(SharedCall call);

    /// <summary>The whole object as the pickle value <c>_getvalue()</c> answers; called with <see cref="Gate"/> held.</summary>
    protected abstract object? CopyValue();

    /// <summary>Reads state under <see cref="Gate"/>.</summary>
    protected T Read<T>(Func<T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        lock (Gate)
        {
            return read();
        }
    }
}
