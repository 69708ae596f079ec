using System.Text.Json;
using Factorizer.Managers.Client;
using Factorizer.Managers.Tests.Support;
using Factorizer.TestSupport;

namespace Factorizer.Managers.Tests.Interop;

/// <summary>CPython's own BaseManager client (the seed's code) against our server.</summary>
public class PythonClientTests
{
    public static IEnumerable<object[]> Versions() => Python.InteropVersions();

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task SeedClient_AgainstOurServer_PutsJobGetsItBackAndDeliversResult(string version)
    {
        await using TestServer server = TestServer.Start();

        await using ChildProcess python = PythonScripts.Start(version, "seed_client.py", "--port", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        ProcessResult run = await python.WaitAsync(Timeouts.Long);

        Assert.True(run.ExitCode == 0, run.ToString());
        string line = run.StdOut.Split('\n').Single(l => l.StartsWith("SUMMARY ", StringComparison.Ordinal));
        using JsonDocument summary = JsonDocument.Parse(line["SUMMARY ".Length..]);
        JsonElement root = summary.RootElement;
        Assert.StartsWith(version + ".", root.GetProperty("python").GetString(), StringComparison.Ordinal);
        Assert.Equal([999999999999L, 1000000000001L], root.GetProperty("job").EnumerateArray().Select(e => e.GetInt64()));
        Assert.True(root.GetProperty("empty_raised").GetBoolean(), "queue.Empty was raised in the Python client");
        Assert.Equal(1, root.GetProperty("qsize").GetInt32());

        // The result the Python client put, as the C# side receives it.
        Assert.True(server.Results.TryGet(out object? raw));
        var result = PyConvert.ToValue<Dictionary<long, long[]>>(raw);
        Assert.Equal([3L, 3, 3, 7, 11, 13, 37, 101, 9901], result[999999999999]);
        Assert.Equal([73L, 137, 99990001], result[1000000000001]);
        Assert.Equal(2, result.Count);
        Assert.Equal(0, server.Jobs.Count);

        // Every proxy was finalized with a decref before the process exited.
        Assert.Equal(0, server.Server.ObjectCount);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task SeedClient_WrongKey_PythonGetsAuthenticationError(string version)
    {
        await using TestServer server = TestServer.Start();

        ProcessResult run = await PythonScripts.Start(version, "seed_client.py", "--port", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--authkey", "wrong")
            .WaitAsync(Timeouts.Long);

        Assert.Contains("AUTHFAIL multiprocessing.context.AuthenticationError", run.StdOut, StringComparison.Ordinal);
        Assert.Equal(0, server.Server.ObjectCount);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task ForkWorkers_InheritedProxies_RefcountsBalanceAndResultsArrive(string version)
    {
        await using TestServer server = TestServer.Start();
        await using ManagerClient observer = await server.ConnectAsync();
        await using QueueProxy<long[]> ours = await observer.GetQueueAsync<long[]>("get_job_q"); // our own reference
        string jobs = ours.Token.Id;

        await using ChildProcess python = PythonScripts.Start(version, "worker_client.py", "--port", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        string joined = await python.WaitForLineAsync("JOINED", Timeouts.Long);

        // Both workers ran and exited; each sent an incref per inherited proxy and a decref at exit.
        Assert.Equal("JOINED [0, 0]", joined.Trim());
        string results = FindIdent(server, "get_result_q");
        Assert.Equal(2, server.Server.Objects.RefCountOf(jobs));    // ours + the parent's
        Assert.Equal(1, server.Server.Objects.RefCountOf(results)); // the parent's
        Assert.Equal(2, server.Results.Count);
        Assert.Equal(0, server.Jobs.Count);

        await python.StandardInput.WriteLineAsync("go");
        await python.StandardInput.FlushAsync();
        ProcessResult run = await python.WaitAsync(Timeouts.Long);

        Assert.True(run.ExitCode == 0, run.ToString());
        string line = run.StdOut.Split('\n').Single(l => l.StartsWith("RESULTS ", StringComparison.Ordinal));
        using JsonDocument doc = JsonDocument.Parse(line["RESULTS ".Length..]);
        Assert.Equal([3L, 3, 3, 7, 11, 13, 37, 101, 9901], doc.RootElement.GetProperty("999999999999").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal([73L, 137, 99990001], doc.RootElement.GetProperty("1000000000001").EnumerateArray().Select(e => e.GetInt64()));
        // The parent's finalizers gave its references back: only ours is left.
        Assert.Equal(1, server.Server.Objects.RefCountOf(jobs));
        Assert.Equal(0, server.Server.Objects.RefCountOf(results));
        Assert.Equal(1, server.Server.ObjectCount);
    }

    private static string FindIdent(TestServer server, string typeId)
    {
        string info = server.Server.Objects.DebugInfo();
        string[] lines = info.Split('\n');
        for (int i = 0; i + 1 < lines.Length; i += 2)
        {
            if (lines[i + 1].Contains($"<{typeId} ", StringComparison.Ordinal))
            {
                return lines[i].Trim().Split(':')[0];
            }
        }
        throw new InvalidOperationException($"no object of {typeId} in:\n{info}");
    }
}
