using Factorizer.Managers.Framing;
using Factorizer.Managers.Queues;
using Factorizer.Managers.Wire;
using Factorizer.Pickle;

namespace Factorizer.Managers.Server;

/// <summary>
/// The method-call channel after <c>accept_connection</c> (docs/protocol.md §3.3): requests are
/// served strictly one after another, each answered with #RETURN, #ERROR, #TRACEBACK or
/// #UNSERIALIZABLE exactly where CPython would.
/// </summary>
/// <remarks>
/// While a call runs (a blocked <c>get</c>, say), the next frame is already being read: a client
/// never sends before its reply, so that read only completes early when the peer goes away, and
/// then the call is cancelled. A <c>get</c> cancelled that way takes no item, so an item is never
/// handed to a peer that cannot receive it.
/// </remarks>
internal sealed class CallLoop(ManagerServer server, MessageChannel channel, SessionInfo caller, ISet<ISharedObject> called)
{
    /// <summary>
    /// Refused pickles (denied globals) a call channel may send in a row before it is cut off. One is a mistake
    /// (a user put something the denylist refuses) and the proxy must stay usable; a run of them is a probe.
    /// </summary>
    public const int MaxRefusalsInRow = 10;

    public async Task RunAsync(CancellationToken stopping)
    {
        Task<byte[]?> next = ReadAsync(stopping);
        int refusalsInRow = 0;
        while (true)
        {
            byte[]? frame;
            try
            {
                frame = await next.ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                LogBroken(e);
                return;
            }
            if (frame is null)
            {
                return; // EOF: the normal end of a call channel.
            }
            RequestProblem problem = ServerSession.DecodeRequest(frame, out Request? request, out Reply? failure);
            refusalsInRow = problem == RequestProblem.Hostile ? refusalsInRow + 1 : 0;
            switch (problem)
            {
                case RequestProblem.Truncated:
                    return; // CPython: EOFError ends the thread without a reply.
                case RequestProblem.Hostile when refusalsInRow >= MaxRefusalsInRow:
                    // A run of pickles that would run code is a probe, not a mistake: answer the last, then cut the peer off.
                    server.LogConnection("refused pickles, cut off", $"connection {caller}: {ServerSession.LastLine(failure!)}; {refusalsInRow} refused in a row; closed");
                    await TrySendAsync(failure!, stopping).ConfigureAwait(false);
                    return;
                case RequestProblem.Hostile:
                    // The frame was read whole, so the channel is still in step: answer and keep serving.
                    server.LogConnection("refused pickle", $"connection {caller}: {ServerSession.LastLine(failure!)}");
                    next = ReadAsync(stopping);
                    await SendAsync(failure!, stopping).ConfigureAwait(false);
                    continue;
                case RequestProblem.Malformed:
                    next = ReadAsync(stopping);
                    await SendAsync(failure!, stopping).ConfigureAwait(false);
                    continue;
            }
            NestedProxies.Keep(frame, request!, server.Objects);
            using var call = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            next = ReadAsync(stopping);
            Task<(Reply Reply, ISharedObject? Target, SharedCall? Call)> reply = InvokeAsync(request!, call.Token);
            if (await Task.WhenAny(reply, next).ConfigureAwait(false) == next && !reply.IsCompleted)
            {
                // The peer sent something or went away mid-call; on EOF or error, cancel the call.
                if (next.IsFaulted || next.IsCanceled || next.Result is null)
                {
                    await call.CancelAsync().ConfigureAwait(false);
                }
            }
            (Reply result, ISharedObject? target, SharedCall? done) = await reply.ConfigureAwait(false);
            bool peerGone = next.IsCompleted && (next.IsFaulted || next.IsCanceled || next.Result is null);
            if (peerGone || !await TrySendAsync(result, stopping).ConfigureAwait(false))
            {
                // Nobody left to answer: let the object undo what the caller never saw.
                if (target is not null && result.Kind == WireLiterals.Return)
                {
                    await target.ReplyLostAsync(done!, result.Payload).ConfigureAwait(false);
                }
                else if (result is { Kind: WireLiterals.Proxy, Payload: PyTuple { Count: 2 } proxied } && proxied[1] is Token token)
                {
                    // No proxy will ever hold the new object: drop the server's own reference to it.
                    server.Objects.DecRef(token.Id);
                }
                return;
            }
        }
    }

