using Factorizer.Managers.Wire;
using Factorizer.Pickle;

namespace Factorizer.Managers.Client.Proxies;

/// <summary>
/// One acquisition of a lock, semaphore or condition, released by <see cref="ReleaseAsync"/> or by
/// <c>await using</c>. It keeps the call channel that acquired, because the server knows an owner by its
/// connection (an RLock's or Condition's, as CPython's server knows one by its serving thread): the
/// release, and a condition's wait and notify, must come over that same channel. Not for concurrent use.
/// </summary>
public class LockHold : IAsyncDisposable
{
    private static readonly Dictionary<string, object?> NoKwargs = [];
    private readonly SharedProxy _lock;
    private ClientConnection? _channel; // the owner's channel; null once released, or once it broke
    private int _busy; // 1 while a call is on the channel

    internal LockHold(SharedProxy heldLock, ClientConnection channel)
    {
        _lock = heldLock;
        _channel = channel;
    }

    /// <summary>Whether this hold has not been released yet (nor lost with its connection).</summary>
    public bool IsHeld => Volatile.Read(ref _channel) is not null;

    /// <summary>
    /// <c>acquire(timeout)</c> over a channel of its own; returns the channel when acquired (the caller
    /// keeps it in a hold), or null when <paramref name="timeout"/> passed first (the channel goes back).
    /// </summary>
    internal static async Task<ClientConnection?> AcquireAsync(SharedProxy target, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        // Python's acquire(blocking=True, timeout=-1): no arguments block, (False,) tries once.
        PyTuple args = ProxyArgs.Seconds(timeout) is double seconds
            ? seconds == 0 ? new PyTuple(false) : new PyTuple(true, seconds)
            : PyTuple.Empty;
        ManagerClient client = target.Client;
        ClientConnection channel = await client.RentChannelAsync(cancellationToken).ConfigureAwait(false);
        // On a failure the channel is closed, and our server gives back what that connection held.
        Reply reply = await ManagerClient.RequestOnAsync(channel, new Request(target.Token.Id, "acquire", args, NoKwargs), cancellationToken).ConfigureAwait(false);
        object? acquired;
        try
        {
            acquired = client.ResultOf(reply);
        }
        finally
        {
            if (reply.Kind != WireLiterals.Return || reply.Payload is not true)
            {
                client.ReturnChannel(channel);
            }
        }
        return acquired switch
        {
            true => channel,
            false => null,
            _ => throw new RemoteException(WireLiterals.Return, "ProtocolError", $"acquire returned {PyRepr.Of(acquired, 80)}", null),
        };
    }

    /// <summary>Calls <paramref name="method"/> on the held object over the owner's channel.</summary>
    /// <exception cref="InvalidOperationException">The hold was released, or another call on it is in progress.</exception>
    private protected async Task<object?> CallAsOwnerAsync(string method, PyTuple args, CancellationToken cancellationToken)
    {
        ClientConnection channel = Volatile.Read(ref _channel) ?? throw new InvalidOperationException("the lock is no longer held through this hold");
        EnterCall();
        try
        {
            Reply reply;
            try
            {
                reply = await ManagerClient.RequestOnAsync(channel, new Request(_lock.Token.Id, method, args, NoKwargs), cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                Volatile.Write(ref _channel, null); // the channel is closed: the server has dropped this owner
                throw;
            }
            return _lock.Client.ResultOf(reply);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>
    /// <c>release()</c> over the owner's channel, which then goes back to the client's pool. Does nothing
    /// when already released, or when the connection broke (our server released the lock then).
    /// </summary>
    /// <exception cref="RemoteException">The server refused (a plain Lock someone else released: <c>RuntimeError</c>).</exception>
    public async Task ReleaseAsync(CancellationToken cancellationToken = default)
    {
        EnterCall();
        ClientConnection? channel = Interlocked.Exchange(ref _channel, null);
        try
        {
            if (channel is null)
            {
                return;
            }
            Reply reply = await ManagerClient.RequestOnAsync(channel, new Request(_lock.Token.Id, "release", PyTuple.Empty, NoKwargs), cancellationToken).ConfigureAwait(false);
            _lock.Client.ReturnChannel(channel);
            _lock.Client.ResultOf(reply);
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>Releases the hold (<see cref="ReleaseAsync"/>); a lost connection is not an error here.</summary>
    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        try
        {
            await ReleaseAsync().ConfigureAwait(false);
        }
        catch (ManagerConnectionException)
        {
            // The owner's connection is gone: our server has given back what it held, and there is no one to tell.
        }
    }

    private void EnterCall()
    {
        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException("another call on this hold is in progress");
        }
    }
}
