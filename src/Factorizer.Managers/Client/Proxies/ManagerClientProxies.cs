using Factorizer.Managers.Wire;
using Factorizer.Pickle;

namespace Factorizer.Managers.Client.Proxies;

/// <summary>
/// Makes SyncManager's shared objects through a <see cref="ManagerClient"/>, as Python's <c>m.dict()</c>,
/// <c>m.Lock()</c>… do: <c>create(typeid, *args)</c> on the server, and a typed proxy holding the reference
/// that create took (dispose it to give it back). Works against our <c>queue-manager</c> (and any
/// <see cref="QueueManager"/> after <see cref="QueueManager.RegisterSyncManagerTypes"/>) and against
/// CPython's own <c>SyncManager</c> server.
/// </summary>
public static class ManagerClientProxies
{
    /// <summary><c>create(typeId, *args)</c>: a new object of any registered typeid, as an untyped proxy.</summary>
    public static async Task<AutoProxy> CreateProxyAsync(this ManagerClient client, string typeId, object?[]? args = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        (Token token, IReadOnlyList<string> exposed) = await client.CreateAsync(typeId, args ?? [], cancellationToken).ConfigureAwait(false);
        return new AutoProxy(client, token, exposed);
    }

    /// <summary>
    /// A proxy for an object someone else made (its <paramref name="token"/> arrived in a queue, say): takes
    /// a reference of its own (<c>incref</c>), as CPython's proxies do when unpickled.
    /// </summary>
    public static async Task<AutoProxy> AttachAsync(this ManagerClient client, Token token, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(token);
        await client.IncRefAsync(token.Id, cancellationToken).ConfigureAwait(false);
        return new AutoProxy(client, token with { Host = client.Options.Host, Port = client.Options.Port }, []);
    }

    /// <summary><c>m.dict(initial)</c>.</summary>
    public static async Task<DictProxy<TKey, TValue>> CreateDictAsync<TKey, TValue>(this ManagerClient client, IEnumerable<KeyValuePair<TKey, TValue>>? initial = null, CancellationToken cancellationToken = default)
        where TKey : notnull
    {
        object?[] args = initial is null ? [] : [ProxyArgs.Dict(initial)];
        return new DictProxy<TKey, TValue>(await client.CreateProxyAsync("dict", args, cancellationToken).ConfigureAwait(false));
    }

    /// <summary><c>m.list(initial)</c>.</summary>
    public static async Task<ListProxy<T>> CreateListAsync<T>(this ManagerClient client, IEnumerable<T>? initial = null, CancellationToken cancellationToken = default)
    {
        object?[] args = initial is null ? [] : [ProxyArgs.List(initial)];
        return new ListProxy<T>(await client.CreateProxyAsync("list", args, cancellationToken).ConfigureAwait(false));
    }

    /// <summary><c>m.Lock()</c>.</summary>
    public static async Task<LockProxy> CreateLockAsync(this ManagerClient client, CancellationToken cancellationToken = default) =>
        new(await client.CreateProxyAsync("Lock", null, cancellationToken).ConfigureAwait(false));

    /// <summary><c>m.RLock()</c>: owned by the hold that acquired it.</summary>
    public static async Task<LockProxy> CreateRLockAsync(this ManagerClient client, CancellationToken cancellationToken = default) =>
        new(await client.CreateProxyAsync("RLock", null, cancellationToken).ConfigureAwait(false));

    /// <summary><c>m.Semaphore(value)</c>, or <c>m.BoundedSemaphore(value)</c> when <paramref name="bounded"/>.</summary>
    public static async Task<LockProxy> CreateSemaphoreAsync(this ManagerClient client, int value = 1, bool bounded = false, CancellationToken cancellationToken = default) =>
        new(await client.CreateProxyAsync(bounded ? "BoundedSemaphore" : "Semaphore", [value], cancellationToken).ConfigureAwait(false));

    /// <summary><c>m.Condition()</c>, with a lock of its own.</summary>
    public static async Task<ConditionProxy> CreateConditionAsync(this ManagerClient client, CancellationToken cancellationToken = default) =>
        new(await client.CreateProxyAsync("Condition", null, cancellationToken).ConfigureAwait(false));

    /// <summary><c>m.Barrier(parties)</c>.</summary>
    public static async Task<BarrierProxy> CreateBarrierAsync(this ManagerClient client, int parties, CancellationToken cancellationToken = default) =>
        new(await client.CreateProxyAsync("Barrier", [parties], cancellationToken).ConfigureAwait(false));

    /// <summary><c>m.Array(typeCode, items)</c>, e.g. <c>"q"</c> for 64-bit ints or <c>"d"</c> for doubles.</summary>
    public static async Task<ArrayProxy<T>> CreateArrayAsync<T>(this ManagerClient client, string typeCode, IEnumerable<T> items, CancellationToken cancellationToken = default) =>
        new(await client.CreateProxyAsync("Array", [typeCode, ProxyArgs.List(items)], cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// <c>m.Queue(maxSize)</c>, or <c>m.JoinableQueue(maxSize)</c> when <paramref name="joinable"/>: a new queue
    /// of its own (0: unbounded), with the <see cref="QueueProxy{T}"/> surface (leases only on our server).
    /// </summary>
    public static Task<QueueProxy<T>> CreateQueueAsync<T>(this ManagerClient client, int maxSize = 0, bool joinable = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.GetQueueAsync<T>(joinable ? "JoinableQueue" : "Queue", [maxSize], cancellationToken);
    }

    /// <summary><c>m.Event()</c>.</summary>
    public static async Task<EventProxy> CreateEventAsync(this ManagerClient client, CancellationToken cancellationToken = default) =>
        new(await client.CreateProxyAsync("Event", null, cancellationToken).ConfigureAwait(false));

    /// <summary><c>m.Value(typeCode, value)</c> (the type code, e.g. <c>"i"</c>, is kept but not enforced, as in CPython's manager).</summary>
    public static async Task<ValueProxy<T>> CreateValueAsync<T>(this ManagerClient client, string typeCode, T value, CancellationToken cancellationToken = default) =>
        new(await client.CreateProxyAsync("Value", [typeCode, PyConvert.FromValue(value)], cancellationToken).ConfigureAwait(false));

    /// <summary><c>m.Namespace()</c>.</summary>
    public static async Task<NamespaceProxy> CreateNamespaceAsync(this ManagerClient client, CancellationToken cancellationToken = default) =>
        new(await client.CreateProxyAsync("Namespace", null, cancellationToken).ConfigureAwait(false));
}
