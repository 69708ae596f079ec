using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Factorizer.Managers.Server;

/// <summary>
/// A manager server: accepts TCP connections, authenticates each, and serves control calls and
/// method calls on the registered shared objects (docs/protocol.md §3). Every connection runs on
/// its own async session; a blocked call holds no thread and never blocks another connection.
/// </summary>
public sealed class ManagerServer : IAsyncDisposable
{
    private readonly ManagerServerOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<long, ServerSession> _sessions = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Lines about single connections come in floods when many peers misbehave (or just connect and leave).
    private readonly LogLimiter _connectionLog;
    private TcpListener? _listener;
    private Task? _acceptLoop;
    private long _nextSessionId;
    private int _open; // _sessions.Count without its locks, read per call by connections on threads of their own
    private int _onOwnThread;

    // A connection thread runs the call loop and the pickle reader and writer: far less than the default 8 MiB.
    private const int OwnThreadStackSize = 256 * 1024;

    /// <summary>Makes a server; call <see cref="Start"/> to listen.</summary>
    public ManagerServer(ManagerServerOptions options)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _connectionLog = new LogLimiter(options.Log, options.Time, options.ConnectionLogLines, options.ConnectionLogInterval);
    }

    internal ObjectTable Objects { get; } = new();

    internal ManagerServerOptions Options => _options;

    /// <summary>The bound address (with the real port when started on port 0).</summary>
    public IPEndPoint EndPoint => (IPEndPoint?)_listener?.LocalEndpoint ?? throw new InvalidOperationException("the server is not started");

    /// <summary>Completes when the server has stopped (by <see cref="StopAsync"/> or a remote <c>shutdown</c>).</summary>
    public Task Completion => _stopped.Task;

    /// <summary>Open connections now.</summary>
    public int ConnectionCount => _sessions.Count;

    /// <summary>Number of shared objects with live references (<c>number_of_objects</c>).</summary>
    public int ObjectCount => Objects.Count;

    /// <summary>Connections that are in the method-call loop (one per client thread or worker).</summary>
    public IReadOnlyList<SessionInfo> CallSessions =>
        [.. _sessions.Values.Where(s => s.Info.Name is not null).Select(s => s.Info)];

    /// <summary>Binds <paramref name="endPoint"/> and starts accepting. Returns the bound address.</summary>
    public IPEndPoint Start(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        if (_listener is not null)
        {
            throw new InvalidOperationException("the server is already started");
        }
        var listener = new TcpListener(endPoint);
        if (endPoint.AddressFamily == AddressFamily.InterNetworkV6 && endPoint.Address.Equals(IPAddress.IPv6Any))
        {
            listener.Server.DualMode = true;
        }
        listener.Start(backlog: 512);
        _listener = listener;
        _acceptLoop = AcceptLoopAsync(listener, _stopping.Token);
        return EndPoint;
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                break;
            }
            catch (SocketException e)
            {
                Log($"accept failed: {e.Message}");
                continue;
            }
            if (_sessions.Count >= _options.MaxConnections)
            {
                LogConnection("too many connections", $"connection from {socket.RemoteEndPoint} refused: {_options.MaxConnections} connections already open");
                socket.Dispose();
                continue;
            }
            socket.NoDelay = true;
            EnableKeepAlive(socket);
            long id = Interlocked.Increment(ref _nextSessionId);
            var session = new ServerSession(this, socket, id);
            _sessions[id] = session;
            if (Interlocked.Increment(ref _open) <= _options.OwnThreadConnections)
            {
                StartOwnThread(session, stopping);
            }
            else
            {
                _ = RunSessionAsync(session, stopping);
            }
        }
    }

    /// <summary>
    /// True while few enough connections are open for each to be served by a thread of its own
    /// (<see cref="ManagerServerOptions.OwnThreadConnections"/>).
    /// </summary>
    internal bool FewConnections => Volatile.Read(ref _open) <= _options.OwnThreadConnections;

    /// <summary>
    /// Serves a connection the way CPython's manager serves each: a thread of its own, blocked in the kernel until
    /// the next message wakes it (one wake-up and two system calls per message; the event loop costs more). The
    /// thread ends when the session ends or moves to the async path: a call that must wait (a blocked get keeps
    /// no thread), or more connections than the limit.
    /// </summary>
    private void StartOwnThread(ServerSession session, CancellationToken stopping)
    {
        var thread = new Thread(() =>
        {
            try
            {
                session.RunOnThisThread(() => RunSessionAsync(session, stopping));
            }
            finally
            {
                Interlocked.Decrement(ref _onOwnThread);
            }
        }, OwnThreadStackSize)
        {
            IsBackground = true,
            Name = "manager connection",
        };
        Interlocked.Increment(ref _onOwnThread);
        try
        {
            thread.UnsafeStart();
        }
        catch (OutOfMemoryException)
        {
            Interlocked.Decrement(ref _onOwnThread);
            _ = RunSessionAsync(session, stopping); // no thread to be had: the async path serves it as well
        }
    }

    /// <summary>Connections served by a thread of their own right now (the rest are on the async path).</summary>
    internal int ConnectionsOnOwnThread => Volatile.Read(ref _onOwnThread);

    /// <summary>
    /// TCP keepalive, so a peer whose host vanished (power, cable) is noticed and its connection
    /// closed (returning what it held) within about a minute and a half, not the OS default of hours.
    /// A stopped process on a live host still answers keepalives: leases catch that.
    /// </summary>
    private static void EnableKeepAlive(Socket socket)
    {
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 30);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 10);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 6);
        }
        catch (Exception e) when (e is SocketException or PlatformNotSupportedException)
        {
            // Not every platform takes every setting; keepalive is a backstop, not a requirement.
        }
    }

    private async Task RunSessionAsync(ServerSession session, CancellationToken stopping)
    {
        try
        {
            await session.RunAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The server is stopping: ending the session is the point.
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A session must never take the server down; its peer is cut off and logged.
            LogConnection("connection failed", $"connection {session.Info}: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            _sessions.TryRemove(session.Info.Id, out _);
            Interlocked.Decrement(ref _open);
            await session.DisposeAsync().ConfigureAwait(false);
            await NotifyObjectsAsync(session).ConfigureAwait(false);
            NotifyClosed(session.Info);
        }
    }

    /// <summary>Tells each object the closed connection called that it is gone (before the app's SessionClosed hook).</summary>
    private async Task NotifyObjectsAsync(ServerSession session)
    {
        foreach (ISharedObject obj in session.CalledObjects)
        {
            try
            {
                await obj.SessionClosedAsync(session.Info).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Log($"session-closed handler of {obj.GetType().Name} failed for {session.Info}: {e.Message}");
            }
        }
    }

    /// <summary>Requests a stop from a session's <c>shutdown</c> call (after its replies are sent).</summary>
    internal void RequestStop() => _ = StopAsync();

    /// <summary>Stops listening, cancels blocked calls, and closes every connection.</summary>
    public async Task StopAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            await _stopped.Task.ConfigureAwait(false);
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Stop();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        foreach (ServerSession session in _sessions.Values)
        {
            session.Abort();
        }
        _stopped.TrySetResult();
    }

    private void NotifyClosed(SessionInfo info)
    {
        try
        {
            _options.SessionClosed?.Invoke(info);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Log($"session-closed handler failed for {info}: {e.Message}");
        }
    }

    internal void Log(string message) => _options.Log?.Invoke(message);

    /// <summary>Logs a line about one connection, rate-limited per <paramref name="kind"/> (ManagerServerOptions.ConnectionLogLines).</summary>
    internal void LogConnection(string kind, string message) => _connectionLog.Write(kind, message);

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
