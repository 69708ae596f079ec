using Factorizer.Managers.Client;
using Factorizer.Managers.Queues;
using Factorizer.Pickle;
using Factorizer.Programs.Tests.Support;
using Factorizer.TestSupport;
using Factorizer.Work.Jobs;
using Factorizer.Work.Worker;

namespace Factorizer.Programs.Tests.Worker;

/// <summary>
/// A worker's prefetch (it reserves the next chunk while it factors one, never more than one ahead)
/// and its hand-back (a number running long gives the unstarted numbers and the prefetched chunk back
/// to the server), in-process against an <see cref="InProcessServer"/> on loopback.
/// </summary>
public class PrefetchTests
{
    /// <summary>The numbers a report names (packed by index into <paramref name="chunk"/>, or by value), each with its factors.</summary>
    private static Dictionary<long, ulong[]> Numbers(ChunkReport report, List<object?> chunk)
    {
        var found = new Dictionary<long, ulong[]>();
        if (report.Packed is { } packed)
        {
            int offset = 0;
            ulong[] factors = new ulong[PackedResults.MaxFactors];
            while (PackedResults.TryRead(packed, ref offset, chunk.Count, factors, out int index, out int count))
            {
                found.Add((long)chunk[index]!, factors[..count]);
            }
        }
        foreach ((object n, object? f) in report.Results)
        {
            found.Add((long)n, [.. ((List<object?>)f!).Select(p => (ulong)(long)p!)]);
        }
        return found;
    }

    private static List<object?> Chunk(params long[] numbers) => [.. numbers.Cast<object?>()];

    [Fact]
    public async Task Prefetch_TheNextChunkIsReservedWhileOneIsInWork_NeverMoreThanOneAhead()
    {
        await using var server = new InProcessServer(TimeSpan.FromSeconds(30), packed: true, ackFinals: true);
        List<List<object?>> chunks = [.. Enumerable.Range(0, 5).Select(i => Chunk(1000 + (10 * i), 1001 + (10 * i)))];
        foreach (List<object?> chunk in chunks)
        {
            server.Ledger.Issue(chunk);
            server.Jobs.TryPut(chunk);
        }
        int mostHeld = 0;
        bool prefetched = false;
        int heldInChunk1 = -1, queuedInChunk1 = -1;
        WorkerOptions options = server.WorkerOptions() with
        {
            FactorNumber = n =>
            {
                // On the worker's factoring thread, at the start of each number: a final report's lease
                // ends as it is put, so the leases are the chunks the worker holds.
                if (n is 1010L)
                {
                    // Chunk 1 in work: chunk 2 is reserved meanwhile (once chunk 0's report is in), chunk 3 is not.
                    prefetched = server.Jobs.WaitUntilCountAtMostAsync(2).Wait(InProcessServer.Soon);
                    heldInChunk1 = server.Jobs.LeasedCount;
                    queuedInChunk1 = server.Jobs.Count;
                }
                mostHeld = System.Math.Max(mostHeld, server.Jobs.LeasedCount);
                return ChunkFactorizer.FactorNumber(n);
            },
        };
        Task<int> worker = WorkerLoop.RunAsync(options, CancellationToken.None);

        var done = new Dictionary<long, ulong[]>();
        while (done.Count < 10)
        {
            ChunkReport report = await server.NextReportAsync();
            foreach ((long number, ulong[] factors) in Numbers(report, server.Ledger.ByLease(report.LeaseId)!.Item))
            {
                done.Add(number, factors); // each number reported once
            }
        }
        server.Status.Finish();
        Assert.Equal(0, await worker.WaitAsync(InProcessServer.Soon));
        Assert.True(prefetched, "no prefetch while chunk 1 was in work");
        Assert.Equal(2, heldInChunk1);   // chunk 1 in work, chunk 2 prefetched
        Assert.Equal(2, queuedInChunk1); // chunks 3 and 4 left alone
        Assert.InRange(mostHeld, 1, 2);
        Assert.Equal(chunks.SelectMany(c => c.Cast<long>()).Order(), done.Keys.Order());
        Assert.All(done, d => Assert.Equal((ulong)d.Key, d.Value.Aggregate(1UL, (a, b) => a * b)));
        Assert.Equal(0, server.Jobs.LeasedCount);
    }

