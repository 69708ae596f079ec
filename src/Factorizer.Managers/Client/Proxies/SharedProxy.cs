using Factorizer.Managers.Auth;
using Factorizer.Managers.Wire;
using Factorizer.Pickle;

namespace Factorizer.Managers.Client.Proxies;

/// <summary>
/// A proxy for one shared object on a manager (CPython's <c>BaseProxy</c>): its <see cref="Token"/>, one
/// server-side reference held from creation until <see cref="DisposeAsync"/> gives it back (<c>decref</c>),
/// and <see cref="CallAsync"/> for any exposed method by its Python name. Typed proxies derive from it;
/// a proxy for a typeid of your own can too, taking over an <see cref="AutoProxy"/>'s reference.
/// </summary>
public abstract class SharedProxy : IAsyncDisposable
{
    private int _released; // 1 once the reference is given back (disposed) or handed over to another proxy

    private protected SharedProxy(ManagerClient client, Token token, IReadOnlyList<string> exposed)
    {
        Client = client;
        Token = token;
        Exposed = exposed;
    }

    /// <summary>
    /// Takes over <paramref name="source"/>'s reference (no incref, no decref): <paramref name="source"/> is
    /// unusable afterwards and its disposal does nothing. For example <c>new DictProxy&lt;string, long&gt;(auto)</c>.
    /// </summary>
    /// <exception cref="ObjectDisposedException"><paramref name="source"/> was disposed or already taken over.</exception>
    protected SharedProxy(SharedProxy source)
    {
        ArgumentNullException.ThrowIfNull(source);
        ObjectDisposedException.ThrowIf(Interlocked.Exchange(ref source._released, 1) != 0, source);
        Client = source.Client;
        Token = source.Token;
        Exposed = source.Exposed;
    }

    /// <summary>The client this proxy calls through.</summary>
    public ManagerClient Client { get; }

    /// <summary>Which object this proxy refers to.</summary>
    public Token Token { get; }

    /// <summary>The method names the server exposed when it made the object; empty for an attached token.</summary>
    public IReadOnlyList<string> Exposed { get; }

    /// <summary>
    /// Calls the exposed method <paramref name="method"/> (Python's spelling, e.g. <c>__getitem__</c>) and
    /// returns its raw pickle value (an <see cref="AutoProxy"/> for a <c>#PROXY</c> reply).
    /// </summary>
    /// <exception cref="RemoteException">The method raised, or is not exposed.</exception>
    /// <exception cref="ManagerConnectionException">The manager cannot be reached or went away mid-call.</exception>
    public Task<object?> CallAsync(string method, PyTuple? args = null, IReadOnlyDictionary<string, object?>? kwargs = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return Client.CallAsync(Token.Id, method, args ?? PyTuple.Empty, kwargs, cancellationToken);
    }

    /// <summary>Calls <paramref name="method"/> and converts its result with <see cref="PyConvert"/>.</summary>
    protected async Task<T> CallAsync<T>(string method, PyTuple args, CancellationToken cancellationToken) =>
        PyConvert.ToValue<T>(await CallAsync(method, args, null, cancellationToken).ConfigureAwait(false));

    /// <summary>Throws once the proxy is disposed or its reference handed over.</summary>
    protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _released) != 0, this);

    /// <summary>
    /// Gives the server-side reference back (<c>decref</c>); the object goes when its last reference does.
    /// Best effort: a manager that is gone or restarted holds no reference to give back.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0)
        {
            return;
        }
        GC.SuppressFinalize(this);
        try
        {
            await Client.DecRefAsync(Token.Id).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or RemoteException or ManagerAuthenticationException or ObjectDisposedException)
        {
            // The server is gone or restarted, or the client closed: there is no reference left to release.
        }
    }

    /// <summary><c>typeid</c> and ident, e.g. <c>dict 7f3a…</c>.</summary>
    public override string ToString() => $"{GetType().Name}({Token.TypeId} {Token.Id})";
}
