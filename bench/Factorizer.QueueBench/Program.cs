using System.Diagnostics;
using System.Globalization;
using Factorizer.Managers.Durability;
using Factorizer.Managers.Queues;

// Usage: Factorizer.QueueBench [items] [dir]   (defaults: 20000 items per round; the system temp folder)
// In process, one thread: rounds of `items` puts then as many gets, of a factor-server-like chunk (a
// list of ten 40-bit ints). Figures are puts+gets per second, the best of three rounds. Always is given
// a tenth of the items (each record waits for the disk).
int items = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20000;
string root = args.Length > 1 ? args[1] : Path.GetTempPath();
string dir = Path.Combine(root, "factorizer-queuebench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
Directory.CreateDirectory(dir);
try
{
    List<object?> chunk = [.. Enumerable.Range(0, 10).Select(i => (object?)(1_000_000_000_000L + i))];
    Console.WriteLine($"queue puts+gets per second, {items} items per round, best of 3; {Environment.ProcessorCount} CPUs; .NET {Environment.Version}; journal in {dir}");
    Report("plain LocalQueue", items, () => (new LocalQueue<object?>(), null));
    Report(null, items, () => Durable(FsyncPolicy.Never)); // warm-up: JIT tiers and the page cache, not reported
    foreach (FsyncPolicy policy in new[] { FsyncPolicy.Never, FsyncPolicy.Interval, FsyncPolicy.Always })
    {
        int n = policy == FsyncPolicy.Always ? Math.Max(1, items / 10) : items;
        Report($"durable, fsync {policy}", n, () => Durable(policy));
    }

    (LocalQueue<object?>, IDisposable?) Durable(FsyncPolicy policy)
    {
        string path = Path.Combine(dir, policy + ".journal");
        File.Delete(path);
        DurableQueue q = DurableQueue.Open(path, policy);
        return (q.Queue, q);
    }

    void Report(string? name, int n, Func<(LocalQueue<object?> Queue, IDisposable? Owner)> make)
    {
        double best = 0;
        for (int round = 0; round < 3; round++)
        {
            (LocalQueue<object?> q, IDisposable? owner) = make();
            using (owner)
            {
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < n; i++)
                {
                    q.TryPut(chunk);
                }
                for (int i = 0; i < n; i++)
                {
                    q.TryGet(out _);
                }
                best = Math.Max(best, 2 * n / clock.Elapsed.TotalSeconds);
            }
        }
        if (name is not null)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-26} {best,12:N0} ops/s"));
        }
    }
}
finally
{
    Directory.Delete(dir, recursive: true);
}
