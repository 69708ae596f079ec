using System.Net;
using System.Net.Sockets;
using Factorizer.Managers.Auth;
using Factorizer.Managers.Framing;
using Factorizer.Managers.Wire;
using Factorizer.Pickle;

namespace Factorizer.Managers.Server;

/// <summary>
/// One accepted connection: handshake, then one control request (docs/protocol.md §3.1–3.2), or,
/// after <c>accept_connection</c>, the sequential method-call loop (§3.3).
/// </summary>
internal sealed class ServerSession : IAsyncDisposable
{
    private readonly ManagerServer _server;
    private readonly Socket _socket;
    private readonly ThreadBoundSocketStream _stream;
    private readonly MessageChannel _channel;

    public ServerSession(ManagerServer server, Socket socket, long id)
    {
        _server = server;
        _socket = socket;
        var remote = socket.RemoteEndPoint as IPEndPoint;
        Info = new SessionInfo(id, remote?.Address.ToString() ?? "?", remote?.Port ?? 0);
        _stream = new ThreadBoundSocketStream(socket);
        _channel = new MessageChannel(_stream, server.Options.MaxFrameLength, server.Options.FrameReadTimeout, server.Options.Time);
    }

    public SessionInfo Info { get; }

    /// <summary>
    /// Serves this connection on the calling thread, blocking it in the kernel for each message, until the
    /// session ends or moves to the async path (a call that must wait, too many connections); then returns
    /// the session's task, which the async path completes.
    /// </summary>
    public Task RunOnThisThread(Func<Task> run)
    {
        _stream.Bind();
        try
        {
            return run();
        }
        finally
        {
            _stream.Release();
        }
    }

    /// <summary>
    /// The objects this connection called methods on, told when it closes. Only the call loop adds
    /// (one call at a time) and only the server reads after the loop has ended, so no lock.
    /// </summary>
    public HashSet<ISharedObject> CalledObjects { get; } = new(ReferenceEqualityComparer.Instance);

    private ObjectTable Objects => _server.Objects;

