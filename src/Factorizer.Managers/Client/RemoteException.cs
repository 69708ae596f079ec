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

    /// <summary>#ERROR, #TRACEBACK or #UNSERIALIZABLE.</summary>
    public string ReplyKind { get; } = "";

    /// <summary>The remote exception type, e.g. <c>builtins.ValueError</c> or <c>KeyError</c>.</summary>
    public string RemoteType { get; } = "";

    /// <summary>The remote exception's message.</summary>
    public string RemoteMessage { get; } = "";

    /// <summary>The server's traceback text, when it sent one.</summary>
    public string? RemoteTraceback { get; }

    public override string ToString() =>
        RemoteTraceback is null ? base.ToString() : $"{base.ToString()}\n--- remote traceback ---\n{RemoteTraceback}";
}