    private Task<byte[]?> ReadAsync(CancellationToken stopping) => channel.ReadFrameAsync(stopping).AsTask();

    private async Task<(Reply, ISharedObject?, SharedCall?)> InvokeAsync(Request request, CancellationToken cancellationToken)
    {
        if (request.Ident is null || !server.Objects.TryGet(request.Ident, out ISharedObject target))
        {
            return (Reply.Traceback(PythonTraceback.Format("KeyError", $"'{request.Ident}'", "serve_client")), null, null);
        }
        if (!target.ExposedMethods.Contains(request.Method))
        {
            Reply fallback = request.Method switch
            {
                "__str__" or "__repr__" => Reply.Return(target.ToString()),
                WireLiterals.GetValue when target.TryCopyValue(out object? copy) => Reply.Return(copy),
                WireLiterals.GetValue => new Reply(WireLiterals.Unserializable,
                    PythonTraceback.Format("TypeError", $"cannot pickle '{target.GetType().Name}' object", "serve_client")),
                _ => Reply.Traceback(PythonTraceback.Format("AttributeError",
                    $"method '{request.Method}' of {target.GetType().Name} object is not in the exposed list", "serve_client")),
            };
            return (fallback, null, null);
        }
        var call = new SharedCall(request.Method, request.Args, request.Kwargs, caller);
        called.Add(target); // told when this connection closes (ISharedObject.SessionClosedAsync)
        try
        {
            object? result = await target.InvokeAsync(call, cancellationToken).ConfigureAwait(false);
            return result is ProxiedResult proxied ? (ProxyReply(proxied), null, null) : (Reply.Return(result), target, call);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (Reply.Error(PyException.Builtin("ConnectionAbortedError", "call cancelled: the server is stopping or the client went away")), null, null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return (Reply.Error(ToPython(call, e)), null, null);
        }
    }

    /// <summary>
    /// Shares a method's <see cref="ProxiedResult"/> with one reference, which the caller's new proxy replaces by its
    /// own (CPython's <c>serve_client</c> does the same <c>create</c> for a <c>method_to_typeid</c> method).
    /// </summary>
    private Reply ProxyReply(ProxiedResult proxied)
    {
        string ident = server.Objects.AddReference(proxied.Object, proxied.TypeId);
        System.Net.IPEndPoint at = server.EndPoint;
        var token = new Token(proxied.TypeId, at.Address.ToString(), at.Port, ident);
        return new Reply(WireLiterals.Proxy, new PyTuple(new PyTuple([.. proxied.Object.ExposedMethods]), token));
    }

    /// <summary>The one place a C# exception from a shared object becomes a Python exception.</summary>
    private PyException ToPython(SharedCall call, Exception e)
    {
        switch (e)
        {
            case PythonErrorException p:
                return p.Error;
            case QueueEmptyException:
                return PyException.QueueEmpty();
            case QueueFullException:
                return PyException.QueueFull();
            case ArgumentException a:
                return PyException.Builtin("ValueError", a.Message);
            default:
                server.Log($"call {call.Method} from {caller} failed: {e}");
                return PyException.Builtin("RuntimeError", $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Sends a reply; false when the connection broke meanwhile.</summary>
    private async Task<bool> TrySendAsync(Reply reply, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(reply, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
    }

    private async Task SendAsync(Reply reply, CancellationToken cancellationToken)
    {
        byte[] pickle;
        try
        {
            pickle = PyPickle.Dumps(reply.ToValue());
        }
        catch (PicklingException e)
        {
            pickle = PyPickle.Dumps(new Reply(WireLiterals.Unserializable, PythonTraceback.Format("PicklingError", e.Message, "serve_client")).ToValue());
        }
        await channel.SendPickledAsync(pickle, cancellationToken).ConfigureAwait(false);
    }

    private void LogBroken(Exception e)
    {
        if (e is FrameException)
        {
            server.LogConnection("frame error", $"connection {caller}: {e.Message}; closed");
        }
    }
}
