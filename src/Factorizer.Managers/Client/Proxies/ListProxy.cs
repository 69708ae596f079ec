using Factorizer.Pickle;

namespace Factorizer.Managers.Client.Proxies;

/// <summary>
/// A proxy for SyncManager's <c>list</c> (CPython's <c>ListProxy</c>). Items are converted with
/// <see cref="PyConvert"/>; use <c>object?</c> for raw pickle values. Indexes may be negative, as in Python.
/// Each method is one round trip.
/// </summary>
/// <typeparam name="T">Item type.</typeparam>
public sealed class ListProxy<T> : SharedProxy
{
    /// <summary>Takes over <paramref name="source"/>'s reference (see <see cref="SharedProxy(SharedProxy)"/>).</summary>
    public ListProxy(SharedProxy source)
        : base(source)
    {
    }

    /// <summary><c>l[index]</c>.</summary>
    /// <exception cref="RemoteException">Out of range (<c>IndexError</c>).</exception>
    public Task<T> GetAsync(int index, CancellationToken cancellationToken = default) =>
        CallAsync<T>("__getitem__", new PyTuple(index), cancellationToken);

    /// <summary><c>l[index] = item</c>.</summary>
    /// <exception cref="RemoteException">Out of range (<c>IndexError</c>).</exception>
    public Task SetAsync(int index, T item, CancellationToken cancellationToken = default) =>
        CallAsync("__setitem__", new PyTuple(index, PyConvert.FromValue(item)), null, cancellationToken);

    /// <summary><c>l.append(item)</c>.</summary>
    public Task AppendAsync(T item, CancellationToken cancellationToken = default) =>
        CallAsync("append", new PyTuple(PyConvert.FromValue(item)), null, cancellationToken);

    /// <summary><c>l.extend(items)</c>, in one round trip.</summary>
    public Task ExtendAsync(IEnumerable<T> items, CancellationToken cancellationToken = default)
        => CallAsync("extend", new PyTuple(ProxyArgs.List(items)), null, cancellationToken);

    /// <summary><c>l.insert(index, item)</c> (an index past either end inserts at that end).</summary>
    public Task InsertAsync(int index, T item, CancellationToken cancellationToken = default) =>
        CallAsync("insert", new PyTuple(index, PyConvert.FromValue(item)), null, cancellationToken);

    /// <summary><c>len(l)</c>.</summary>
    public Task<int> CountAsync(CancellationToken cancellationToken = default) =>
        CallAsync<int>("__len__", PyTuple.Empty, cancellationToken);

    /// <summary><c>item in l</c>.</summary>
    public Task<bool> ContainsAsync(T item, CancellationToken cancellationToken = default) =>
        CallAsync<bool>("__contains__", new PyTuple(PyConvert.FromValue(item)), cancellationToken);

    /// <summary><c>l.index(item)</c>, or -1 when it is not in the list.</summary>
    public async Task<int> IndexOfAsync(T item, CancellationToken cancellationToken = default)
    {
        try
        {
            return await CallAsync<int>("index", new PyTuple(PyConvert.FromValue(item)), cancellationToken).ConfigureAwait(false);
        }
        catch (RemoteException e) when (e.Is("builtins.ValueError"))
        {
            return -1;
        }
    }

    /// <summary><c>l.remove(item)</c>: removes the first equal item; false when there was none.</summary>
    public async Task<bool> RemoveAsync(T item, CancellationToken cancellationToken = default)
    {
        try
        {
            await CallAsync("remove", new PyTuple(PyConvert.FromValue(item)), null, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RemoteException e) when (e.Is("builtins.ValueError"))
        {
            return false;
        }
    }

    /// <summary><c>del l[index]</c>.</summary>
    /// <exception cref="RemoteException">Out of range (<c>IndexError</c>).</exception>
    public Task RemoveAtAsync(int index, CancellationToken cancellationToken = default) =>
        CallAsync("__delitem__", new PyTuple(index), null, cancellationToken);

    /// <summary><c>l.pop(index)</c>: removes and returns the item (the last by default).</summary>
    /// <exception cref="RemoteException">Empty list or out of range (<c>IndexError</c>).</exception>
    public Task<T> PopAsync(int index = -1, CancellationToken cancellationToken = default) =>
        CallAsync<T>("pop", new PyTuple(index), cancellationToken);

    /// <summary><c>l.sort()</c> (numbers, strs or bytes; mixed kinds raise <c>TypeError</c>).</summary>
    public Task SortAsync(CancellationToken cancellationToken = default) =>
        CallAsync("sort", null, null, cancellationToken);

    /// <summary><c>l.reverse()</c>.</summary>
    public Task ReverseAsync(CancellationToken cancellationToken = default) =>
        CallAsync("reverse", null, null, cancellationToken);

    /// <summary>Empties the list (<c>l *= 0</c>: ListProxy exposes no <c>clear</c>).</summary>
    public Task ClearAsync(CancellationToken cancellationToken = default) =>
        CallAsync("__imul__", new PyTuple(0), null, cancellationToken);

    /// <summary>A snapshot of the whole list (<c>l * 1</c>, a copy made in one round trip).</summary>
    public async Task<T[]> ToArrayAsync(CancellationToken cancellationToken = default) =>
        [.. PyConvert.Items(await CallAsync("__mul__", new PyTuple(1), null, cancellationToken).ConfigureAwait(false)).Select(PyConvert.ToValue<T>)];
}
