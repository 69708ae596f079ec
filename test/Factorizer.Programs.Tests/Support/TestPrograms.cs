using System.Globalization;
using System.Text.RegularExpressions;
using Factorizer.TestSupport;

namespace Factorizer.Programs.Tests.Support;

/// <summary>
/// Starts the real factor-server and factor-client (their .dll files are copied next to the test
/// assembly by the project references) under the <c>dotnet</c> host, and the seed's Python ports.
/// </summary>
internal static partial class TestPrograms
{
    /// <summary>Longest wait for a program to start listening or print its READY line.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Longest wait for a whole run (small workloads; a hang fails the test instead of CI).</summary>
    public static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(90);

    /// <summary>The key the tests use.</summary>
    public const string Key = "programs-test-key";

    public static string ServerDll => Existing(Path.Combine(AppContext.BaseDirectory, "factor-server.dll"));

    public static string ClientDll => Existing(Path.Combine(AppContext.BaseDirectory, "factor-client.dll"));

    public static string QueueManagerDll => Existing(Path.Combine(AppContext.BaseDirectory, "queue-manager.dll"));

    public static string SeedClientScript => Existing(Path.Combine(AppContext.BaseDirectory, "Python", "seed_client.py"));

    public static string SeedServerScript => Existing(Path.Combine(AppContext.BaseDirectory, "Python", "seed_server.py"));

    /// <summary>The dotnet host running the tests (dotnet test sets DOTNET_HOST_PATH), else dotnet from PATH.</summary>
    public static string DotNet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>Starts factor-server with <paramref name="args"/> (no key in the environment unless given).</summary>
    public static ChildProcess StartServer(IEnumerable<string> args, IDictionary<string, string?>? environment = null) =>
        ChildProcess.Start(DotNet, new[] { ServerDll }.Concat(args), environment);

    /// <summary>Starts factor-client with <paramref name="args"/>.</summary>
    public static ChildProcess StartClient(IEnumerable<string> args, IDictionary<string, string?>? environment = null) =>
        ChildProcess.Start(DotNet, new[] { ClientDll }.Concat(args), environment);

    /// <summary>Starts queue-manager with <paramref name="args"/>.</summary>
    public static ChildProcess StartQueueManager(IEnumerable<string> args, IDictionary<string, string?>? environment = null) =>
        ChildProcess.Start(DotNet, new[] { QueueManagerDll }.Concat(args), environment);

    /// <summary>Runs queue-manager to its end with nothing on stdin; returns what it left.</summary>
    public static async Task<ProcessResult> RunQueueManagerAsync(params string[] args)
    {
        await using ChildProcess manager = StartQueueManager(args);
        manager.StandardInput.Close();
        return await manager.WaitAsync(RunTimeout);
    }

    /// <summary>factor-server on 127.0.0.1, a free port, the test key, plus <paramref name="args"/>.</summary>
    public static ChildProcess StartLocalServer(params string[] args) =>
        StartServer(["--bind", "127.0.0.1", "--port", "0", "--authkey", Key, .. args]);

    /// <summary>Waits for factor-server's "listening on ADDRESS:PORT" line; returns the port.</summary>
    public static async Task<int> WaitListeningAsync(ChildProcess server)
    {
        string line = await server.WaitForLineAsync("listening on ", StartTimeout);
        Match m = ListeningLine().Match(line);
        Assert.True(m.Success, $"unexpected listening line: {line}");
        return int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>Waits for the seed server's "READY PORT" line; returns the port.</summary>
    public static async Task<int> WaitReadyAsync(ChildProcess server)
    {
        string line = await server.WaitForLineAsync("READY ", StartTimeout);
        Match m = ReadyLine().Match(line);
        Assert.True(m.Success, $"unexpected READY line: {line}");
        return int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Waits for a progress line of factor-server (run with a short --progress-interval) showing at
    /// least <paramref name="numbers"/> numbers done, or for its final <c>done:</c> line.
    /// </summary>
    public static Task<string> WaitForProgressAsync(ChildProcess server, long numbers) =>
        server.WaitForLineAsync(line => line.Contains("done: ", StringComparison.Ordinal)
                || (ProgressLine().Match(line) is { Success: true } m && long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) >= numbers),
            $"a progress line with {numbers} numbers done", RunTimeout);

    /// <summary>Runs a program to its end with nothing on stdin; returns what it left.</summary>
    public static async Task<ProcessResult> RunServerAsync(params string[] args)
    {
        await using ChildProcess server = StartServer(args);
        server.StandardInput.Close();
        return await server.WaitAsync(RunTimeout);
    }

    /// <summary>
    /// Runs factor-server to its end and returns its exit code and its stdout and stderr as raw bytes
    /// (the line-based <see cref="ChildProcess"/> decodes text and splits on CR, which would hide
    /// the very bytes a test of escaping looks for).
    /// </summary>
    public static async Task<(int ExitCode, byte[] StdOut, byte[] StdErr)> RunServerRawAsync(params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(DotNet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(ServerDll);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var process = System.Diagnostics.Process.Start(psi) ?? throw new InvalidOperationException("dotnet did not start");
        process.StandardInput.Close();
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        using var cts = new CancellationTokenSource(RunTimeout);
        try
        {
            await Task.WhenAll(
                process.StandardOutput.BaseStream.CopyToAsync(stdout, cts.Token),
                process.StandardError.BaseStream.CopyToAsync(stderr, cts.Token),
                process.WaitForExitAsync(cts.Token));
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"factor-server did not exit within {RunTimeout}; killed");
        }
        return (process.ExitCode, stdout.ToArray(), stderr.ToArray());
    }

    /// <summary>Runs factor-client to its end.</summary>
    public static async Task<ProcessResult> RunClientAsync(params string[] args)
    {
        await using ChildProcess client = StartClient(args);
        client.StandardInput.Close();
        return await client.WaitAsync(RunTimeout);
    }

    /// <summary>The non-empty lines of <paramref name="text"/>.</summary>
    public static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Text of one-number-per-line input.</summary>
    public static string AsInput(IEnumerable<System.Numerics.BigInteger> numbers) =>
        string.Concat(numbers.Select(n => n.ToString(CultureInfo.InvariantCulture) + "\n"));

    /// <summary>The seed's numbers: <paramref name="count"/> odd numbers from 999999999999.</summary>
    public static IEnumerable<System.Numerics.BigInteger> SeedNumbers(int count) =>
        Enumerable.Range(0, count).Select(i => new System.Numerics.BigInteger(999_999_999_999) + 2 * i);

    private static string Existing(string path) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing; build the test project (it copies the programs beside itself)", path);

    [GeneratedRegex(@"listening on \S*:(\d+);")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"READY (\d+)")]
    private static partial Regex ReadyLine();

    [GeneratedRegex(@"numbers (\d+)/\d+")]
    private static partial Regex ProgressLine();
}
