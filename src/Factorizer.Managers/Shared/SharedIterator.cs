using Factorizer.Managers.Server;
using Factorizer.Pickle;

namespace Factorizer.Managers.Shared;

/// <summary>
/// SyncManager's <c>Iterator</c> typeid, what <c>iter(dict_proxy)</c> gets back as a proxy (<see cref="ProxiedResult"/>):
/// <c>__next__</c> hands out the items of a snapshot taken when it was made, one per call, then raises
/// <c>StopIteration</c>. <paramref name="changed"/> is asked before each item, so iterating a dict whose size
/// changed meanwhile raises <c>RuntimeError</c>, as CPython's dict iterator does.
/// </summary>
/// <param name="typeName">Python's name of the iterator type, for error messages (<c>dict_keyiterator</c>).</param>
/// <param name="items">The snapshot to hand out.</param>
/// <param name="changed">The error to raise instead of the next item (the collection changed), or null to go on.</param>
public sealed class SharedIterator(string typeName, IReadOnlyList<object?> items, Func<PythonErrorException?> changed) : ISharedObject
{
    // IteratorProxy's _exposed_: CPython's server lists these whatever the iterator has.
    private static readonly string[] Methods = ["__next__", "close", "send", "throw"];

    private readonly Lock _gate = new();
    private int _next; // index of the next item to hand out; items.Count once exhausted

    /// <inheritdoc/>
    public IReadOnlyList<string> ExposedMethods => Methods;

    /// <inheritdoc/>
    public ValueTask<object?> InvokeAsync(SharedCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.Method != "__next__")
        {
            // A dict iterator is no generator: CPython answers these with AttributeError too.
            throw PyErrors.NoMethod(typeName, call.Method);
        }
        PyErrors.Positional(call, 0);
        lock (_gate)
        {
            if (_next >= items.Count)
            {
                throw new PythonErrorException(new PyException("builtins", "StopIteration", PyTuple.Empty));
            }
            if (changed() is { } error)
            {
                _next = items.Count; // CPython's iterator is spent after this error too
                throw error;
            }
            return ValueTask.FromResult(items[_next++]);
        }
    }

    public override string ToString() => $"<{typeName} object>";
}
