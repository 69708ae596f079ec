using System.Globalization;
using System.Text.Json;
using Factorizer.Managers.Tests.Support;
using Factorizer.TestSupport;

namespace Factorizer.Managers.Tests.Interop;

/// <summary>A durable queue served to CPython clients keeps their items across a restart of the manager.</summary>
public class PythonDurableQueueTests
{
    [Theory]
    [InstalledPythons]
    [MissingPythons]
    public async Task DurableQueue_PythonPuts_ManagerRestarts_PythonGetsTheSameItemsInOrder(string version)
    {
        using var dir = new TempDirectory();
        string journal = dir.File("jobs.journal");

        List<string> expected;
        await using (TestServer first = TestServer.Start(configure: m => m.RegisterDurableQueue("get_durable_q", journal)))
        {
            expected = await RunAsync(version, first.Port, "put");
        }
        await using TestServer second = TestServer.Start(configure: m => m.RegisterDurableQueue("get_durable_q", journal));
        List<string> got = await RunAsync(version, second.Port, "get");

        Assert.Equal(4, expected.Count);
        Assert.Equal(expected, got);
        Assert.Contains(second.Log, l => l.Contains("4 items recovered", StringComparison.Ordinal));
    }

    private static async Task<List<string>> RunAsync(string version, int port, string mode)
    {
        await using ChildProcess python = PythonScripts.Start(version, "durable_client.py", "--port", port.ToString(CultureInfo.InvariantCulture), "--mode", mode);
        ProcessResult run = await python.WaitAsync(Timeouts.Long);
        Assert.True(run.ExitCode == 0, run.ToString());
        string line = run.StdOut.Split('\n').Single(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        return JsonSerializer.Deserialize<List<string>>(line["RESULT ".Length..])!;
    }
}
