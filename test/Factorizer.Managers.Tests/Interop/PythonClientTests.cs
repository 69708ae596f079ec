using System.Globalization;
using System.Text.Json;
using Factorizer.Managers.Client;
using Factorizer.Managers.Tests.Support;
using Factorizer.TestSupport;
using Xunit.Abstractions;

namespace Factorizer.Managers.Tests.Interop;

/// <summary>
/// CPython's own BaseManager client against our server: the seed's client (test/Python/seed_client.py,
/// fork workers draining the job queue with get_nowait) and a client handing its proxies to fork workers.
/// Rows for CPython versions that are not installed show as skipped.
/// </summary>
public class PythonClientTests(ITestOutputHelper output)
{
    private static readonly long[] Chunk1 = [999999999999, 1000000000001];
    private static readonly long[] Chunk2 = [7, 1000000007, 4];

    [Theory]
    [InstalledPythons]
    [MissingPythons]
    public async Task SeedClient_AgainstOurServer_DrainsJobsAndDeliversResults(string version)
    {
        output.WriteLine(Python.Describe(version));
        await using TestServer server = TestServer.Start();
        await server.Jobs.PutAsync(Chunk1);
        await server.Jobs.PutAsync(Chunk2);

        await using ChildProcess python = PythonScripts.Start(version, "seed_client.py",
            "--port", server.Port.ToString(CultureInfo.InvariantCulture), "--authkey", "abc", "--procs", "2");
        ProcessResult run = await python.WaitAsync(Timeouts.Long);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"Client connected to 127.0.0.1:{server.Port}", run.StdOut, StringComparison.Ordinal);
        // Each worker ended on queue.Empty from get_nowait (our #ERROR queue.Empty), not on another error.
        Assert.DoesNotContain("Traceback", run.StdErr, StringComparison.Ordinal);
        Assert.Equal(0, server.Jobs.Count);

        // The results the Python workers put, as the C# side receives them.
        var merged = new Dictionary<long, long[]>();
        while (server.Results.TryGet(out object? raw))
        {
            foreach ((long n, long[] factors) in PyConvert.ToValue<Dictionary<long, long[]>>(raw))
            {
                merged.Add(n, factors);
            }
        }
        Assert.Equal([3L, 3, 3, 7, 11, 13, 37, 101, 9901], merged[999999999999]);
        Assert.Equal([73L, 137, 99990001], merged[1000000000001]);
        Assert.Equal([7L], merged[7]);
        Assert.Equal([1000000007L], merged[1000000007]);
        Assert.Equal([2L, 2], merged[4]);
        Assert.Equal(5, merged.Count);

        // Every proxy (the parent's and the inherited ones) was finalized with a decref before exit.
        Assert.Equal(0, server.Server.ObjectCount);
    }

    [Theory]
    [InstalledPythons]
    [MissingPythons]
    public async Task SeedClient_WrongKey_PythonGetsAuthenticationError(string version)
    {
        output.WriteLine(Python.Describe(version));
        await using TestServer server = TestServer.Start();

        ProcessResult run = await PythonScripts.Start(version, "seed_client.py",
                "--port", server.Port.ToString(CultureInfo.InvariantCulture), "--authkey", "wrong", "--procs", "1")
            .WaitAsync(Timeouts.Long);

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains("multiprocessing.context.AuthenticationError", run.StdErr, StringComparison.Ordinal);
        Assert.Equal(0, server.Server.ObjectCount);
    }

    [Theory]
    [InstalledPythons]
    [MissingPythons]
    public async Task ForkWorkers_InheritedProxies_RefcountsBalanceAndResultsArrive(string version)
    {
        output.WriteLine(Python.Describe(version));
        await using TestServer server = TestServer.Start();
        await using ManagerClient observer = await server.ConnectAsync();
        await using QueueProxy<long[]> ours = await observer.GetQueueAsync<long[]>("get_job_q"); // our own reference
        string jobs = ours.Token.Id;

        await using ChildProcess python = PythonScripts.Start(version, "worker_client.py", "--port", server.Port.ToString(CultureInfo.InvariantCulture));
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
        Assert.Contains("QSIZE 2", run.StdOut, StringComparison.Ordinal); // qsize() from CPython
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
