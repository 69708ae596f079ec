using System.Globalization;
using System.Text;

namespace Factorizer.WireBench;

/// <summary>
/// Section "queue": put+get round trips of <c>[1, 2, 3]</c> through a queue proxy. Every server is a long-lived
/// process started once; each round runs every side once, in turn, and the figures are medians over rounds.
/// </summary>
internal static class QueueSection
{
    private const string Key = "wire-bench-key";

    public static List<BenchRow> Run(BenchSettings settings)
    {
        using ServerProcess ours = ServerProcess.QueueManager(Key);
        using ServerProcess cpython = ServerProcess.CPython(Key);
        using ServerProcess? beanstalkd = ServerProcess.Installed("beanstalkd") ? ServerProcess.Beanstalkd() : null;
        using ServerProcess? redis = ServerProcess.Installed("redis-server") ? ServerProcess.Redis() : null;
        byte[] key = Encoding.UTF8.GetBytes(Key);
        TimeSpan time = settings.RunTime;

        // Warm-up: both servers' first connections, our JIT's tiers, the Python imports' page cache.
        PythonClients.Run(ours.Port, Key, 1, settings.WarmUp);
        PythonClients.Run(cpython.Port, Key, 1, settings.WarmUp);
        ManagerLoad.RunAsync(ours.Port, key, "get_q", 8, settings.WarmUp).GetAwaiter().GetResult();

        var figures = new Dictionary<string, List<double>>();
        void Add(string name, double value) => (figures.TryGetValue(name, out List<double>? list) ? list : figures[name] = []).Add(value);

        for (int round = 0; round < settings.Rounds; round++)
        {
            Console.Error.WriteLine($"queue: round {round + 1} of {settings.Rounds} (load {Load()})");
            PythonSide(ours, "py1-ours", 1);
            PythonSide(cpython, "py1-cpython", 1);
            PythonSide(ours, "py8-ours", 8);
            PythonSide(cpython, "py8-cpython", 8);
            Add("cs1-ours", ManagerLoad.RunAsync(ours.Port, key, "get_q", 1, time, sync: true).GetAwaiter().GetResult());
            Add("cs1-async", ManagerLoad.RunAsync(ours.Port, key, "get_q", 1, time).GetAwaiter().GetResult());
            Add("floor", SocketFloor.RoundTrips(time) / 2);
            Add("cs1-pipelined", ManagerLoad.RunAsync(ours.Port, key, "get_q", 1, time, pipelined: true).GetAwaiter().GetResult());
            Add("cs8-ours", ManagerLoad.RunAsync(ours.Port, key, "get_q", 8, time, sync: true).GetAwaiter().GetResult());
            Add("cs8-async", ManagerLoad.RunAsync(ours.Port, key, "get_q", 8, time).GetAwaiter().GetResult());
            if (beanstalkd is not null)
            {
                Add("bs8", TextProtocolLoad.Beanstalk(beanstalkd.Port, 8, time));
            }
            if (redis is not null)
            {
                Add("redis8", TextProtocolLoad.Redis(redis.Port, 8, time));
            }
        }

        double M(string name) => figures.TryGetValue(name, out List<double>? list) ? BenchRow.Median(list) : double.NaN;
        string Cpu(string name) => M(name + "-cpu").ToString("0.0", CultureInfo.InvariantCulture) + " µs";
        var rows = new List<BenchRow>
        {
            new("queue", "1 CPython client, put+get pairs through a proxy",
                $"queue-manager {BenchRow.Rate(M("py1-ours"))}", $"CPython's manager {BenchRow.Rate(M("py1-cpython"))}",
                M("py1-ours") / M("py1-cpython"), ">= 2.5x"),
            new("queue", "8 CPython clients, pairs/s (server CPU per pair)",
                $"{BenchRow.Rate(M("py8-ours"))} ({Cpu("py8-ours")})", $"CPython's manager {BenchRow.Rate(M("py8-cpython"))} ({Cpu("py8-cpython")})",
                M("py8-ours") / M("py8-cpython"), "report"),
            new("queue", "server CPU per pair, 8 CPython clients",
                Cpu("py8-ours"), $"CPython's manager {Cpu("py8-cpython")}",
                M("py8-cpython-cpu") / M("py8-ours-cpu"), "report"),
            new("queue", "1 client: our C# client (Put/Get) + server vs CPython's",
                BenchRow.Rate(M("cs1-ours")), $"CPython+CPython {BenchRow.Rate(M("py1-cpython"))}",
                M("cs1-ours") / M("py1-cpython"), ">= 4x"),
            new("queue", "1 client: the same with PutAsync/GetAsync",
                BenchRow.Rate(M("cs1-async")), $"CPython+CPython {BenchRow.Rate(M("py1-cpython"))}",
                M("cs1-async") / M("py1-cpython"), "report"),
            new("queue", "floor: raw loopback TCP ping-pong between two C# processes, 2 round trips per pair",
                BenchRow.Rate(M("floor")), $"CPython+CPython {BenchRow.Rate(M("py1-cpython"))}",
                M("floor") / M("py1-cpython"), "the most any one-call-at-a-time pair could reach"),
            new("queue", "1 client: put and get pipelined in one round trip (CallAll; not the goal's measure)",
                BenchRow.Rate(M("cs1-pipelined")), $"CPython+CPython {BenchRow.Rate(M("py1-cpython"))}",
                M("cs1-pipelined") / M("py1-cpython"), "report"),
        };
        if (beanstalkd is not null)
        {
            rows.Add(new("queue", "8 C# clients (Put/Get) vs beanstalkd put+reserve+delete",
                BenchRow.Rate(M("cs8-ours")), $"beanstalkd {BenchRow.Rate(M("bs8"))}", M("cs8-ours") / M("bs8"), ">= 1x"));
            rows.Add(new("queue", "8 C# clients (PutAsync/GetAsync) vs beanstalkd",
                BenchRow.Rate(M("cs8-async")), $"beanstalkd {BenchRow.Rate(M("bs8"))}", M("cs8-async") / M("bs8"), "report"));
        }
        if (redis is not null)
        {
            rows.Add(new("queue", "8 C# clients (Put/Get) vs redis LPUSH+BRPOP (extra reference)",
                BenchRow.Rate(M("cs8-ours")), $"redis {BenchRow.Rate(M("redis8"))}", M("cs8-ours") / M("redis8"), "reference"));
        }
        return rows;

        void PythonSide(ServerProcess server, string name, int procs)
        {
            TimeSpan cpu0 = server.CpuTime;
            (double rate, long pairs) = PythonClients.Run(server.Port, Key, procs, time);
            TimeSpan cpu = server.CpuTime - cpu0;
            Add(name, rate);
            // The server's CPU over the client processes' whole life (their connect and warm-up too) per timed pair.
            Add(name + "-cpu", cpu.TotalMicroseconds / pairs);
        }
    }

    public static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}
