using System.Net.Sockets;
using Factorizer.Managers.Auth;
using Factorizer.Managers.Client;

namespace Factorizer.Work.Cli;

/// <summary>
/// Turns the exceptions a program can meet into one line: what, where, what to do. Text that came
/// from outside (a host name, a peer's exception message) is made safe to print with
/// <see cref="DisplayText"/>.
/// </summary>
public static class ErrorText
{
    /// <summary>The one-line message for <paramref name="e"/>, connecting to <paramref name="where"/>.</summary>
    public static string Describe(Exception e, string where)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(where);
        where = DisplayText.Clean(where);
        return e switch
        {
            ManagerAuthenticationException => $"the server at {where} rejected our authkey, or we rejected its: check that both sides use the same --authkey",
            ManagerConnectionException c when c.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused } =>
                $"cannot connect to {where}: connection refused; is factor-server running there?",
            ManagerConnectionException c => $"{OneLine(c.Message)}; check --ip/--port and that the server is running",
            RemoteException r => $"the server at {where} failed: {OneLine(r.RemoteType)}: {OneLine(r.RemoteMessage)}",
            _ => $"{e.GetType().Name}: {OneLine(e.Message)}",
        };
    }

    /// <summary>
    /// Why a file could not be opened, without repeating its name (the caller quotes it):
    /// "no such file", "permission denied", or the system's message made safe to print.
    /// </summary>
    public static string FileProblem(Exception e) => e switch
    {
        FileNotFoundException => "no such file",
        DirectoryNotFoundException => "no such directory",
        UnauthorizedAccessException => "permission denied",
        PathTooLongException => "the path is too long",
        null => throw new ArgumentNullException(nameof(e)),
        _ => OneLine(e.Message),
    };

    // Exception messages may hold a peer's or the system's text: one line, nothing raw.
    private static string OneLine(string text) => DisplayText.Clean(text.ReplaceLineEndings(" "));
}