    public async Task RunAsync(CancellationToken stopping)
    {
        if (!await AuthenticateAsync(stopping).ConfigureAwait(false))
        {
            return;
        }
        byte[]? frame = await ReadFirstRequestAsync(stopping).ConfigureAwait(false);
        if (frame is null)
        {
            return;
        }
        RequestProblem problem = DecodeRequest(frame, out Request? request, out Reply? failure);
        if (problem != RequestProblem.None)
        {
            if (problem == RequestProblem.Hostile)
            {
                _server.LogConnection("refused pickle", $"connection from {Info}: {LastLine(failure!)}; closed");
            }
            // Unlike the call loop, CPython's request handler answers an empty or truncated pickle too.
            await SendAsync(failure!, stopping).ConfigureAwait(false);
            return;
        }
        NestedProxies.Keep(frame, request!, Objects); // create's arguments may hold proxies: m.list([m.dict()])
        await HandleControlAsync(request!, stopping).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the one request of a fresh connection, within the handshake timeout again: an
    /// authenticated peer that goes quiet must not hold a connection slot for ever.
    /// </summary>
    private async Task<byte[]?> ReadFirstRequestAsync(CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(_server.Options.HandshakeTimeout);
        try
        {
            return await _channel.ReadFrameAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            _server.LogConnection("no request", $"connection from {Info}: no request within {_server.Options.HandshakeTimeout.TotalSeconds:0.#} s after the handshake; closed");
            return null;
        }
    }

    private async Task<bool> AuthenticateAsync(CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(_server.Options.HandshakeTimeout);
        try
        {
            await Handshake.RunAsServerAsync(_channel.Frames, _server.Options.AuthKey, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            _server.LogConnection("handshake timeout", $"connection from {Info}: handshake not completed within {_server.Options.HandshakeTimeout.TotalSeconds:0.#} s; closed");
        }
        catch (ManagerAuthenticationException e)
        {
            _server.LogConnection("authentication failed", $"connection from {Info}: authentication failed: {e.Message}; closed");
        }
        catch (IOException e)
        {
            _server.LogConnection("handshake broken off", $"connection from {Info}: handshake broken off: {e.Message}");
        }
        return false;
    }

    /// <summary>One control request (CPython's <c>Server.public</c>), one reply; then the connection closes.</summary>
    private async Task HandleControlAsync(Request request, CancellationToken stopping)
    {
        switch (request.Method)
        {
            case WireLiterals.AcceptConnection:
                Info.Name = request.Args.Count > 0 && request.Args[0] is string name ? name : "unnamed";
                await SendAsync(Reply.None, stopping).ConfigureAwait(false);
                await new CallLoop(_server, _channel, Info, CalledObjects).RunAsync(stopping).ConfigureAwait(false);
                return;
            case WireLiterals.Shutdown when _server.Options.AllowRemoteShutdown:
                // CPython replies twice: once from shutdown() itself, once from the request handler.
                await SendAsync(Reply.None, stopping).ConfigureAwait(false);
                await SendAsync(Reply.None, stopping).ConfigureAwait(false);
                _server.Log($"shutdown requested by {Info}");
                _server.RequestStop();
                return;
            default:
                await SendAsync(Control(request), stopping).ConfigureAwait(false);
                return;
        }
    }

    private Reply Control(Request request) => request.Method switch
    {
        WireLiterals.Create => Create(request),
        WireLiterals.IncRef => WithIdent(request, ident => Objects.IncRef(ident)),
        WireLiterals.DecRef => WithIdent(request, ident => Objects.DecRef(ident)),
        WireLiterals.GetMethods => GetMethods(request),
        WireLiterals.DebugInfo => Reply.Return(Objects.DebugInfo()),
        WireLiterals.NumberOfObjects => Reply.Return((long)Objects.Count),
        WireLiterals.Dummy => Reply.None,
        _ => Reply.Traceback(PythonTraceback.Format("AssertionError", $"'{request.Method}' unrecognized", "_handle_request")),
    };

    private Reply Create(Request request)
    {
        if (request.Args.Count < 1 || request.Args[0] is not string typeId)
        {
            return Reply.Traceback(PythonTraceback.Format("TypeError", "create() missing required argument 'typeid'", "create"));
        }
        if (!_server.Options.Registry.TryGet(typeId, out SharedObjectFactory? factory))
        {
            return Reply.Traceback(PythonTraceback.Format("KeyError", $"'{typeId}'", "create"));
        }
        ISharedObject obj;
        try
        {
            obj = factory(new PyTuple([.. request.Args.Skip(1)]), request.Kwargs);
        }
        catch (PythonErrorException e)
        {
            return Reply.Traceback(PythonTraceback.Format(e.Error.Name, e.Error.Message, "create"));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _server.Log($"create('{typeId}') from {Info} failed: {e}");
            return Reply.Traceback(PythonTraceback.Format("RuntimeError", $"{e.GetType().Name}: {e.Message}", "create"));
        }
        string ident = Objects.AddReference(obj, typeId);
        return Reply.Return(new PyTuple(ident, new PyTuple([.. obj.ExposedMethods])));
    }

    private Reply GetMethods(Request request)
    {
        if (request.Args.Count == 1 && request.Args[0] is Token token && Objects.TryGet(token.Id, out ISharedObject obj))
        {
            return Reply.Return(new PyTuple([.. obj.ExposedMethods]));
        }
        return Reply.Traceback(PythonTraceback.Format("KeyError", "unknown token", "get_methods"));
    }

    private static Reply WithIdent(Request request, Func<string, bool> action)
    {
        if (request.Args.Count != 1 || request.Args[0] is not string ident)
        {
            return Reply.Traceback(PythonTraceback.Format("TypeError", $"{request.Method}() takes exactly one ident", request.Method));
        }
        return action(ident) ? Reply.None : Reply.Traceback(PythonTraceback.Format("KeyError", $"'{ident}'", request.Method));
    }

    /// <summary>
    /// Decodes a request frame. On a problem, <paramref name="failure"/> is the #TRACEBACK to answer
    /// (CPython closes without one for a truncated pickle in the call loop).
    /// </summary>
    internal static RequestProblem DecodeRequest(byte[] frame, out Request? request, out Reply? failure)
    {
        request = null;
        failure = null;
        object? value;
        try
        {
            value = MessageChannel.Decode(frame);
        }
        catch (TruncatedPickleException)
        {
            failure = Reply.Traceback(PythonTraceback.Format("EOFError", "Ran out of input", "recv"));
            return RequestProblem.Truncated;
        }
        catch (UnpicklingException e)
        {
            failure = Reply.Traceback(PythonTraceback.Format("_pickle.UnpicklingError", e.Message, "recv"));
            return e is ForbiddenGlobalException ? RequestProblem.Hostile : RequestProblem.Malformed;
        }
        if (!Request.TryParse(value, out request, out string? error))
        {
            int colon = error!.IndexOf(": ", StringComparison.Ordinal);
            failure = Reply.Traceback(PythonTraceback.Format(error[..colon], error[(colon + 2)..], "serve_client"));
            return RequestProblem.Malformed;
        }
        return RequestProblem.None;
    }

    /// <summary>The <c>Type: message</c> line of a traceback reply, for the log.</summary>
    internal static string LastLine(Reply reply) => ((string)reply.Payload!).TrimEnd().Split('\n')[^1];

    private ValueTask SendAsync(Reply reply, CancellationToken cancellationToken) =>
        _channel.SendAsync(reply.ToValue(), cancellationToken);

    /// <summary>Closes the socket now (server stopping); a pending read or write fails and the session ends.</summary>
    public void Abort()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
        _socket.Dispose();
    }

    public ValueTask DisposeAsync() => _channel.DisposeAsync();
}
