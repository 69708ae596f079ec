using System.Net.Sockets;
using Factorizer.Managers.Auth;
using Factorizer.Managers.Client;

namespace Factorizer.Work.Cli;

/// <summary>Turns the exceptions a program can meet into one line: what, where, what to do.</summary>
public static class ErrorText
{
    /// <summary>The one-line message for <paramref name="e"/>, connecting to <paramref name="where"/>.</summary>
    public static string Describe(Exception e, string where) => e switch
    {
        ManagerAuthenticationException => $"the server at {where} rejected our authkey, or we rejected its: check that both sides use the same --authkey",
        ManagerConnectionException c when c.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused } =>
            $"cannot connect to {where}: connection refused; is factor-server running there?",
        ManagerConnectionException c => $"{c.Message}; check --ip/--port and that the server is running",
        RemoteException r => $"the server at {where} failed: {r.RemoteType}: {r.RemoteMessage}",
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}
