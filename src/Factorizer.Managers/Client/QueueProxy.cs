using Factorizer.Managers.Queues;
using Factorizer.Managers.Wire;
using Factorizer.Pickle;

namespace Factorizer.Managers.Client;

/// <summary>
/// A remote queue through a manager, with the same <see cref="IQueue{T}"/> surface as a
/// <see cref="LocalQueue{T}"/>. Items are converted with <see cref="PyConvert"/> (docs/protocol.md,
/// "Values"). Holds one server-side reference until disposed.
/// </summary>
public sealed class QueueProxy<T> : IQueue<T>, IAsyncDisposable
{
    private static readonly Dictionary<string, object?> NoKwargs = [];
    private readonly ManagerClient _client;
    private int _disposed;

    internal QueueProxy(ManagerClient client, Token token)
    {
        _client = client;
        Token = token;
    }

    /// <summary>Which object this proxy refers to.</summary>
    public Token Token { get; }

    public async ValueTask PutAsync(T item, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        object? value = PyConvert.FromValue(item);
        if (timeout == TimeSpan.Zero)
        {
            await CallAsync("put_nowait", new PyTuple(value), NoKwargs, cancellationToken).ConfigureAwait(false);
            return;
        }
        await CallAsync("put", new PyTuple(value), TimeoutKwargs(timeout), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<T> GetAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        object? value = timeout == TimeSpan.Zero
            ? await CallAsync("get_nowait", PyTuple.Empty, NoKwargs, cancellationToken).ConfigureAwait(false)
            : await CallAsync("get", PyTuple.Empty, TimeoutKwargs(timeout), cancellationToken).ConfigureAwait(false);
        return PyConvert.ToValue<T>(value);
    }

    /// <summary>
    /// <c>put(item)</c> on the calling thread, blocking it until the server has the item (see
    /// <see cref="ManagerClient.Call"/>: for a thread of its own, not for async code).
    /// </summary>
    public void Put(T item) => Call("put", new PyTuple(PyConvert.FromValue(item)));

    /// <summary>
    /// <c>get()</c> on the calling thread, blocking it until an item comes (see <see cref="ManagerClient.Call"/>:
    /// for a thread of its own, not for async code).
    /// </summary>
    public T Get() => PyConvert.ToValue<T>(Call("get", PyTuple.Empty));

    private object? Call(string method, PyTuple args)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _client.Call(Token.Id, method, args, NoKwargs);
    }

    public async ValueTask<int> CountAsync(CancellationToken cancellationToken = default) =>
        PyConvert.ToValue<int>(await CallAsync("qsize", PyTuple.Empty, NoKwargs, cancellationToken).ConfigureAwait(false));

    public async ValueTask TaskDoneAsync(CancellationToken cancellationToken = default) =>
        await CallAsync("task_done", PyTuple.Empty, NoKwargs, cancellationToken).ConfigureAwait(false);

    public async ValueTask JoinAsync(CancellationToken cancellationToken = default) =>
        await CallAsync("join", PyTuple.Empty, NoKwargs, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Takes the oldest item under a lease (<c>reserve</c>, docs/protocol.md §3.7), waiting up to
    /// <paramref name="timeout"/> for one; the server puts it back unless it is acked within
    /// <paramref name="timeToRun"/> (default: the queue's) or this client's connection closes first.
    /// </summary>
    /// <exception cref="QueueEmptyException">No item within the timeout.</exception>
    public async ValueTask<Lease<T>> ReserveAsync(TimeSpan? timeout = null, TimeSpan? timeToRun = null, CancellationToken cancellationToken = default)
    {
        PyTuple args = timeout == TimeSpan.Zero ? new PyTuple(false) : PyTuple.Empty;
        Dictionary<string, object?> kwargs = timeout == TimeSpan.Zero ? [] : new(TimeoutKwargs(timeout));
        if (timeToRun is { } ttr)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttr, TimeSpan.Zero, nameof(timeToRun));
            kwargs["ttr"] = ttr.TotalSeconds;
        }
        object? value = await CallAsync("reserve", args, kwargs, cancellationToken).ConfigureAwait(false);
        if (value is not PyTuple { Count: 2 } pair || pair[0] is not long id)
        {
            throw new RemoteException(WireLiterals.Return, "ProtocolError", $"reserve returned {PyRepr.Of(value, 80)}", null);
        }
        return new Lease<T>(id, PyConvert.ToValue<T>(pair[1]));
    }

    /// <summary>Ends a lease: the item is done and gone (<c>ack</c>).</summary>
    /// <exception cref="KeyNotFoundException">The lease is unknown, or already ended (acked, released, expired).</exception>
    public Task AckAsync(long leaseId, CancellationToken cancellationToken = default) =>
        LeaseCallAsync("ack", new PyTuple(leaseId), cancellationToken);

    /// <summary>Puts a leased item back at the front of the queue, at once or after <paramref name="delay"/> (<c>release</c>).</summary>
    /// <exception cref="KeyNotFoundException">The lease is unknown or already ended.</exception>
    public Task ReleaseAsync(long leaseId, TimeSpan delay = default, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero, nameof(delay));
        return LeaseCallAsync("release", delay == TimeSpan.Zero ? new PyTuple(leaseId) : new PyTuple(leaseId, delay.TotalSeconds), cancellationToken);
    }

    /// <summary>Restarts a lease's time-to-run (<c>touch</c>): the item is still being worked on.</summary>
    /// <exception cref="KeyNotFoundException">The lease is unknown or already ended.</exception>
    public Task TouchAsync(long leaseId, CancellationToken cancellationToken = default) =>
        LeaseCallAsync("touch", new PyTuple(leaseId), cancellationToken);

    /// <summary>A lease call; the server's KeyError becomes <see cref="KeyNotFoundException"/>, as from a <see cref="LocalQueue{T}"/>.</summary>
    private async Task LeaseCallAsync(string method, PyTuple args, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync(method, args, NoKwargs, cancellationToken).ConfigureAwait(false);
        }
        catch (RemoteException e) when (e.ReplyKind == WireLiterals.Error && e.RemoteType == "builtins.KeyError")
        {
            throw new KeyNotFoundException(e.RemoteMessage, e);
        }
    }

    /// <summary>Calls any exposed method by its Python name (e.g. an extension method of our server's queues).</summary>
    public Task<object?> CallAsync(string method, PyTuple args, IReadOnlyDictionary<string, object?> kwargs, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _client.CallAsync(Token.Id, method, args, kwargs, cancellationToken);
    }

    private static Dictionary<string, object?> TimeoutKwargs(TimeSpan? timeout)
    {
        if (timeout is not { } t || t == Timeout.InfiniteTimeSpan)
        {
            return NoKwargs;
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(t, TimeSpan.Zero, nameof(timeout));
        return new Dictionary<string, object?> { ["timeout"] = t.TotalSeconds };
    }

    /// <summary>Releases the server-side reference (<c>decref</c>). Best effort if the server is gone.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        try
        {
            await _client.DecRefAsync(Token.Id).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or RemoteException or Auth.ManagerAuthenticationException)
        {
            // The server is gone or restarted: there is no reference left to release.
        }
    }
}
