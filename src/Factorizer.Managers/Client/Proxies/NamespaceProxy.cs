using Factorizer.Pickle;

namespace Factorizer.Managers.Client.Proxies;

/// <summary>A proxy for SyncManager's <c>Namespace</c> (CPython's <c>NamespaceProxy</c>): named attributes.</summary>
public sealed class NamespaceProxy : SharedProxy
{
    /// <summary>Takes over <paramref name="source"/>'s reference (see <see cref="SharedProxy(SharedProxy)"/>).</summary>
    public NamespaceProxy(SharedProxy source)
        : base(source)
    {
    }

    /// <summary><c>ns.name</c>.</summary>
    /// <exception cref="RemoteException">No such attribute (<c>AttributeError</c>).</exception>
    public Task<T> GetAsync<T>(string name, CancellationToken cancellationToken = default) =>
        CallAsync<T>("__getattribute__", new PyTuple(name), cancellationToken);

    /// <summary><c>ns.name = value</c>.</summary>
    public Task SetAsync<T>(string name, T value, CancellationToken cancellationToken = default) =>
        CallAsync("__setattr__", new PyTuple(name, PyConvert.FromValue(value)), null, cancellationToken);

    /// <summary><c>del ns.name</c>.</summary>
    /// <exception cref="RemoteException">No such attribute (<c>AttributeError</c>).</exception>
    public Task DeleteAsync(string name, CancellationToken cancellationToken = default) =>
        CallAsync("__delattr__", new PyTuple(name), null, cancellationToken);
}