    /// <summary>
    /// Runs a worker on a manual clock over two chunks, the first with a number that blocks until the
    /// test lets it end; makes the number run long on the watch's clock; returns what came back to the
    /// queue (taken by the test) and the numbers of the first chunk's reports.
    /// </summary>
    private static async Task<(List<object?> Returned, Dictionary<long, ulong[]> FirstReported, List<string> Log)> RunLongAsync(bool packed)
    {
        var workerClock = new ManualTimeProvider();
        TimeSpan ttr = TimeSpan.FromSeconds(30);
        await using var server = new InProcessServer(ttr, packed: packed);
        const long Slow = 1_000_003L;
        List<object?> first = Chunk(6, Slow, 35, 77);
        List<object?> second = Chunk(10, 14);
        foreach (List<object?> chunk in new[] { first, second })
        {
            server.Ledger.Issue(chunk);
            server.Jobs.TryPut(chunk);
        }
        var slowStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var slowMayEnd = new ManualResetEventSlim();
        var log = new List<string>();
        WorkerOptions options = server.WorkerOptions(line => { lock (log) { log.Add(line); } }) with
        {
            Time = workerClock,
            FactorNumber = n =>
            {
                if (n is Slow)
                {
                    slowStarted.SetResult();
                    Assert.True(slowMayEnd.Wait(InProcessServer.Soon), "the test never let the slow number end");
                }
                return ChunkFactorizer.FactorNumber(n);
            },
        };
        Task<int> worker = WorkerLoop.RunAsync(options, CancellationToken.None);
        var returned = new List<object?>();
        try
        {
            await slowStarted.Task.WaitAsync(InProcessServer.Soon);
            await server.Jobs.WaitUntilCountAtMostAsync(0).WaitAsync(InProcessServer.Soon); // the second chunk is prefetched
            Assert.Equal(2, server.Jobs.LeasedCount);

            // The watch ticks every half threshold: three ticks with no number finished hand back.
            for (int i = 0; i < 3; i++)
            {
                workerClock.Advance(HandBackWatch.ThresholdFor(ttr) / 2);
            }
            int expected = packed ? 2 : 1; // the piece (our server) and the prefetched chunk
            for (int i = 0; i < expected; i++)
            {
                Lease<object?> lease = await server.Jobs.ReserveAsync(InProcessServer.Soon);
                returned.Add(lease.Item);
                server.Jobs.Ack(lease.Id); // as if another worker did it
            }
        }
        finally
        {
            slowMayEnd.Set();
        }
        var reported = new Dictionary<long, ulong[]>();
        ChunkReport report;
        do
        {
            report = await server.NextReportAsync();
            foreach ((long n, ulong[] f) in Numbers(report, first))
            {
                reported.Add(n, f);
            }
        }
        while (!report.Final);
        server.Jobs.Ack(report.LeaseId);
        server.Status.Finish();
        Assert.Equal(0, await worker.WaitAsync(InProcessServer.Soon));
        Assert.Equal(0, server.Jobs.LeasedCount);
        Assert.Equal(0, server.Jobs.Count);
        if (packed)
        {
            Assert.Equal(0, workerClock.ArmedTimers); // the watch and every heartbeat stopped
        }
        lock (log)
        {
            return (returned, reported, [.. log]);
        }
    }

