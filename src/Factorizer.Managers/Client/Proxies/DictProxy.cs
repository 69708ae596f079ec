using Factorizer.Managers.Wire;
using Factorizer.Pickle;

namespace Factorizer.Managers.Client.Proxies;

/// <summary>
/// A proxy for SyncManager's <c>dict</c> (CPython's <c>DictProxy</c>). Keys and values are converted with
/// <see cref="PyConvert"/>; use <c>object?</c> for raw pickle values (an inert <see cref="PyObject"/>, say).
/// Each method is one round trip; keys compare as Python compares them (on the server).
/// </summary>
/// <typeparam name="TKey">Key type (<c>string</c>, <c>long</c>, <c>object</c>…).</typeparam>
/// <typeparam name="TValue">Value type.</typeparam>
public sealed class DictProxy<TKey, TValue> : SharedProxy
    where TKey : notnull
{
    /// <summary>Takes over <paramref name="source"/>'s reference (see <see cref="SharedProxy(SharedProxy)"/>).</summary>
    public DictProxy(SharedProxy source)
        : base(source)
    {
    }

    /// <summary><c>d[key]</c>.</summary>
    /// <exception cref="RemoteException">No such key: <c>e.Is("KeyError")</c>, the key in <see cref="RemoteException.RemoteArgs"/>.</exception>
    public Task<TValue> GetAsync(TKey key, CancellationToken cancellationToken = default) =>
        CallAsync<TValue>("__getitem__", new PyTuple(PyConvert.FromValue(key)), cancellationToken);

    /// <summary><c>d.get(key, defaultValue)</c>: the value, or <paramref name="defaultValue"/> when there is no such key.</summary>
    public Task<TValue> GetOrDefaultAsync(TKey key, TValue defaultValue, CancellationToken cancellationToken = default) =>
        CallAsync<TValue>("get", new PyTuple(PyConvert.FromValue(key), PyConvert.FromValue(defaultValue)), cancellationToken);

    /// <summary><c>d[key] = value</c>.</summary>
    public Task SetAsync(TKey key, TValue value, CancellationToken cancellationToken = default) =>
        CallAsync("__setitem__", new PyTuple(PyConvert.FromValue(key), PyConvert.FromValue(value)), null, cancellationToken);

    /// <summary><c>d.setdefault(key, value)</c>: the value now under <paramref name="key"/>.</summary>
    public Task<TValue> SetDefaultAsync(TKey key, TValue value, CancellationToken cancellationToken = default) =>
        CallAsync<TValue>("setdefault", new PyTuple(PyConvert.FromValue(key), PyConvert.FromValue(value)), cancellationToken);

    /// <summary><c>del d[key]</c>; false when there was no such key.</summary>
    public async Task<bool> RemoveAsync(TKey key, CancellationToken cancellationToken = default)
    {
        try
        {
            await CallAsync("__delitem__", new PyTuple(PyConvert.FromValue(key)), null, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RemoteException e) when (e.Is("builtins.KeyError"))
        {
            return false;
        }
    }

    /// <summary><c>d.pop(key)</c>: removes the key and returns its value.</summary>
    /// <exception cref="RemoteException">No such key (<c>KeyError</c>).</exception>
    public Task<TValue> PopAsync(TKey key, CancellationToken cancellationToken = default) =>
        CallAsync<TValue>("pop", new PyTuple(PyConvert.FromValue(key)), cancellationToken);

    /// <summary><c>key in d</c>.</summary>
    public Task<bool> ContainsKeyAsync(TKey key, CancellationToken cancellationToken = default) =>
        CallAsync<bool>("__contains__", new PyTuple(PyConvert.FromValue(key)), cancellationToken);

    /// <summary><c>len(d)</c>.</summary>
    public Task<int> CountAsync(CancellationToken cancellationToken = default) =>
        CallAsync<int>("__len__", PyTuple.Empty, cancellationToken);

    /// <summary><c>d.clear()</c>.</summary>
    public Task ClearAsync(CancellationToken cancellationToken = default) =>
        CallAsync("clear", null, null, cancellationToken);

    /// <summary><c>d.update(items)</c>, in one round trip.</summary>
    public Task UpdateAsync(IEnumerable<KeyValuePair<TKey, TValue>> items, CancellationToken cancellationToken = default)
        => CallAsync("update", new PyTuple(ProxyArgs.Dict(items)), null, cancellationToken);

    /// <summary><c>list(d.keys())</c>, in the dict's order.</summary>
    public async Task<List<TKey>> KeysAsync(CancellationToken cancellationToken = default) =>
        [.. PyConvert.Items(await CallAsync("keys", null, null, cancellationToken).ConfigureAwait(false)).Select(PyConvert.ToValue<TKey>)];

    /// <summary><c>list(d.values())</c>, in the dict's order.</summary>
    public async Task<List<TValue>> ValuesAsync(CancellationToken cancellationToken = default) =>
        [.. PyConvert.Items(await CallAsync("values", null, null, cancellationToken).ConfigureAwait(false)).Select(PyConvert.ToValue<TValue>)];

    /// <summary><c>list(d.items())</c>, in the dict's order.</summary>
    public async Task<List<KeyValuePair<TKey, TValue>>> ItemsAsync(CancellationToken cancellationToken = default) =>
        [.. PyConvert.Items(await CallAsync("items", null, null, cancellationToken).ConfigureAwait(false)).Select(Pair)];

    /// <summary><c>d.copy()</c>: a snapshot of the whole dict as a C# dictionary (order kept as inserted).</summary>
    public async Task<Dictionary<TKey, TValue>> ToDictionaryAsync(CancellationToken cancellationToken = default)
    {
        object? copy = await CallAsync("copy", null, null, cancellationToken).ConfigureAwait(false);
        return (copy as Dictionary<object, object?> ?? throw PyConvert.CannotConvert(copy, typeof(Dictionary<TKey, TValue>)))
            .ToDictionary(e => PyConvert.ToValue<TKey>(e.Key), e => PyConvert.ToValue<TValue>(e.Value));
    }

    /// <summary>
    /// <c>iter(d)</c>: a server-side iterator over the keys, as a proxy of its own (CPython's server answers
    /// <c>__iter__</c> with <c>#PROXY</c>). Dispose it when done.
    /// </summary>
    public async Task<IteratorProxy<TKey>> GetIteratorAsync(CancellationToken cancellationToken = default)
    {
        object? result = await CallAsync("__iter__", null, null, cancellationToken).ConfigureAwait(false);
        return result is AutoProxy iterator ? new IteratorProxy<TKey>(iterator)
            : throw new RemoteException(WireLiterals.Return, "ProtocolError", $"__iter__ returned {PyRepr.Of(result, 80)}, not a proxy", null);
    }

    private static KeyValuePair<TKey, TValue> Pair(object? item) =>
        PyConvert.Items(item) is [var key, var value]
            ? new(PyConvert.ToValue<TKey>(key), PyConvert.ToValue<TValue>(value))
            : throw PyConvert.CannotConvert(item, typeof(KeyValuePair<TKey, TValue>));
}
