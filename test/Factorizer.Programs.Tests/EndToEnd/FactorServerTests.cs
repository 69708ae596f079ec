using System.Net;
using System.Net.Sockets;
using Factorizer.Programs.Tests.Support;
using Factorizer.TestSupport;

namespace Factorizer.Programs.Tests.EndToEnd;

/// <summary>factor-server as a real process, alone (--procs K local workers), compared with GNU factor.</summary>
public class FactorServerTests
{
    private static void AssertOneErrorLine(ProcessResult result, string program)
    {
        string[] lines = TestPrograms.Lines(result.StdErr);
        Assert.True(lines.Length == 1, $"expected one line on stderr:\n{result}");
        Assert.StartsWith(program + ": ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_GeneratedNumbersWithTwoLocalWorkers_MatchesGnuFactor()
    {
        ProcessResult result = await TestPrograms.RunServerAsync(
            "--bind", "127.0.0.1", "--port", "0", "--authkey", TestPrograms.Key, "--count", "400", "--chunk-size", "20", "--procs", "2");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(await GnuFactor.RunAsync(TestPrograms.AsInput(TestPrograms.SeedNumbers(400))), result.StdOut);
        Assert.Contains("per-client summary", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("factor-server@", result.StdErr, StringComparison.Ordinal); // the local workers' row
    }

    [Fact]
    public async Task Run_MixedInputFile_MatchesGnuFactorExactly()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("in.txt"), TestNumbers.Mixed);
        ProcessResult result = await TestPrograms.RunServerAsync(
            "--bind", "127.0.0.1", "--port", "0", "--authkey", TestPrograms.Key, "--input", dir.File("in.txt"), "--chunk-size", "3", "--procs", "2");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(await GnuFactor.RunAsync(TestNumbers.Mixed), result.StdOut);
    }

    [Fact]
    public async Task Run_InputFromStdin_MatchesGnuFactor()
    {
        string input = TestPrograms.AsInput(TestPrograms.SeedNumbers(100)) + "0\n1\n18446744073709551617\n";
        await using ChildProcess server = TestPrograms.StartLocalServer("--input", "-", "--procs", "1", "--chunk-size", "7");
        await server.StandardInput.WriteAsync(input);
        server.StandardInput.Close();
        ProcessResult result = await server.WaitAsync(TestPrograms.RunTimeout);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(await GnuFactor.RunAsync(input), result.StdOut);
    }

    [Fact]
    public async Task Run_OutputFile_WritesResultsThereAndNothingToStdout()
    {
        using var dir = new TempDirectory();
        string output = dir.File("out.txt");
        ProcessResult result = await TestPrograms.RunServerAsync(
            "--bind", "127.0.0.1", "--port", "0", "--authkey", TestPrograms.Key, "--count", "100", "--start", "1", "--step", "1", "--output", output, "--procs", "1");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.StdOut);
        string expected = await GnuFactor.RunAsync(string.Concat(Enumerable.Range(1, 100).Select(i => $"{i}\n")));
        Assert.Equal(expected, File.ReadAllText(output));
    }

    [Fact]
    public async Task Run_NoAuthKey_MakesOneAndTheLocalWorkersGetIt()
    {
        ProcessResult result = await TestPrograms.RunServerAsync("--bind", "127.0.0.1", "--port", "0", "--count", "50", "--procs", "1");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches("no --authkey given; using the random key [0-9a-f]{32}", result.StdErr);
        Assert.Equal(50, TestPrograms.Lines(result.StdOut).Length);
    }