    [Fact]
    public async Task HandBack_ANumberRunningLong_GivesBackTheUnstartedNumbersAndThePrefetchedChunk()
    {
        (List<object?> returned, Dictionary<long, ulong[]> reported, List<string> log) = await RunLongAsync(packed: true);

        Assert.Contains(returned, item => item is List<object?> l && l.SequenceEqual(Chunk(10, 14)));   // the prefetched chunk
        Assert.Contains(returned, item => item is List<object?> l && l.SequenceEqual(Chunk(35, 77)));   // the unstarted numbers, a piece
        Assert.Equal([6L, 1_000_003L], reported.Keys.Order()); // the worker's final report: only what it did
        Assert.Contains(log, line => line.Contains("handed back 2 unstarted number(s)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HandBack_AnOlderServerWithoutHandBack_TheWorkerDoesTheNumbersItself()
    {
        (List<object?> returned, Dictionary<long, ulong[]> reported, _) = await RunLongAsync(packed: false);

        Assert.True(Assert.Single(returned) is List<object?> l && l.SequenceEqual(Chunk(10, 14))); // the prefetched chunk, released
        Assert.Equal([6L, 35L, 77L, 1_000_003L], reported.Keys.Order()); // nothing handed back, nothing lost
    }

    [Fact]
    public async Task HandBack_GarbageCalls_GetClearErrors_NothingIsLost_AndTheServerGoesOn()
    {
        await using var server = new InProcessServer(TimeSpan.FromSeconds(30), packed: true);
        List<object?> chunk = Chunk(6, 7, 8, 9);
        server.Ledger.Issue(chunk);
        server.Jobs.TryPut(chunk);
        await using ManagerClient client = await ManagerClient.ConnectAsync(new ManagerClientOptions
        {
            Host = "127.0.0.1",
            Port = server.Port,
            AuthKey = System.Text.Encoding.UTF8.GetBytes(TestPrograms.Key),
        });
        await using QueueProxy<object?> jobs = await client.GetQueueAsync<object?>(JobWire.JobQueue);
        Lease<object?> lease = await jobs.ReserveAsync(InProcessServer.Soon);
        Dictionary<string, object?> none = [];

        async Task RefusedAsync(string type, PyTuple args, string words)
        {
            RemoteException e = await Assert.ThrowsAsync<RemoteException>(() => jobs.CallAsync(JobWire.HandBackMethod, args, none));
            Assert.EndsWith(type, e.RemoteType, StringComparison.Ordinal);
            Assert.Contains(words, e.RemoteMessage, StringComparison.Ordinal);
        }

        await RefusedAsync("TypeError", new PyTuple(lease.Id), "indexes must be a list of ints, not None");
        await RefusedAsync("TypeError", new PyTuple("x", new List<object?> { 1L }), "lease_id must be an int");
        await RefusedAsync("TypeError", new PyTuple(lease.Id, "abc"), "indexes must be a list of ints");
        await RefusedAsync("TypeError", new PyTuple(lease.Id, new List<object?> { 1L, "a" }), "indexes must be ints");
        await RefusedAsync("TypeError", new PyTuple(lease.Id, new List<object?> { 1L, 2.5 }), "indexes must be ints");
        await RefusedAsync("TypeError", new PyTuple(lease.Id, new List<object?> { System.Numerics.BigInteger.Pow(2, 200) }), "indexes must be ints");
        await RefusedAsync("TypeError", new PyTuple(lease.Id, new List<object?> { 1L }, 3L), "at most 2 arguments");
        await RefusedAsync("ValueError", new PyTuple(lease.Id, new List<object?> { 99L }), "outside the chunk");
        await RefusedAsync("ValueError", new PyTuple(lease.Id, new List<object?> { -5L }), "outside the chunk");
        await RefusedAsync("ValueError", new PyTuple(lease.Id, new List<object?> { 1L, 1L }), "given twice");
        await RefusedAsync("ValueError", new PyTuple(lease.Id, new List<object?> { 0L, 1L, 2L, 3L }), "between 1 and 3");
        await RefusedAsync("KeyError", new PyTuple(lease.Id + 1000, new List<object?> { 1L }), "unknown");
        Assert.Equal(0, server.Jobs.Count); // nothing queued by a refusal

        // The connection and the server go on: a good hand-back is taken.
        Assert.Equal(2L, await jobs.CallAsync(JobWire.HandBackMethod, new PyTuple(lease.Id, new List<object?> { 2L, 3L }), none));
        Lease<object?> piece = await jobs.ReserveAsync(InProcessServer.Soon);
        Assert.Equal(Chunk(8, 9), Assert.IsType<List<object?>>(piece.Item));
    }
}
