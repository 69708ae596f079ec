using System.Collections.Concurrent;
using System.Numerics;
using Factorizer.Managers.Queues;
using Factorizer.Programs.Tests.Support;
using Factorizer.TestSupport;
using Factorizer.Work.Jobs;
using Factorizer.Work.Worker;

namespace Factorizer.Programs.Tests.Worker;

/// <summary><see cref="WorkerLoop"/> in-process against a <see cref="InProcessServer"/> on loopback.</summary>
public class WorkerLoopTests
{
    private static readonly object?[] SeedFactors = [3L, 3L, 3L, 7L, 11L, 13L, 37L, 101L, 9901L]; // 999999999999

    private static List<object?> FactorsOf(Dictionary<object, object?> results, object number) =>
        Assert.IsType<List<object?>>(results[number]);

    /// <summary>Runs a worker until the test's server says finished; returns its exit code.</summary>
    private static async Task<int> FinishAsync(InProcessServer server, Task<int> worker)
    {
        server.Status.Finish();
        return await worker.WaitAsync(InProcessServer.Soon);
    }

    [Fact]
    public async Task Leases_WorkerReservesAndPutsAFinalReportNamingItsLease()
    {
        await using var server = new InProcessServer(TimeSpan.FromSeconds(30));
        server.Jobs.TryPut(new List<object?> { 999_999_999_999L, 12L, new BigInteger(ulong.MaxValue), 0L });
        long? reserved = null;
        Task<int> worker = WorkerLoop.RunAsync(server.WorkerOptions(), CancellationToken.None);

        ChunkReport report = await server.NextReportAsync();
        // Merge any partial reports (a slow machine may beat before the chunk is done) into the final one.
        var merged = new Dictionary<object, object?>(report.Results, Factorizer.Pickle.PyEqualityComparer.Instance);
        while (!report.Final)
        {
            reserved ??= report.LeaseId;
            report = await server.NextReportAsync();
            Assert.Equal(reserved, report.LeaseId);
            foreach ((object n, object? f) in report.Results)
            {
                merged[n] = f;
            }
        }
        Assert.Empty(report.Errors);
        Assert.Equal(4, merged.Count);
        Assert.Equal(SeedFactors, FactorsOf(merged, 999_999_999_999L));
        Assert.Equal(new object?[] { 2L, 2L, 3L }, FactorsOf(merged, 12L));
        Assert.Equal(new object?[] { 3L, 5L, 17L, 257L, 641L, 65537L, 6700417L }, FactorsOf(merged, new BigInteger(ulong.MaxValue)));
        Assert.Empty(FactorsOf(merged, 0L));
        // The lease is still held (the worker does not ack; the server does, on the final report).
        Assert.Equal(1, server.Jobs.LeasedCount);
        server.Jobs.Ack(report.LeaseId);
        Assert.Equal(0, await FinishAsync(server, worker));
    }

