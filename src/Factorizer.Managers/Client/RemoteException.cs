using Factorizer.Pickle;

namespace Factorizer.Managers.Client;

/// <summary>
/// A call failed on the manager's side. Carries the remote exception's Python type, its message, and
/// the server's traceback text when it sent one (#TRACEBACK, #UNSERIALIZABLE).
/// </summary>
public sealed class RemoteException : Exception
{
    public RemoteException() { }

    public RemoteException(string message) : base(message) { }

    public RemoteException(string message, Exception inner) : base(message, inner) { }

    /// <summary>Makes the exception for one failed reply.</summary>
    public RemoteException(string replyKind, string remoteType, string remoteMessage, string? remoteTraceback)
        : base($"{remoteType}: {remoteMessage}")
    {
        ReplyKind = replyKind;
        RemoteType = remoteType;
        RemoteMessage = remoteMessage;
        RemoteTraceback = remoteTraceback;
    }

    /// <summary>Makes the exception for one failed reply that carried the remote exception's <c>args</c>.</summary>
    public RemoteException(string replyKind, string remoteType, string remoteMessage, string? remoteTraceback, PyTuple remoteArgs)
        : this(replyKind, remoteType, remoteMessage, remoteTraceback) => RemoteArgs = remoteArgs;

    /// <summary>#ERROR, #TRACEBACK or #UNSERIALIZABLE.</summary>
    public string ReplyKind { get; } = "";

    /// <summary>The remote exception type, e.g. <c>builtins.ValueError</c> or <c>KeyError</c>.</summary>
    public string RemoteType { get; } = "";

    /// <summary>The remote exception's message.</summary>
    public string RemoteMessage { get; } = "";

    /// <summary>The server's traceback text, when it sent one.</summary>
    public string? RemoteTraceback { get; }

    /// <summary>
    /// The remote exception's <c>args</c> as sent (a KeyError's key, in its pickle form); empty when the
    /// reply carried only a traceback text.
    /// </summary>
    public PyTuple RemoteArgs { get; } = PyTuple.Empty;

    /// <summary>
    /// True when the remote exception is of the Python type <paramref name="pythonType"/> (the class itself,
    /// not its subclasses), given as <c>KeyError</c> or <c>builtins.KeyError</c>. The module is compared when
    /// both sides name one; a traceback-only reply names none, so there the class name decides.
    /// </summary>
    public bool Is(string pythonType)
    {
        ArgumentNullException.ThrowIfNull(pythonType);
        int mine = RemoteType.LastIndexOf('.');
        int theirs = pythonType.LastIndexOf('.');
        return mine >= 0 && theirs >= 0
            ? RemoteType == pythonType
            : RemoteType.AsSpan(mine + 1).SequenceEqual(pythonType.AsSpan(theirs + 1));
    }

    public override string ToString() =>
        RemoteTraceback is null ? base.ToString() : $"{base.ToString()}\n--- remote traceback ---\n{RemoteTraceback}";
}
