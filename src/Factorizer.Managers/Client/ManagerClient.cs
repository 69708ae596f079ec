using System.Collections.Concurrent;
using Factorizer.Managers.Client.Proxies;
using Factorizer.Managers.Wire;
using Factorizer.Pickle;

namespace Factorizer.Managers.Client;

/// <summary>
/// A client of a manager server (CPython's <c>BaseManager.connect()</c> side). Control calls
/// (create, incref, decref…) each use a fresh connection as CPython's do; method calls go over
/// pooled <c>accept_connection</c> channels, one per concurrent caller, so a blocked call never
/// holds up another. Thread-safe.
/// </summary>
public sealed class ManagerClient : IAsyncDisposable
{
    private readonly ManagerClientOptions _options;
    private static readonly Dictionary<string, object?> NoKwargs = [];
    private readonly ConcurrentBag<ClientConnection> _idleChannels = [];
    private ClientConnection? _spareChannel; // the last channel returned: a lone caller takes it back without the bag
    private volatile bool _disposed;

    private ManagerClient(ManagerClientOptions options) => _options = options;

    /// <summary>The options this client connects with.</summary>
    public ManagerClientOptions Options => _options;

    /// <summary>
    /// Connects to a manager and checks it answers (a <c>dummy</c> call, like <c>BaseManager.connect</c>).
    /// Throws <see cref="ManagerConnectionException"/> when it cannot be reached and
    /// <see cref="Auth.ManagerAuthenticationException"/> when the keys differ.
    /// </summary>
    public static async Task<ManagerClient> ConnectAsync(ManagerClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var client = new ManagerClient(options);
        await client.ControlAsync(WireLiterals.Dummy, PyTuple.Empty, cancellationToken).ConfigureAwait(false);
        return client;
    }

    /// <summary>Runs one control call on a connection of its own and returns its result.</summary>
    public async Task<object?> ControlAsync(string function, PyTuple args, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await using ClientConnection connection = await ClientConnection.OpenAsync(_options, cancellationToken).ConfigureAwait(false);
        Reply reply = await connection.RequestAsync(new Request(null, function, args, new Dictionary<string, object?>()), cancellationToken).ConfigureAwait(false);
        return ReplyDecoder.ResultOf(reply);
    }

    /// <summary>
    /// <c>create(typeid, *args)</c>: makes or finds the shared object and holds one reference to it,
    /// which <see cref="DecRefAsync"/> gives back. Returns its token and exposed method names.
    /// </summary>
    public async Task<(Token Token, IReadOnlyList<string> Exposed)> CreateAsync(string typeId, object?[] args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        object? result = await ControlAsync(WireLiterals.Create, new PyTuple([typeId, .. args]), cancellationToken).ConfigureAwait(false);
        if (result is not PyTuple { Count: 2 } pair || pair[0] is not string ident || pair[1] is not PyTuple exposed)
        {
            throw new RemoteException(WireLiterals.Return, "ProtocolError", $"create returned {PyRepr.Of(result, 80)}", null);
        }
        return (new Token(typeId, _options.Host, _options.Port, ident), [.. exposed.OfType<string>()]);
    }

    /// <summary><c>incref(ident)</c>.</summary>
    public Task IncRefAsync(string ident, CancellationToken cancellationToken = default) =>
        ControlAsync(WireLiterals.IncRef, new PyTuple(ident), cancellationToken);

    /// <summary><c>decref(ident)</c>.</summary>
    public Task DecRefAsync(string ident, CancellationToken cancellationToken = default) =>
        ControlAsync(WireLiterals.DecRef, new PyTuple(ident), cancellationToken);

    /// <summary>Asks the server to shut down (it may refuse).</summary>
    public async Task ShutdownServerAsync(CancellationToken cancellationToken = default)
    {
        await using ClientConnection connection = await ClientConnection.OpenAsync(_options, cancellationToken).ConfigureAwait(false);
        Reply reply = await connection.RequestAsync(Request.Of(null, WireLiterals.Shutdown), cancellationToken).ConfigureAwait(false);
        ReplyDecoder.ResultOf(reply);
    }

    /// <summary>
    /// Calls <paramref name="method"/> on the object <paramref name="ident"/>. Cancelling closes the
    /// channel, so the server cancels a blocked call instead of finishing it for nobody. A method that
    /// answers with a new shared object (<c>#PROXY</c>, e.g. a dict's <c>__iter__</c>) returns an
    /// <see cref="AutoProxy"/> that holds its reference: dispose it.
    /// </summary>
    public async Task<object?> CallAsync(string ident, string method, PyTuple args, IReadOnlyDictionary<string, object?>? kwargs = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ClientConnection channel = await RentChannelAsync(cancellationToken).ConfigureAwait(false);
        Reply reply = await RequestOnAsync(channel, new Request(ident, method, args, kwargs ?? NoKwargs), cancellationToken).ConfigureAwait(false);
        ReturnChannel(channel);
        return ResultOf(reply);
    }

