using System.Diagnostics;
using Factorizer.Managers;
using Factorizer.Managers.Client;
using Factorizer.Pickle;

namespace Factorizer.WireBench;

/// <summary>
/// C# clients doing put+get round trips of <c>[1, 2, 3]</c> through a queue proxy, each on its own connection:
/// async calls (PutAsync/GetAsync) on the thread pool, or synchronous ones (Put/Get) each on a thread of its own,
/// or the put and the get pipelined in one round trip (ManagerClient.CallAll), also on a thread of its own.
/// </summary>
internal static class ManagerLoad
{
    private static readonly List<object?> Item = [1L, 2L, 3L];
    private static long _cpuAtStart;
    private static long _timedPairs;

    /// <summary>This process's CPU time (all its threads) per timed pair in the last run on threads (sync or pipelined).</summary>
    public static TimeSpan LastCpuPerPair { get; private set; }

    /// <summary>Runs <paramref name="clients"/> clients for <paramref name="duration"/>; returns pairs per second (summed over clients).</summary>
    public static async Task<double> RunAsync(int port, byte[] authKey, string typeId, int clients, TimeSpan duration, bool sync = false, bool pipelined = false)
    {
        var proxies = new List<(ManagerClient Client, QueueProxy<object?> Queue)>();
        try
        {
            for (int i = 0; i < clients; i++)
            {
                ManagerClient client = await QueueManager.ConnectAsync("127.0.0.1", port, authKey).ConfigureAwait(false);
                proxies.Add((client, await client.GetQueueAsync<object?>(typeId).ConfigureAwait(false)));
            }
            if (sync || pipelined)
            {
                // Synchronous calls only: their channels stay blocking sockets, out of the event loop (ManagerClient.Call).
                return Threads(proxies.Select(p => (p.Client, p.Queue)).ToList(), duration, pipelined);
            }
            foreach ((_, QueueProxy<object?> queue) in proxies)
            {
                await PairsAsync(queue, 300).ConfigureAwait(false); // warm-up: the channel, the JIT's tiers
            }
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Task<double>[] runs = [.. proxies.Select(p => Task.Run(async () =>
            {
                await start.Task.ConfigureAwait(false);
                return await TimedAsync(p.Queue, duration).ConfigureAwait(false);
            }))];
            start.SetResult();
            return (await Task.WhenAll(runs).ConfigureAwait(false)).Sum();
        }
        finally
        {
            foreach ((ManagerClient client, QueueProxy<object?> queue) in proxies)
            {
                await queue.DisposeAsync().ConfigureAwait(false);
                await client.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static double Threads(List<(ManagerClient Client, QueueProxy<object?> Queue)> queues, TimeSpan duration, bool pipelined)
    {
        double[] rates = new double[queues.Count];
        using var start = new Barrier(queues.Count);
        Thread[] threads = [.. queues.Select((queue, i) => new Thread(() =>
        {
            Action<int> pairs50 = pipelined ? n => PipelinedPairs(queue.Client, queue.Queue, n) : n => Pairs(queue.Queue, n);
            pairs50(300);
            start.SignalAndWait();
            if (i == 0)
            {
                Interlocked.Exchange(ref _cpuAtStart, Environment.CpuUsage.TotalTime.Ticks);
            }
            long pairs = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < duration)
            {
                pairs50(50);
                pairs += 50;
            }
            rates[i] = pairs / clock.Elapsed.TotalSeconds;
            Interlocked.Add(ref _timedPairs, pairs);
        }))];
        foreach (Thread t in threads)
        {
            t.Start();
        }
        foreach (Thread t in threads)
        {
            t.Join();
        }
        LastCpuPerPair = TimeSpan.FromTicks(Environment.CpuUsage.TotalTime.Ticks - _cpuAtStart) / System.Math.Max(1, Interlocked.Exchange(ref _timedPairs, 0));
        return rates.Sum();
    }

    private static void Pairs(QueueProxy<object?> queue, int count)
    {
        for (int i = 0; i < count; i++)
        {
            queue.Put(Item);
            Check(queue.Get());
        }
    }

    /// <summary>The put and the get in one round trip (ManagerClient.CallAll): both requests in one write.</summary>
    private static void PipelinedPairs(ManagerClient client, QueueProxy<object?> queue, int count)
    {
        (string, string, PyTuple)[] pair = [(queue.Token.Id, "put", new PyTuple(Item)), (queue.Token.Id, "get", PyTuple.Empty)];
        for (int i = 0; i < count; i++)
        {
            Check(client.CallAll(pair)[1]);
        }
    }

    private static void Check(object? got)
    {
        if (got is not List<object?> { Count: 3 })
        {
            throw new InvalidOperationException($"got {PyRepr.Of(got, 60)} back, not [1, 2, 3]");
        }
    }

    private static async Task<double> TimedAsync(QueueProxy<object?> queue, TimeSpan duration)
    {
        long pairs = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            await PairsAsync(queue, 50).ConfigureAwait(false);
            pairs += 50;
        }
        return pairs / clock.Elapsed.TotalSeconds;
    }

    private static async Task PairsAsync(QueueProxy<object?> queue, int count)
    {
        for (int i = 0; i < count; i++)
        {
            await queue.PutAsync(Item).ConfigureAwait(false);
            Check(await queue.GetAsync().ConfigureAwait(false));
        }
    }
}