    [Fact]
    public async Task Leases_HeartbeatTouchesAndHandsInFinishedNumbersWhileOneIsSlow()
    {
        var serverClock = new ManualTimeProvider();
        var workerClock = new ManualTimeProvider();
        TimeSpan ttr = TimeSpan.FromSeconds(30);
        await using var server = new InProcessServer(ttr, clock: serverClock);
        var returned = new ConcurrentQueue<LeaseReturnReason>();
        server.Jobs.LeaseReturned += (_, e) => returned.Enqueue(e.Reason);
        const long Slow = 1_000_003L;
        var slowStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var slowMayEnd = new ManualResetEventSlim();
        server.Jobs.TryPut(new List<object?> { 6L, 35L, Slow });
        WorkerOptions options = server.WorkerOptions() with
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
        using var stop = new CancellationTokenSource();
        Task<int> worker = WorkerLoop.RunAsync(options, stop.Token);
        ChunkReport partial;
        try
        {
            await slowStarted.Task.WaitAsync(InProcessServer.Soon); // the heartbeat's timer is armed by now
            serverClock.Advance(TimeSpan.FromSeconds(20));           // 10 s of the lease left

            workerClock.Advance(ttr / 3); // a beat: touch (lease good for 30 s from now), then a partial report
            partial = await server.NextReportAsync();
            Assert.False(partial.Final);
            Assert.Equal(2, partial.Results.Count);
            Assert.Equal(new object?[] { 2L, 3L }, FactorsOf(partial.Results, 6L));
            Assert.Equal(new object?[] { 5L, 7L }, FactorsOf(partial.Results, 35L));

            serverClock.Advance(TimeSpan.FromSeconds(20)); // past the first time-to-run, within the touched one
            Assert.Empty(returned);
            Assert.Equal(1, server.Jobs.LeasedCount);
        }
        finally
        {
            slowMayEnd.Set();
        }
        ChunkReport final = await server.NextReportAsync();
        Assert.True(final.Final);
        Assert.Equal(partial.LeaseId, final.LeaseId);
        Assert.Equal([(object)Slow], final.Results.Keys); // only what the partial did not carry
        Assert.Equal(new object?[] { Slow }, FactorsOf(final.Results, Slow));
        Assert.Empty(final.Errors);
        Assert.Equal(0, workerClock.ArmedTimers); // the heartbeat stopped with the chunk
        server.Jobs.Ack(final.LeaseId);
        // The worker's next reserve waits on the server's manual clock, so it would never time out
        // and ask for the phase: stop the worker instead.
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => worker.WaitAsync(InProcessServer.Soon));
    }

    [Fact]
    public async Task Leases_AJobThatIsNotAListIsReportedAsAnErrorAndTheWorkerGoesOn()
    {
        await using var server = new InProcessServer(TimeSpan.FromSeconds(30));
        server.Jobs.TryPut("hello");
        server.Jobs.TryPut(new List<object?> { 15L });
        Task<int> worker = WorkerLoop.RunAsync(server.WorkerOptions(), CancellationToken.None);

        ChunkReport bad = await server.NextReportAsync();
        Assert.True(bad.Final);
        Assert.Empty(bad.Results);
        WorkError error = Assert.Single(bad.Errors);
        Assert.Equal("'hello'", error.Subject);
        Assert.Equal("InvalidDataException", error.Type);
        Assert.Contains("list of ints", error.Message, StringComparison.Ordinal);
        server.Jobs.Ack(bad.LeaseId);

        ChunkReport good = await server.NextReportAsync();
        while (!good.Final)
        {
            good = await server.NextReportAsync();
        }
        Assert.NotEqual(bad.LeaseId, good.LeaseId);
        server.Jobs.Ack(good.LeaseId);
        Assert.Equal(0, await FinishAsync(server, worker));
    }

    [Fact]
    public async Task Leases_BadItemsAndAFailingNumber_CostOnlyThemselves()
    {
        await using var server = new InProcessServer(TimeSpan.FromSeconds(30));
        server.Jobs.TryPut(new List<object?> { 10L, -4L, null, 77L, 21L });
        WorkerOptions options = server.WorkerOptions() with
        {
            FactorNumber = n => n is 77L ? throw new InvalidOperationException("the factorizer broke") : ChunkFactorizer.FactorNumber(n),
        };
        Task<int> worker = WorkerLoop.RunAsync(options, CancellationToken.None);

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
        Assert.Equal(new object[] { 10L, 21L }, results.Keys.Order());
        Assert.Equal(3, report.Errors.Count);
        Assert.Equal(["-4", "None"], report.Errors.Where(e => e.Type == "InvalidDataException").Select(e => e.Subject));
        WorkError broke = Assert.Single(report.Errors, e => e.Subject == "77");
        Assert.Equal("InvalidOperationException", broke.Type);
        Assert.Equal("the factorizer broke", broke.Message);
        Assert.NotEqual("", broke.Stack);
        server.Jobs.Ack(report.LeaseId);
        Assert.Equal(0, await FinishAsync(server, worker));
    }

    [Fact]
    public async Task Packed_WorkerReservesPackedChunksAndReportsByIndex()
    {
        await using var server = new InProcessServer(TimeSpan.FromSeconds(30), packed: true);
        List<object?> small = [999_999_999_999L, 12L, 12L, 0L];
        List<object?> large = [new BigInteger(ulong.MaxValue), 15L]; // past a long: goes out as a list
        foreach (List<object?> chunk in new[] { small, large })
        {
            server.Ledger.Issue(chunk);
            server.Jobs.TryPut(chunk);
        }
        Task<int> worker = WorkerLoop.RunAsync(server.WorkerOptions(), CancellationToken.None);

        foreach (List<object?> chunk in new[] { small, large })
        {
            var byIndex = new Dictionary<int, ulong[]>();
            ChunkReport report;
            do
            {
                report = await server.NextReportAsync();
                Assert.NotNull(report.Packed);
                Assert.Empty(report.Results);
                Assert.Empty(report.Errors);
                int offset = 0;
                ulong[] factors = new ulong[PackedResults.MaxFactors];
                while (PackedResults.TryRead(report.Packed, ref offset, chunk.Count, factors, out int index, out int count))
                {
                    byIndex.Add(index, factors[..count]);
                }
            }
            while (!report.Final);
            server.Jobs.Ack(report.LeaseId);
            Assert.Equal(chunk.Count, byIndex.Count); // every index, duplicates included
            if (chunk == small)
            {
                Assert.Equal(SeedFactors, byIndex[0].Select(p => (object?)(long)p));
                Assert.Equal([2UL, 2, 3], byIndex[1]);
                Assert.Equal([2UL, 2, 3], byIndex[2]);
                Assert.Empty(byIndex[3]);
            }
            else
            {
                Assert.Equal([3UL, 5, 17, 257, 641, 65537, 6700417], byIndex[0]);
                Assert.Equal([3UL, 5], byIndex[1]);
            }
        }
        Assert.Equal(0, await FinishAsync(server, worker));
    }

    [Fact]
    public async Task Packed_AGarbageBlobInTheQueue_IsReportedAsAnErrorAndTheWorkerGoesOn()
    {
        await using var server = new InProcessServer(TimeSpan.FromSeconds(30), packed: true);
        server.Jobs.TryPut(new byte[] { 1, 9, 9 });
        Task<int> worker = WorkerLoop.RunAsync(server.WorkerOptions(), CancellationToken.None);
        ChunkReport report = await server.NextReportAsync();
        Assert.True(report.Final);
        Assert.Equal(ChunkFactorizer.InvalidDataType, Assert.Single(report.Errors).Type);
        server.Jobs.Ack(report.LeaseId);
        Assert.Equal(0, await FinishAsync(server, worker));
    }

    [Fact]
    public async Task NoTimeToRun_WorkerGetsAndPutsBareDicts()
    {
        await using var server = new InProcessServer(timeToRun: null);
        var logs = new ConcurrentQueue<string>();
        server.Jobs.TryPut("hello");
        server.Jobs.TryPut(new List<object?> { 999_999_999_999L, 9L });
        Task<int> worker = WorkerLoop.RunAsync(server.WorkerOptions(logs.Enqueue), CancellationToken.None);

        var dict = Assert.IsType<Dictionary<object, object?>>(await server.NextResultAsync());
        Assert.Equal(SeedFactors, FactorsOf(dict, 999_999_999_999L));
        Assert.Equal(new object?[] { 3L, 3L }, FactorsOf(dict, 9L));
        Assert.Equal(0, server.Jobs.LeasedCount);
        Assert.Equal(0, await FinishAsync(server, worker));
        Assert.Contains(logs, l => l.Contains("'hello'", StringComparison.Ordinal));
        Assert.Equal(0, server.Results.Count); // the bad job got no result
    }

    [Fact]
    public async Task NoStatus_LikeTheSeedsServer_WorkerGetsPutsBareDictsAndEndsOnAnEmptyQueue()
    {
        await using var server = new InProcessServer(timeToRun: null, withStatus: false);
        server.Jobs.TryPut(new List<object?> { 12L });
        int exit = await WorkerLoop.RunAsync(server.WorkerOptions(), CancellationToken.None).WaitAsync(InProcessServer.Soon);
        Assert.Equal(0, exit);
        var dict = Assert.IsType<Dictionary<object, object?>>(await server.NextResultAsync());
        Assert.Equal(new object?[] { 2L, 2L, 3L }, FactorsOf(dict, 12L));
    }

    [Fact]
    public async Task ReserveNotExposed_WorkerFallsBackToGet()
    {
        await using var server = new InProcessServer(TimeSpan.FromSeconds(30), leases: false);
        var logs = new ConcurrentQueue<string>();
        server.Jobs.TryPut(new List<object?> { 14L });
        Task<int> worker = WorkerLoop.RunAsync(server.WorkerOptions(logs.Enqueue), CancellationToken.None);

        var dict = Assert.IsType<Dictionary<object, object?>>(await server.NextResultAsync());
        Assert.Equal(new object?[] { 2L, 7L }, FactorsOf(dict, 14L));
        Assert.Equal(0, await FinishAsync(server, worker));
        Assert.Single(logs, l => l.Contains("no reserve", StringComparison.Ordinal));
    }
}
