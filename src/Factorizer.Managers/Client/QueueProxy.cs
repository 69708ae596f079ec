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

    public async ValueTask<int> CountAsync(CancellationToken cancellationToken = default) =>
        PyConvert.ToValue<int>(await CallAsync("qsize", PyTuple.Empty, NoKwargs, cancellationToken).ConfigureAwait(false));

    public async ValueTask TaskDoneAsync(CancellationToken cancellationToken = default) =>
        await CallAsync("task_done", PyTuple.Empty, NoKwargs, cancellationToken).ConfigureAwait(false);

    public async ValueTask JoinAsync(CancellationToken cancellationToken = default) =>
        await CallAsync("join", PyTuple.Empty, NoKwargs, cancellationToken).ConfigureAwait(false);

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