    [Theory]
    [InlineData("--count", "0")]
    [InlineData("--input", "EMPTY")]
    public async Task Run_NoNumbers_ExitsZeroWithEmptyOutput(string option, string value)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("empty.txt"), "\n \n");
        ProcessResult result = await TestPrograms.RunServerAsync(
            "--bind", "127.0.0.1", "--port", "0", "--authkey", TestPrograms.Key, option, value == "EMPTY" ? dir.File("empty.txt") : value);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.StdOut);
    }

    [Fact]
    public async Task Run_BadTokenOnLine3_ExitsTwoNamingLine3WithNothingOnStdout()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("in.txt"), "10 20\n30\n40 4x2 50\n60\n");
        ProcessResult result = await TestPrograms.RunServerAsync(
            "--bind", "127.0.0.1", "--port", "0", "--authkey", TestPrograms.Key, "--input", dir.File("in.txt"), "--procs", "2");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.StdOut);
        AssertOneErrorLine(result, "factor-server");
        Assert.Contains("line 3", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("'4x2'", result.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'7', 0x1B, (byte)'[', (byte)'2', (byte)'J', 0x1B, (byte)']', (byte)'0', (byte)';', (byte)'x', 0x07 }, @"'7\x1b[2J\x1b]0;x\x07'")]
    [InlineData(new byte[] { (byte)'1', 0x00, (byte)'2' }, @"'1\02'")]
    [InlineData(new byte[] { (byte)'5', 0xFF, 0xC2, 0x9B, (byte)'\r', (byte)'\r' }, @"'5\xff\xc2\x9b'")]
    public async Task Run_HostileTokenInFile_ExitsTwoAndStderrHasNoControlByte(byte[] token, string shown)
    {
        using var dir = new TempDirectory();
        byte[] input = [.. "1\n2\n"u8, .. token, .. "\n3\n"u8];
        File.WriteAllBytes(dir.File("in.txt"), input);
        (int exitCode, byte[] stdout, byte[] stderr) = await TestPrograms.RunServerRawAsync(
            "--bind", "127.0.0.1", "--port", "0", "--authkey", TestPrograms.Key, "--input", dir.File("in.txt"));
        string text = System.Text.Encoding.UTF8.GetString(stderr);
        Assert.True(exitCode == 2, $"exit {exitCode}: {text}");
        Assert.Empty(stdout);
        for (int i = 0; i < stderr.Length; i++)
        {
            Assert.False(stderr[i] is (< 0x20 and not (byte)'\n') or 0x7F, $"control byte 0x{stderr[i]:x2} at {i} of stderr: {Convert.ToHexString(stderr)}");
        }
        Assert.Contains("line 3: " + shown + " is not a non-negative integer", text, StringComparison.Ordinal);
        Assert.Equal(1, text.Count(c => c == '\n'));
    }

    [Fact]
    public async Task Run_CrlfInputFile_MatchesGnuFactorOnTheLfVersion()
    {
        using var dir = new TempDirectory();
        string lf = TestNumbers.Mixed;
        File.WriteAllText(dir.File("crlf.txt"), lf.ReplaceLineEndings("\r\n"));
        Assert.Contains("\r\n", File.ReadAllText(dir.File("crlf.txt")), StringComparison.Ordinal);
        ProcessResult result = await TestPrograms.RunServerAsync(
            "--bind", "127.0.0.1", "--port", "0", "--authkey", TestPrograms.Key, "--input", dir.File("crlf.txt"), "--chunk-size", "5", "--procs", "1");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(await GnuFactor.RunAsync(lf), result.StdOut);
    }

    [Fact]
    public async Task Run_HostileOptionValueAndFileName_AreEscapedInTheError()
    {
        (int exitCode, _, byte[] stderr) = await TestPrograms.RunServerRawAsync("--port", "80\u001b[2J");
        string text = System.Text.Encoding.UTF8.GetString(stderr);
        Assert.Equal(2, exitCode);
        Assert.DoesNotContain('\u001b', text);
        Assert.Contains(@"--port must be an integer, not '80\x1b[2J'", text, StringComparison.Ordinal);

        (exitCode, _, stderr) = await TestPrograms.RunServerRawAsync("--input", "/nonexistent/\u001b[2J\tnumbers.txt");
        text = System.Text.Encoding.UTF8.GetString(stderr);
        Assert.Equal(2, exitCode);
        Assert.Contains(@"cannot read --input '/nonexistent/\x1b[2J\tnumbers.txt': no such directory", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', text);
        Assert.DoesNotContain('\t', text);
    }

    [Fact]
    public async Task Run_BadTokenOnStdin_ExitsTwo()
    {
        await using ChildProcess server = TestPrograms.StartLocalServer("--input", "-");
        await server.StandardInput.WriteAsync("1\n2\n-3\n");
        server.StandardInput.Close();
        ProcessResult result = await server.WaitAsync(TestPrograms.RunTimeout);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.StdOut);
        Assert.Contains("line 3: '-3' is not a non-negative integer", result.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--port", "http")]
    [InlineData("--port")]
    [InlineData("--procs", "-1")]
    [InlineData("--count", "5", "--input", "x.txt")]
    [InlineData("--procs", "1", "--procs", "2")]
    [InlineData("numbers.txt")]
    [InlineData("--input", "/nonexistent/numbers.txt")]
    [InlineData("--output", "/nonexistent/dir/out.txt", "--count", "1")]
    [InlineData("--authkey", "a", "--authkey-file", "b")]
    [InlineData("--authkey-file", "/nonexistent/key")]
    public async Task Run_BadUsage_ExitsTwoWithOneLine(params string[] args)
    {
        ProcessResult result = await TestPrograms.RunServerAsync(args);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("", result.StdOut);
        AssertOneErrorLine(result, "factor-server");
    }

    [Fact]
    public async Task Run_PortInUse_ExitsOneWithOneLine()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        ProcessResult result = await TestPrograms.RunServerAsync("--bind", "127.0.0.1", "--port", $"{port}", "--authkey", TestPrograms.Key, "--count", "1");
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal("", result.StdOut);
        AssertOneErrorLine(result, "factor-server");
        Assert.Contains("cannot listen", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ExitsZeroWithUsage()
    {
        ProcessResult result = await TestPrograms.RunServerAsync("--help");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("Usage: factor-server", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("--input", result.StdOut, StringComparison.Ordinal);
        Assert.Equal("", result.StdErr);
    }
}
