using System.Net;
using System.Net.Sockets;
using Factorizer.Programs.Tests.Support;
using Factorizer.TestSupport;

namespace Factorizer.Programs.Tests.EndToEnd;

/// <summary>
/// factor-server --data-dir killed (kill -9) or stopped (SIGTERM) and started again with the same
/// command: it resumes, and the output ends identical to GNU factor's, every line once.
/// </summary>
public class DurableRunTests
{
    private const int Count = 120_000;

    [Fact]
    public async Task KilledSeveralTimes_WithAClientRunning_ResumesToTheFullOutput()
    {
        using var dir = new TempDirectory();
        int port = FreePort();
        string[] serverArgs = ["--bind", "127.0.0.1", "--port", $"{port}", "--authkey", TestPrograms.Key, "--count", $"{Count}", "--chunk-size", "400",
            "--data-dir", dir.File("data"), "--output", dir.File("out.txt"), "--progress-interval", "0.1"];
        await using ChildProcess client = TestPrograms.StartClient(["--ip", "127.0.0.1", "--port", $"{port}", "--procs", "2", "--authkey", TestPrograms.Key, "--reconnect-for", "60"]);

        int kills = 0;
        for (int round = 1; round <= 3; round++)
        {
            await using ChildProcess server = TestPrograms.StartServer(serverArgs);
            await TestPrograms.WaitForProgressAsync(server, round * Count / 5);
            if (server.Snapshot().ExitCode != -1)
            {
                break;
            }
            ProcessTable.Signal(server.Id, "KILL");
            await server.WaitAsync(TestPrograms.RunTimeout);
            kills++;
        }
        ProcessResult last = await TestPrograms.RunServerAsync(serverArgs);

        Assert.True(kills >= 2, $"only {kills} kills landed before the run ended");
        Assert.True(last.ExitCode == 0, last.ToString());
        Assert.Contains("resuming from --data-dir", last.StdErr, StringComparison.Ordinal);
        Assert.Equal(await GnuFactor.RunAsync(TestPrograms.AsInput(TestPrograms.SeedNumbers(Count))), File.ReadAllText(dir.File("out.txt")));
        ProcessResult clientDone = await client.WaitAsync(TestPrograms.RunTimeout); // its workers reconnected by themselves each time
        Assert.True(clientDone.ExitCode == 0, clientDone.ToString());
    }

    [Fact]
    public async Task Sigterm_ThenTheSameCommand_Resumes()
    {
        using var dir = new TempDirectory();
        string[] serverArgs = ["--bind", "127.0.0.1", "--port", "0", "--authkey", TestPrograms.Key, "--count", $"{Count}", "--chunk-size", "400", "--procs", "2",
            "--data-dir", dir.File("data"), "--output", dir.File("out.txt"), "--progress-interval", "0.1"];
        await using (ChildProcess server = TestPrograms.StartServer(serverArgs))
        {
            await TestPrograms.WaitForProgressAsync(server, Count / 4);
            ProcessTable.Signal(server.Id, "TERM");
            ProcessResult stopped = await server.WaitAsync(TestPrograms.RunTimeout);
            Assert.True(stopped.ExitCode is 143 or 0, stopped.ToString());
        }

        ProcessResult resumed = await TestPrograms.RunServerAsync(serverArgs);

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(await GnuFactor.RunAsync(TestPrograms.AsInput(TestPrograms.SeedNumbers(Count))), File.ReadAllText(dir.File("out.txt")));
        ProcessResult again = await TestPrograms.RunServerAsync(serverArgs);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("already complete", again.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("corrupt")]
    public async Task DamagedJournalTail_IsRecoveredWithAWarning(string damage)
    {
        using var dir = new TempDirectory();
        string[] serverArgs = ["--bind", "127.0.0.1", "--port", "0", "--authkey", TestPrograms.Key, "--count", $"{Count}", "--chunk-size", "400", "--procs", "2",
            "--data-dir", dir.File("data"), "--output", dir.File("out.txt"), "--progress-interval", "0.1"];
        await using (ChildProcess server = TestPrograms.StartServer(serverArgs))
        {
            await TestPrograms.WaitForProgressAsync(server, Count / 4);
            ProcessTable.Signal(server.Id, "KILL");
            await server.WaitAsync(TestPrograms.RunTimeout);
        }
        string journal = Path.Combine(dir.File("data"), "journal");
        byte[] bytes = File.ReadAllBytes(journal);
        if (damage == "garbage")
        {
            File.WriteAllBytes(journal, [.. bytes, 0x40, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03]);
        }
        else
        {
            bytes[^5] ^= 0xff;
            File.WriteAllBytes(journal, bytes);
        }

        ProcessResult resumed = await TestPrograms.RunServerAsync(serverArgs);

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("journal: a record", resumed.StdErr, StringComparison.Ordinal);
        Assert.Equal(await GnuFactor.RunAsync(TestPrograms.AsInput(TestPrograms.SeedNumbers(Count))), File.ReadAllText(dir.File("out.txt")));
    }

    [Fact]
    public async Task JournalOfOtherInput_IsRefusedWithExitTwo()
    {
        using var dir = new TempDirectory();
        string[] common = ["--bind", "127.0.0.1", "--port", "0", "--authkey", TestPrograms.Key, "--chunk-size", "50", "--procs", "1",
            "--data-dir", dir.File("data"), "--output", dir.File("out.txt")];
        ProcessResult first = await TestPrograms.RunServerAsync([.. common, "--count", "300"]);
        Assert.True(first.ExitCode == 0, first.ToString());

        ProcessResult other = await TestPrograms.RunServerAsync([.. common, "--count", "301"]);

        Assert.True(other.ExitCode == 2, other.ToString());
        Assert.Contains("for another run", other.StdErr, StringComparison.Ordinal);
        Assert.Equal(300, TestPrograms.Lines(File.ReadAllText(dir.File("out.txt"))).Length); // untouched
    }

    [Theory]
    [InlineData("--count", "5", "--data-dir", "D", "--output", "O")]                          // no key
    [InlineData("--count", "5", "--data-dir", "D", "--authkey", "k")]                          // no --output
    [InlineData("--input", "-", "--data-dir", "D", "--authkey", "k", "--output", "O")]         // stdin
    [InlineData("--count", "5", "--data-dir", "D", "--authkey", "k", "--output", "O", "--fsync", "sometimes")]
    [InlineData("--count", "5", "--authkey", "k", "--fsync", "always")]                        // --fsync without --data-dir
    public async Task DataDirUsage_Wrong_ExitsTwo(params string[] args)
    {
        using var dir = new TempDirectory();
        string[] resolved = [.. args.Select(a => a switch { "D" => dir.File("data"), "O" => dir.File("out.txt"), _ => a })];
        ProcessResult result = await TestPrograms.RunServerAsync(resolved);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Single(TestPrograms.Lines(result.StdErr));
    }

    /// <summary>A port free right now (the test restarts servers on it, so port 0 will not do).</summary>
    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }


}
