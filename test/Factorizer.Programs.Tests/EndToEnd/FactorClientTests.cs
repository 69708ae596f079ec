using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Factorizer.Programs.Tests.Support;
using Factorizer.TestSupport;
using Factorizer.Work.Jobs;

namespace Factorizer.Programs.Tests.EndToEnd;

/// <summary>factor-client processes against a factor-server process.</summary>
public class FactorClientTests
{
    private static void AssertOneErrorLine(ProcessResult result)
    {
        string[] lines = TestPrograms.Lines(result.StdErr);
        Assert.True(lines.Length == 1, $"expected one line on stderr:\n{result}");
        Assert.StartsWith("factor-client: ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_TwoClientsAgainstServerWithoutLocalWorkers_OutputMatchesGnuFactor()
    {
        using var dir = new TempDirectory();
        string input = TestNumbers.SemiprimeInput(12) + TestPrograms.AsInput(TestPrograms.SeedNumbers(200));
        File.WriteAllText(dir.File("in.txt"), input);
        await using ChildProcess server = TestPrograms.StartLocalServer("--input", dir.File("in.txt"), "--chunk-size", "1", "--procs", "0");
        int port = await TestPrograms.WaitListeningAsync(server);
        string[] clientArgs = ["--ip", "127.0.0.1", "--port", $"{port}", "--procs", "2", "--authkey", TestPrograms.Key];
        await using ChildProcess first = TestPrograms.StartClient(clientArgs);
        await using ChildProcess second = TestPrograms.StartClient(clientArgs);

        ProcessResult[] clients = await Task.WhenAll(first.WaitAsync(TestPrograms.RunTimeout), second.WaitAsync(TestPrograms.RunTimeout));
        ProcessResult served = await server.WaitAsync(TestPrograms.RunTimeout);

        Assert.True(served.ExitCode == 0, served.ToString());
        Assert.All(clients, c => Assert.True(c.ExitCode == 0, c.ToString()));
        Assert.All(clients, c => Assert.Contains("factor-client: work finished", c.StdErr, StringComparison.Ordinal));
        Assert.Equal(await GnuFactor.RunAsync(input), served.StdOut);

        // The summary has a row per client that did work, named factor-client@MACHINE:PID.
        int[] rows = [.. Regex.Matches(served.StdErr, @"factor-client@[^:\s]+:(\d+)").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];
        Assert.NotEmpty(rows);
        Assert.All(rows, pid => Assert.Contains(pid, new[] { first.Id, second.Id }));
    }

    /// <summary>A loopback port nothing listens on (bound to port 0, then closed).</summary>
    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Run_UnreachablePortNoWaiting_ExitsOneWithOneClearLine()
    {
        int port = FreePort();
        ProcessResult result = await TestPrograms.RunClientAsync("--ip", "127.0.0.1", "--port", $"{port}", "--authkey", TestPrograms.Key, "--procs", "1", "--reconnect-for", "0");
        Assert.True(result.ExitCode == 1, result.ToString());
        AssertOneErrorLine(result);
        Assert.Contains($"cannot connect to 127.0.0.1:{port}", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnreachablePort_SaysOnceItWaitsThenFailsWithTheUsualLine()
    {
        int port = FreePort();
        ProcessResult result = await TestPrograms.RunClientAsync("--ip", "127.0.0.1", "--port", $"{port}", "--authkey", TestPrograms.Key, "--procs", "1", "--reconnect-for", "1.5");
        Assert.True(result.ExitCode == 1, result.ToString());
        string[] lines = TestPrograms.Lines(result.StdErr);
        Assert.True(lines.Length == 2, result.ToString());
        Assert.Equal($"factor-client: waiting for the server at 127.0.0.1:{port} (connection refused); retrying for up to 1.5 s", lines[0]);
        Assert.Equal($"factor-client: error: cannot connect to 127.0.0.1:{port}: connection refused; is factor-server running there?", lines[1]);
    }

    [Fact]
    public async Task Run_StartedBeforeTheServer_WaitsThenConnectsAndFinishes()
    {
        int port = FreePort();
        await using ChildProcess client = TestPrograms.StartClient(["--ip", "127.0.0.1", "--port", $"{port}", "--authkey", TestPrograms.Key, "--procs", "1", "--reconnect-for", "60"]);
        await client.WaitForLineAsync("waiting for the server", TestPrograms.StartTimeout);

        await using var server = new InProcessServer(TimeSpan.FromSeconds(30), port: port);
        server.Jobs.TryPut(new List<object?> { 999_999_999_999L, 1_000_000_000_001L });
        var results = new Dictionary<object, object?>(Factorizer.Pickle.PyEqualityComparer.Instance);
        ChunkReport report;
        do
        {
            report = await server.NextReportAsync();
            foreach ((object n, object? f) in report.Results)
            {
                results[n] = f;
            }
        }
        while (!report.Final);
        server.Jobs.Ack(report.LeaseId);
        Assert.Equal(new object?[] { 3L, 3L, 3L, 7L, 11L, 13L, 37L, 101L, 9901L }, Assert.IsType<List<object?>>(results[999_999_999_999L]));
        Assert.Equal(new object?[] { 73L, 137L, 99990001L }, Assert.IsType<List<object?>>(results[1_000_000_000_001L]));
        server.Status.Finish();

        ProcessResult result = await client.WaitAsync(TestPrograms.RunTimeout);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(TestPrograms.Lines(result.StdErr), l => l.Contains("waiting for the server", StringComparison.Ordinal));
        Assert.Contains("factor-client: work finished", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WrongKeyWhileWaitingIsAllowed_FailsAtOnce()
    {
        await using var server = new InProcessServer(TimeSpan.FromSeconds(30));
        await using ChildProcess client = TestPrograms.StartClient(["--port", $"{server.Port}", "--authkey", "not-the-key", "--procs", "1", "--reconnect-for", "600"]);
        client.StandardInput.Close();
        // Far less than --reconnect-for: a wrong key is not retried.
        ProcessResult result = await client.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 1, result.ToString());
        AssertOneErrorLine(result);
        Assert.Contains("rejected our authkey", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_PrintsTheProgramAndVersion_ExitsZero()
    {
        ProcessResult result = await TestPrograms.RunClientAsync("--version");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"^factor-client \d+\.\d+\.\d+\S*\n$", result.StdOut.ReplaceLineEndings("\n"));
        Assert.Equal("", result.StdErr);
    }

    [Fact]
    public async Task Run_WrongKey_ExitsOneWithOneClearLineAndTheServerCarriesOn()
    {
        await using ChildProcess server = TestPrograms.StartLocalServer("--count", "30", "--procs", "0");
        int port = await TestPrograms.WaitListeningAsync(server);

        ProcessResult wrong = await TestPrograms.RunClientAsync("--port", $"{port}", "--authkey", "not-the-key", "--procs", "1");
        Assert.True(wrong.ExitCode == 1, wrong.ToString());
        AssertOneErrorLine(wrong);
        Assert.Contains("authkey", wrong.StdErr, StringComparison.Ordinal);

        // The right key, from a file this time, still gets the job done.
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("key"), TestPrograms.Key + "\n");
        ProcessResult right = await TestPrograms.RunClientAsync("--port", $"{port}", "--authkey-file", dir.File("key"), "--procs", "1");
        Assert.True(right.ExitCode == 0, right.ToString());
        ProcessResult served = await server.WaitAsync(TestPrograms.RunTimeout);
        Assert.True(served.ExitCode == 0, served.ToString());
        Assert.Equal(30, TestPrograms.Lines(served.StdOut).Length);
        Assert.Contains("authentication failed", served.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_KeyFromEnvironment_IsUsed()
    {
        await using ChildProcess server = TestPrograms.StartLocalServer("--count", "10", "--procs", "0");
        int port = await TestPrograms.WaitListeningAsync(server);
        await using ChildProcess client = TestPrograms.StartClient(["--port", $"{port}", "--procs", "1"],
            new Dictionary<string, string?> { ["FACTOR_AUTHKEY"] = TestPrograms.Key });
        ProcessResult result = await client.WaitAsync(TestPrograms.RunTimeout);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True((await server.WaitAsync(TestPrograms.RunTimeout)).ExitCode == 0);
    }

    [Theory]
    [InlineData("--port", "1")]
    [InlineData("--authkey", "k", "--procs", "0")]
    [InlineData("--authkey", "k", "--input", "x")]
    [InlineData("--authkey", "k", "--ip")]
    [InlineData("--authkey", "k", "127.0.0.1")]
    public async Task Run_BadUsage_ExitsTwoWithOneLine(params string[] args)
    {
        ProcessResult result = await TestPrograms.RunClientAsync(args);
        Assert.True(result.ExitCode == 2, result.ToString());
        AssertOneErrorLine(result);
    }

    [Fact]
    public async Task Help_ExitsZeroWithUsage()
    {
        ProcessResult result = await TestPrograms.RunClientAsync("--help");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("Usage: factor-client", result.StdOut, StringComparison.Ordinal);
        Assert.Equal("", result.StdErr);
    }
}
