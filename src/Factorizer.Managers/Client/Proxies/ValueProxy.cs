using Factorizer.Pickle;

namespace Factorizer.Managers.Client.Proxies;

/// <summary>A proxy for SyncManager's <c>Value</c> (CPython's <c>ValueProxy</c>): one value, read and replaced whole.</summary>
/// <typeparam name="T">Value type.</typeparam>
public sealed class ValueProxy<T> : SharedProxy
{
    /// <summary>Takes over <paramref name="source"/>'s reference (see <see cref="SharedProxy(SharedProxy)"/>).</summary>
    public ValueProxy(SharedProxy source)
        : base(source)
    {
    }

    /// <summary><c>v.value</c>.</summary>
    public Task<T> GetAsync(CancellationToken cancellationToken = default) =>
        CallAsync<T>("get", PyTuple.Empty, cancellationToken);

    /// <summary><c>v.value = value</c>.</summary>
    public Task SetAsync(T value, CancellationToken cancellationToken = default) =>
        CallAsync("set", new PyTuple(PyConvert.FromValue(value)), null, cancellationToken);
}