    /// <summary>
    /// One request over a channel the caller holds (rented with <see cref="RentChannelAsync"/>). On any
    /// failure the channel is disposed: its state is unknown (a reply may still be on its way), so it is
    /// never reused.
    /// </summary>
    internal static async Task<Reply> RequestOnAsync(ClientConnection channel, Request request, CancellationToken cancellationToken)
    {
        try
        {
            return await channel.RequestAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await channel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The result of a call's reply; a <c>#PROXY</c> reply becomes a proxy owning the new object's reference.</summary>
    internal object? ResultOf(Reply reply) => ReplyDecoder.ResultOf(reply) switch
    {
        // The server's token names the address it bound; this client reaches it at Options' (as CPython's _callmethod does).
        ProxyReply p => new AutoProxy(this, p.Token with { Host = _options.Host, Port = _options.Port }, p.Exposed),
        var result => result,
    };

    /// <summary>
    /// Calls <paramref name="method"/> on the object <paramref name="ident"/> synchronously: the calling thread
    /// sends the request and blocks until the reply wakes it, the quickest round trip there is (one wake-up, no
    /// thread-pool hop; docs/performance.md). For a thread of its own, such as a worker loop; from async code,
    /// or on a thread-pool thread, use <see cref="CallAsync"/>. A call that waits (a blocking get) holds the
    /// thread, and cannot be cancelled, as with CPython's proxies.
    /// </summary>
    public object? Call(string ident, string method, PyTuple args, IReadOnlyDictionary<string, object?>? kwargs = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ClientConnection channel = TakeIdle() ?? OpenChannel();
        Reply reply;
        try
        {
            reply = channel.Request(new Request(ident, method, args, kwargs ?? NoKwargs));
        }
        catch
        {
            // As in CallAsync: a channel in an unknown state is never reused.
            channel.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
        ReturnChannel(channel);
        return ResultOf(reply);
    }

    /// <summary>
    /// Makes several calls in one round trip, synchronously (as <see cref="Call"/>): all the requests leave in one
    /// write on one channel, and the server answers them in order, one after another, exactly as if each had
    /// waited for the one before (so <c>put</c> on the result queue and <c>get</c> on the job queue cost a
    /// worker one round trip, not two). Returns the results in order. Every call is made even when an earlier
    /// one fails; the first failure is then thrown, after all replies are in. A call that waits (a blocking
    /// get) holds up the ones after it.
    /// </summary>
    public object?[] CallAll(IReadOnlyList<(string Ident, string Method, PyTuple Args)> calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        ObjectDisposedException.ThrowIf(_disposed, this);
        ClientConnection channel = TakeIdle() ?? OpenChannel();
        Reply[] replies;
        try
        {
            replies = channel.RequestAll([.. calls.Select(c => new Request(c.Ident, c.Method, c.Args, NoKwargs))]);
        }
        catch
        {
            channel.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
        ReturnChannel(channel);
        var results = new object?[replies.Length];
        Exception? first = null;
        for (int i = 0; i < replies.Length; i++)
        {
            try
            {
                results[i] = ResultOf(replies[i]);
            }
            catch (Exception e) when (e is RemoteException or Queues.QueueEmptyException or Queues.QueueFullException)
            {
                first ??= e;
            }
        }
        if (first is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }
        return results;
    }

    /// <summary>
    /// A typed proxy for a queue registered as <paramref name="typeId"/> (the seed's <c>get_job_q</c>, or
    /// <c>get_queue</c> with a name argument). Dispose it to release the server-side reference.
    /// </summary>
    public async Task<QueueProxy<T>> GetQueueAsync<T>(string typeId, object?[]? args = null, CancellationToken cancellationToken = default)
    {
        (Token token, _) = await CreateAsync(typeId, args ?? [], cancellationToken).ConfigureAwait(false);
        return new QueueProxy<T>(this, token);
    }

    /// <summary>An idle call channel, or a new one (connected and past <c>accept_connection</c>).</summary>
    internal async Task<ClientConnection> RentChannelAsync(CancellationToken cancellationToken)
    {
        if (TakeIdle() is { } reused)
        {
            return reused;
        }
        ClientConnection channel = await ClientConnection.OpenAsync(_options, cancellationToken).ConfigureAwait(false);
        try
        {
            Reply reply = await channel.RequestAsync(Request.Of(null, WireLiterals.AcceptConnection, _options.ConnectionName), cancellationToken).ConfigureAwait(false);
            ReplyDecoder.ResultOf(reply);
            return channel;
        }
        catch
        {
            await channel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// A new call channel opened on the calling thread with blocking calls only (<see cref="ClientConnection.Open"/>),
    /// for the synchronous calls: it stays out of the socket engine's event loop until an async call uses it.
    /// </summary>
    private ClientConnection OpenChannel()
    {
        ClientConnection channel = ClientConnection.Open(_options);
        try
        {
            ReplyDecoder.ResultOf(channel.Request(Request.Of(null, WireLiterals.AcceptConnection, _options.ConnectionName)));
            return channel;
        }
        catch
        {
            channel.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>Gives back a channel whose last request got its whole reply.</summary>
    internal void ReturnChannel(ClientConnection channel)
    {
        if (Interlocked.CompareExchange(ref _spareChannel, channel, null) is not null)
        {
            _idleChannels.Add(channel);
        }
        if (_disposed && TakeIdle() is { } late)
        {
            _ = late.DisposeAsync();
        }
    }

    private ClientConnection? TakeIdle() =>
        Interlocked.Exchange(ref _spareChannel, null) ?? (_idleChannels.TryTake(out ClientConnection? idle) ? idle : null);

    /// <summary>Closes the pooled call channels (proxies should be disposed first).</summary>
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        while (TakeIdle() is { } channel)
        {
            await channel.DisposeAsync().ConfigureAwait(false);
        }
    }
}
