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
/// A call that finishes at once (a put, a get with an item waiting: the common case) is answered
/// before the next frame is read, with no task, timer or extra read in flight. A call that waits
/// (a blocked <c>get</c>, say) has the next frame read meanwhile: a client never sends before its
/// reply, so that read only completes early when the peer goes away, and then the call is
/// cancelled. A <c>get</c> cancelled that way takes no item, so an item is never handed to a peer
/// that cannot receive it. On a connection with a thread of its own (ManagerServerOptions.OwnThreadConnections)
/// every await below completes on that thread until a call has to wait, which moves the connection to the
/// async path.
/// </remarks>
internal sealed class CallLoop(ManagerServer server, MessageChannel channel, SessionInfo caller, ISet<ISharedObject> called)
{
    /// <summary>
    /// Refused pickles (denied globals) a call channel may send in a row before it is cut off. One is a mistake
    /// (a user put something the denylist refuses) and the proxy must stay usable; a run of them is a probe.
    /// </summary>
    public const int MaxRefusalsInRow = 10;

    // The last object called: the set of called objects is only touched when the target changes.
    private ISharedObject? _lastTarget;

    public async Task RunAsync(CancellationToken stopping)
    {
        // One source for every call of this connection: it is only ever cancelled when the connection ends.
        using var calls = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        Task<byte[]?>? next = null; // a read already started while a waiting call ran
        int refusalsInRow = 0;
        while (true)
        {
            if (next is null && channel.HasOwnThread && !server.FewConnections)
            {
                channel.LeaveOwnThread(); // many connections now: the event loop serves them without a thread each
            }
            byte[]? frame;
            try
            {
                frame = next is null
                    ? await channel.ReadFrameAsync(stopping).ConfigureAwait(false)
                    : await next.ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                LogBroken(e);
                return;
            }
            next = null;
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
                    await SendAsync(failure!, stopping).ConfigureAwait(false);
                    continue;
                case RequestProblem.Malformed:
                    await SendAsync(failure!, stopping).ConfigureAwait(false);
                    continue;
            }
            NestedProxies.Keep(frame, request!, server.Objects);
            Reply result;
            bool peerGone = false;
            ValueTask<object?> running = Start(request!, calls.Token, out ISharedObject? target, out SharedCall? call, out Reply? refused);
            if (refused is not null)
            {
                result = refused;
            }
            else if (running.IsCompleted)
            {
                result = Finish(running, call!, calls.Token);
            }
            else
            {
                // The call waits: watch the connection meanwhile, and cancel the call if the peer goes. A connection on a
                // thread of its own moves to the async path first (that read must not block the thread, and a waiting
                // call holds no thread).
                channel.LeaveOwnThread();
                Task<object?> waiting = running.AsTask();
                next = channel.ReadFrameAsync(stopping).AsTask();
                if (await Task.WhenAny(waiting, next).ConfigureAwait(false) == next && !waiting.IsCompleted && PeerGone(next))
                {
                    await calls.CancelAsync().ConfigureAwait(false);
                }
                try
                {
                    await waiting.ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // Finish reads the outcome below.
                }
                result = Finish(new ValueTask<object?>(waiting), call!, calls.Token);
                peerGone = next.IsCompleted && PeerGone(next);
            }
            if (peerGone || !await TrySendAsync(result, stopping).ConfigureAwait(false))
            {
                // Nobody left to answer: let the object undo what the caller never saw.
                if (target is not null && result.Kind == WireLiterals.Return)
                {
                    await target.ReplyLostAsync(call!, result.Payload).ConfigureAwait(false);
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

    private static bool PeerGone(Task<byte[]?> read) => read.IsFaulted || read.IsCanceled || read.Result is null;

    /// <summary>
    /// Finds the target and starts the call. <paramref name="refused"/> is the reply when there is nothing to
    /// call (unknown ident, method not exposed); <paramref name="target"/> is null unless the call ran.
    /// </summary>
    private ValueTask<object?> Start(Request request, CancellationToken cancellationToken, out ISharedObject? target, out SharedCall? call, out Reply? refused)
    {
        call = null;
        refused = null;
        if (request.Ident is null || !server.Objects.TryGet(request.Ident, out ISharedObject found))
        {
            target = null;
            refused = Reply.Traceback(PythonTraceback.Format("KeyError", $"'{request.Ident}'", "serve_client"));
            return default;
        }
        if (!found.ExposedMethods.Contains(request.Method))
        {
            target = null;
            refused = request.Method switch
            {
                "__str__" or "__repr__" => Reply.Return(found.ToString()),
                WireLiterals.GetValue when found.TryCopyValue(out object? copy) => Reply.Return(copy),
                WireLiterals.GetValue => new Reply(WireLiterals.Unserializable,
                    PythonTraceback.Format("TypeError", $"cannot pickle '{found.GetType().Name}' object", "serve_client")),
                _ => Reply.Traceback(PythonTraceback.Format("AttributeError",
                    $"method '{request.Method}' of {found.GetType().Name} object is not in the exposed list", "serve_client")),
            };
            return default;
        }
        target = found;
        call = new SharedCall(request.Method, request.Args, request.Kwargs, caller);
        if (!ReferenceEquals(found, _lastTarget))
        {
            called.Add(found); // told when this connection closes (ISharedObject.SessionClosedAsync)
            _lastTarget = found;
        }
        try
        {
            return found.InvokeAsync(call, cancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return ValueTask.FromException<object?>(e); // an object that throws before its first await
        }
    }

    /// <summary>The reply for a finished call: #RETURN, or #ERROR with the Python exception.</summary>
    private Reply Finish(ValueTask<object?> finished, SharedCall call, CancellationToken cancellationToken)
    {
        try
        {
            object? value = finished.Result;
            return value is ProxiedResult proxied ? ProxyReply(proxied) : Reply.Return(value);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Reply.Error(PyException.Builtin("ConnectionAbortedError", "call cancelled: the server is stopping or the client went away"));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Reply.Error(ToPython(call, e));
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
