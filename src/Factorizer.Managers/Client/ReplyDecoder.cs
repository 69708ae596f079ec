using Factorizer.Managers.Queues;
using Factorizer.Managers.Wire;
using Factorizer.Pickle;

namespace Factorizer.Managers.Client;

/// <summary>
/// The one place a reply becomes a result or an exception (CPython's <c>convert_to_error</c>):
/// #RETURN → value; #ERROR → the remote exception (queue.Empty/Full as <see cref="QueueEmptyException"/>/
/// <see cref="QueueFullException"/>); #TRACEBACK/#UNSERIALIZABLE → <see cref="RemoteException"/>;
/// #PROXY → a <see cref="ProxyReply"/> (the client wraps it in a proxy that owns the reference).
/// </summary>
internal static class ReplyDecoder
{
    public static object? ResultOf(Reply reply)
    {
        switch (reply.Kind)
        {
            case WireLiterals.Return:
                return reply.Payload;
            case WireLiterals.Error when reply.Payload is PyException e:
                throw e.IsQueueEmpty ? new QueueEmptyException()
                    : e.IsQueueFull ? new QueueFullException()
                    : new RemoteException(reply.Kind, e.QualifiedName, e.Message, e.Module == "multiprocessing.managers" ? e.Message : null, e.Args);
            case WireLiterals.Error when reply.Payload is PyObject inert:
                // An exception of a class off the whitelist (a user's own, say) arrives inert: its args are its message.
                throw new RemoteException(reply.Kind, inert.Type.ToString(), inert.Args.Count == 1 && inert.Args[0] is string s ? s : PyRepr.Of(inert.Args), null, inert.Args);
            case WireLiterals.Proxy when ProxyReply.TryParse(reply.Payload, out ProxyReply? proxy):
                return proxy;
            case WireLiterals.Traceback or WireLiterals.Unserializable when reply.Payload is string text:
                (string type, string message) = LastLine(text);
                throw new RemoteException(reply.Kind, type, message, text);
            default:
                throw new RemoteException(reply.Kind, "ProtocolError", $"unexpected reply {PyRepr.Of(reply.ToValue(), 120)}", null);
        }
    }

    /// <summary>Python tracebacks end in <c>Type: message</c>.</summary>
    private static (string Type, string Message) LastLine(string traceback)
    {
        string last = traceback.TrimEnd().Split('\n')[^1].Trim();
        int colon = last.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 && !last[..colon].Contains(' ', StringComparison.Ordinal)
            ? (last[..colon], last[(colon + 2)..])
            : ("RemoteError", last);
    }
}
