using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Factorizer.Managers.Client;

namespace Factorizer.Work.Cli;

/// <summary>
/// A program's first contact with its server, for clients that may start before it: a server that
/// is not up yet (connection refused, no answer, unreachable) is retried with back-off for a while,
/// after one line saying so. A wrong key, or a host name that does not resolve, fails at once.
/// </summary>
public static class ServerWait
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Connects, retrying a server that is not up for up to <paramref name="waitFor"/> (zero: one try).
    /// <paramref name="waiting"/> gets one line the first time it has to wait. The last failure is
    /// thrown as it came (<see cref="ManagerConnectionException"/>), for the caller's usual message.
    /// </summary>
    public static async Task<ManagerClient> ConnectAsync(ManagerClientOptions options, TimeSpan waitFor, Action<string> waiting, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(waiting);
        long start = Stopwatch.GetTimestamp();
        TimeSpan backoff = FirstBackoff;
        bool told = false;
        while (true)
        {
            TimeSpan left;
            try
            {
                return await ManagerClient.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
            }
            catch (ManagerConnectionException e) when (NotUpYet(e) && (left = waitFor - Stopwatch.GetElapsedTime(start)) > TimeSpan.Zero)
            {
                if (!told)
                {
                    told = true;
                    waiting($"waiting for the server at {DisplayText.Clean($"{options.Host}:{options.Port}")} ({Reason(e)}); " +
                        $"retrying for up to {waitFor.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s");
                }
                await Task.Delay(backoff < left ? backoff : left, cancellationToken).ConfigureAwait(false);
                backoff = TimeSpan.FromTicks(System.Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    // A name that does not resolve is a typo far more often than a server still starting.
    private static bool NotUpYet(ManagerConnectionException e) =>
        e.InnerException is not SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData };

    private static string Reason(ManagerConnectionException e) => e.InnerException switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
        SocketException => "not reachable",
        IOException => "connection closed during the handshake",
        _ => "no answer",
    };
}
