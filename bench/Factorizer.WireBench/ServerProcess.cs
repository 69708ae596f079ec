using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Factorizer.WireBench;

/// <summary>A server under test run as a child process: its port, and its CPU time and memory read from /proc.</summary>
internal sealed partial class ServerProcess : IDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int Id => _process.Id;

    /// <summary>Our queue-manager (built next to the bench) serving one queue, get_q.</summary>
    public static ServerProcess QueueManager(string authKey) =>
        Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "queue-manager.dll"), "--port", "0", "--bind", "127.0.0.1", "--authkey", authKey, "--queue", "get_q"],
            fromStderr: true, ListeningLine());

    /// <summary>CPython's own manager server (bench/wire_peer.py) serving one queue.Queue as get_q.</summary>
    public static ServerProcess CPython(string authKey) =>
        Start("python3", [Path.Combine(AppContext.BaseDirectory, "wire_peer.py"), "server", "--authkey", authKey], fromStderr: false, ReadyLine());

    /// <summary>beanstalkd on a free loopback port (installed for benchmarks only).</summary>
    public static ServerProcess Beanstalkd()
    {
        int port = FreePort();
        var server = new ServerProcess(Quiet(Launch("beanstalkd", ["-l", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture)])), port);
        server.WaitListening();
        return server;
    }

    /// <summary>redis-server on a free loopback port, without persistence (installed for benchmarks only).</summary>
    public static ServerProcess Redis()
    {
        int port = FreePort();
        var server = new ServerProcess(Quiet(Launch("redis-server",
            ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning"])), port);
        server.WaitListening();
        return server;
    }

    /// <summary>True when the program is on PATH.</summary>
    public static bool Installed(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, program)));

    /// <summary>User plus system CPU time so far (Linux /proc; Process.TotalProcessorTime reads the same).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Resident memory now, bytes (VmRSS).</summary>
    public long ResidentBytes => ReadResident(_process.Id);

    public static long ReadResident(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }
        return 0;
    }

    private static ServerProcess Start(string program, string[] args, bool fromStderr, Regex ready)
    {
        Process process = Launch(program, args);
        StreamReader lines = fromStderr ? process.StandardError : process.StandardOutput;
        Drain(fromStderr ? process.StandardOutput : process.StandardError);
        Task<int> port = Task.Run(() =>
        {
            while (lines.ReadLine() is { } line)
            {
                if (ready.Match(line) is { Success: true } m)
                {
                    return int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                }
            }
            throw new InvalidOperationException($"{program} ended before it listened");
        });
        if (!port.Wait(TimeSpan.FromSeconds(60)))
        {
            process.Kill();
            throw new TimeoutException($"{program} did not listen within 60 s");
        }
        Drain(lines);
        return new ServerProcess(process, port.Result);
    }

    private static Process Quiet(Process process)
    {
        Drain(process.StandardOutput);
        Drain(process.StandardError);
        return process;
    }

    private static Process Launch(string program, string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        return Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
    }

    // Reads what a child writes, so that it never blocks on a full pipe.
    private static void Drain(StreamReader reader) => _ = Task.Run(reader.ReadToEnd);

    // A reference server that cannot report the port it took gets a free one picked here (a benchmark may race for it).
    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private void WaitListening()
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                probe.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }
        throw new TimeoutException($"nothing listens on port {Port}");
    }

    [GeneratedRegex(@"listening on [0-9.]+:(\d+)")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"^READY (\d+)")]
    private static partial Regex ReadyLine();

    public void Dispose()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }
}
