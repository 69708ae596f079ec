using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Factorizer.Managers;
using Factorizer.Managers.Client;
using Factorizer.Managers.Queues;
using Factorizer.Managers.Wire;
using Factorizer.Pickle;

namespace Factorizer.WireBench;

/// <summary>
/// Section "scale": an embedded manager (this process) with many clients (a child process) blocked in
/// <c>get</c> at once: its memory per connection and the time from a remote put to the wake-up of one of
/// them; and the memory a queued chunk costs, at a million of them, against CPython's queue.Queue.
/// </summary>
internal static class ScaleSection
{
    private const string Key = "wire-bench-scale";

    // The seed's chunk: 43 consecutive odd numbers from 999999999999.
    private const int ChunkNumbers = 43;

    public static List<BenchRow> Run(BenchSettings settings)
    {
        int blocked = 1000;
        int wakes = settings.Quick ? 20 : 100;
        int chunks = settings.Quick ? 100_000 : 1_000_000;
        var rows = new List<BenchRow>();
        rows.AddRange(BlockedGetters(blocked, wakes).GetAwaiter().GetResult());
        rows.Add(QueuedChunks(chunks));
        return rows;
    }

    private static async Task<BenchRow[]> BlockedGetters(int count, int wakes)
    {
        byte[] key = Encoding.UTF8.GetBytes(Key);
        await using var manager = new QueueManager(key);
        LocalQueue<object?> queue = manager.RegisterQueue("get_q");
        IPEndPoint endPoint = manager.Start(new IPEndPoint(IPAddress.Loopback, 0));
        await using ManagerClient producer = await QueueManager.ConnectAsync("127.0.0.1", endPoint.Port, key);
        await using QueueProxy<long> proxy = await producer.GetQueueAsync<long>("get_q");
        await proxy.PutAsync(0); // the producer's channel is open before the baseline
        await proxy.GetAsync();
        (long rss0, long heap0) = Memory();

        Console.Error.WriteLine($"scale: {count} clients blocking in get (load {QueueSection.Load()})");
        using Process blockers = StartBlockers(endPoint.Port, count);
        var clock = Stopwatch.StartNew();
        while (queue.WaitingGetters < count)
        {
            if (blockers.HasExited || clock.Elapsed > TimeSpan.FromSeconds(180))
            {
                throw new InvalidOperationException($"only {queue.WaitingGetters} of {count} clients blocked in get");
            }
            await Task.Delay(50);
        }
        TimeSpan connectTime = clock.Elapsed;
        (long rss1, long heap1) = Memory();

        // Each put wakes one blocked getter, which reports how long after the put began it had the item, and blocks again.
        var latencies = new List<double>();
        for (int i = 0; i < wakes; i++)
        {
            await proxy.PutAsync(Stopwatch.GetTimestamp());
            string line = await blockers.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30))
                ?? throw new InvalidOperationException("the blocked clients' process ended");
            latencies.Add(long.Parse(line, CultureInfo.InvariantCulture) * 1e6 / Stopwatch.Frequency);
        }
        blockers.Kill();
        await blockers.WaitForExitAsync();

        double perConnection = (rss1 - rss0) / (double)count;
        double heapPerConnection = (heap1 - heap0) / (double)count;
        double median = BenchRow.Median(latencies);
        double p99 = latencies.Order().ElementAt(System.Math.Min(latencies.Count - 1, (int)(latencies.Count * 0.99)));
        return
        [
            new("scale", $"{count} clients blocked in get: server memory per connection",
                $"{perConnection / 1024:0.0} KiB RSS ({heapPerConnection / 1024:0.0} KiB GC heap)", $"all blocked {connectTime.TotalSeconds:0.0} s after start", null, "measure"),
            new("scale", $"a remote put wakes one of {count} blocked getters (put start to item received)",
                $"median {median:0} µs, p99 {p99:0} µs", $"{wakes} wakes", null, "measure"),
        ];
    }

    private static Process StartBlockers(int port, int count)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string arg in (string[])[typeof(ScaleSection).Assembly.Location, "blockers", "--port", port.ToString(CultureInfo.InvariantCulture), "--count", count.ToString(CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(arg);
        }
        return Process.Start(start) ?? throw new InvalidOperationException("cannot start the blocked clients");
    }

    /// <summary>
    /// The child: <paramref name="count"/> concurrent gets on one client (a connection each), each printing on stdout how
    /// long ago the timestamp it got was taken, then getting again. Runs until killed.
    /// </summary>
    public static async Task BlockersAsync(int port, int count)
    {
        await using ManagerClient client = await QueueManager.ConnectAsync("127.0.0.1", port, Encoding.UTF8.GetBytes(Key));
        await using QueueProxy<long> queue = await client.GetQueueAsync<long>("get_q");
        var output = new object();
        await Task.WhenAll(Enumerable.Range(0, count).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                long put = await queue.GetAsync().ConfigureAwait(false);
                long waited = Stopwatch.GetTimestamp() - put;
                lock (output)
                {
                    Console.Out.WriteLine(waited.ToString(CultureInfo.InvariantCulture));
                    Console.Out.Flush();
                }
            }
        })));
    }

    private static BenchRow QueuedChunks(int count)
    {
        Console.Error.WriteLine($"scale: {count} queued chunks of {ChunkNumbers} numbers (load {QueueSection.Load()})");
        var queue = new LocalQueue<object?>();
        (long rss0, long heap0) = Memory();
        for (int i = 0; i < count; i++)
        {
            // Each chunk as the server holds it: decoded from its own pickle, as a put's argument is.
            queue.TryPut(PyPickle.Loads(PyPickle.Dumps(Chunk(i)), ManagerPickle.ReadOptions));
        }
        (long rss1, long heap1) = Memory();
        GC.KeepAlive(queue);
        double ours = (rss1 - rss0) / (double)count;
        double oursHeap = (heap1 - heap0) / (double)count;
        double cpython = CPythonBytesPerChunk(count);
        return new("scale", $"memory per queued chunk ({ChunkNumbers} ints), {count / 1e6:0.#}M queued",
            $"{ours:0} B RSS ({oursHeap:0} B GC heap)", $"CPython queue.Queue {cpython:0} B RSS", cpython / ours, "measure");
    }

    private static List<object?> Chunk(int index)
    {
        long first = 999_999_999_999L + 2L * ChunkNumbers * index;
        var chunk = new List<object?>(ChunkNumbers);
        for (int j = 0; j < ChunkNumbers; j++)
        {
            chunk.Add(first + 2L * j);
        }
        return chunk;
    }

    private static double CPythonBytesPerChunk(int count)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string arg in (string[])[Path.Combine(AppContext.BaseDirectory, "wire_peer.py"), "fill", "--authkey", "-",
            "--count", count.ToString(CultureInfo.InvariantCulture), "--chunk", ChunkNumbers.ToString(CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(arg);
        }
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("cannot start python3");
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        using var json = JsonDocument.Parse(output);
        return json.RootElement.GetProperty("bytes_per_chunk").GetDouble();
    }

    /// <summary>Resident memory and live GC heap, after full collections.</summary>
    private static (long Rss, long Heap) Memory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long heap = GC.GetTotalMemory(forceFullCollection: true);
        return (ServerProcess.ReadResident(Environment.ProcessId), heap);
    }
}
