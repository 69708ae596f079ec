using Factorizer.Pickle;

namespace Factorizer.Managers.Client.Proxies;

/// <summary>A proxy for SyncManager's <c>Array</c> (CPython's <c>ArrayProxy</c>, an <c>array.array</c>): length and items by index.</summary>
/// <typeparam name="T">Item type (<c>long</c> for integer type codes, <c>double</c> for <c>'d'</c> and <c>'f'</c>).</typeparam>
public sealed class ArrayProxy<T> : SharedProxy
{
    /// <summary>Takes over <paramref name="source"/>'s reference (see <see cref="SharedProxy(SharedProxy)"/>).</summary>
    public ArrayProxy(SharedProxy source)
        : base(source)
    {
    }

    /// <summary><c>len(a)</c>.</summary>
    public Task<int> CountAsync(CancellationToken cancellationToken = default) =>
        CallAsync<int>("__len__", PyTuple.Empty, cancellationToken);

    /// <summary><c>a[index]</c> (negative counts from the end).</summary>
    /// <exception cref="RemoteException">Out of range (<c>IndexError</c>).</exception>
    public Task<T> GetAsync(int index, CancellationToken cancellationToken = default) =>
        CallAsync<T>("__getitem__", new PyTuple(index), cancellationToken);

    /// <summary><c>a[index] = item</c>.</summary>
    /// <exception cref="RemoteException">Out of range (<c>IndexError</c>), or a value the type code cannot hold (<c>TypeError</c>, <c>OverflowError</c>).</exception>
    public Task SetAsync(int index, T item, CancellationToken cancellationToken = default) =>
        CallAsync("__setitem__", new PyTuple(index, PyConvert.FromValue(item)), null, cancellationToken);
}
