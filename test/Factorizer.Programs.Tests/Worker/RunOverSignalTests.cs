using System.Net;
using System.Net.Sockets;
using Factorizer.Programs.Tests.Support;
using Factorizer.TestSupport;

namespace Factorizer.Programs.Tests.Worker;

/// <summary>
/// The supervisor's "the run is over" byte on a supervised worker's parent-watch pipe: a worker
/// that has not reached its server (a short run completed while it was starting) leaves at once.
/// </summary>
public class RunOverSignalTests
{
    [Fact]
    public async Task ByteOnParentWatchPipe_WorkerStillRetryingItsServer_SaysFinishedAndExitsZero()
    {
        int closedPort = FreePortNobodyListensOn();
        await using ChildProcess worker = TestPrograms.StartServer(
            ["worker", "--ip", "127.0.0.1", "--port", closedPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--reconnect-for", "600", "--watch-parent"],
            new Dictionary<string, string?> { ["FACTOR_AUTHKEY"] = TestPrograms.Key });

        await worker.StandardInput.WriteAsync('\n');
        await worker.StandardInput.FlushAsync();
        ProcessResult result = await worker.WaitAsync(TestPrograms.RunTimeout);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("worker finished", result.StdOut);
        Assert.DoesNotContain("gone", result.StdErr);
    }

    /// <summary>A loopback port that was free a moment ago (bound to port 0, then closed): connecting to it is refused.</summary>
    private static int FreePortNobodyListensOn()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
