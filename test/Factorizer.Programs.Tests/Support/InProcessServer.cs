using System.Net;
using Factorizer.Managers;
using Factorizer.Managers.Queues;
using Factorizer.Managers.Server;
using Factorizer.Work.Jobs;
using Factorizer.Work.Worker;

namespace Factorizer.Programs.Tests.Support;

/// <summary>
/// A factor-server stand-in in the test process, on a free loopback port: the job and result queues
/// and a <see cref="TestStatus"/>, so a test sees exactly what a worker puts and can drive its leases.
/// </summary>
internal sealed class InProcessServer : IAsyncDisposable
{
    private readonly QueueManager _manager;

    /// <summary>
    /// A server whose status says <paramref name="timeToRun"/> (null: an older server without
    /// <c>time_to_run</c>; <paramref name="withStatus"/> false: no status at all, like the seed's
    /// Python server). The job queue's leases run on <paramref name="clock"/>; with
    /// <paramref name="leases"/> false it does not expose reserve/touch/ack/release. With
    /// <paramref name="packed"/> it is factor-server's job queue, with <c>reserve_packed</c>, for
    /// chunks issued in <see cref="Ledger"/> (else it is an older factor-server's, without it). With
    /// <paramref name="ackFinals"/> a final report's lease is acked as the report is put, as
    /// factor-server does, so the leases left are exactly the chunks workers hold.
    /// </summary>
    public InProcessServer(TimeSpan? timeToRun, bool withStatus = true, TimeProvider? clock = null, bool leases = true, int port = 0, bool packed = false,
        bool ackFinals = false)
    {
        _manager = new QueueManager(System.Text.Encoding.UTF8.GetBytes(TestPrograms.Key));
        Jobs = new LocalQueue<object?>(timeToRun: timeToRun, timeProvider: clock);
        Ledger = new Factorizer.Work.Serving.ChunkLedger(clock ?? TimeProvider.System);
        SharedQueue jobQueue = packed
            ? new Factorizer.Work.Serving.JobQueueShare(Jobs, Ledger, new Factorizer.Work.Serving.RunStatus(timeToRun ?? TimeSpan.FromSeconds(30), null), () => { })
            : leases ? new SharedQueue(Jobs) : new GetOnlyQueue(Jobs);
        _manager.RegisterQueue(JobWire.JobQueue, jobQueue);
        Results = new LocalQueue<object?>();
        _manager.RegisterQueue(JobWire.ResultQueue, ackFinals ? new FinalAckingQueue(Results, Jobs) : new SharedQueue(Results));
        Status = new TestStatus(timeToRun);
        if (withStatus)
        {
            _manager.Register(JobWire.Status, (_, _) => Status);
        }
        Port = _manager.Start(new IPEndPoint(IPAddress.Loopback, port)).Port;
    }

    /// <summary>Longest wait for something a worker should do soon.</summary>
    public static readonly TimeSpan Soon = TimeSpan.FromSeconds(30);

    public LocalQueue<object?> Jobs { get; }

    /// <summary>The chunks a packed server knows (issue one here before queueing it, to have it go out packed).</summary>
    public Factorizer.Work.Serving.ChunkLedger Ledger { get; }

    public LocalQueue<object?> Results { get; }

    public TestStatus Status { get; }

    public int Port { get; }

    /// <summary>Options for a worker against this server.</summary>
    public WorkerOptions WorkerOptions(Action<string>? log = null) =>
        new("127.0.0.1", Port, System.Text.Encoding.UTF8.GetBytes(TestPrograms.Key), "test-worker", TimeSpan.FromSeconds(5))
        {
            PollInterval = TimeSpan.FromMilliseconds(100),
            Log = log ?? (_ => { }),
        };

    /// <summary>The next value a worker put, within <see cref="Soon"/>.</summary>
    public async Task<object?> NextResultAsync() => await Results.GetAsync(Soon);

    /// <summary>The next value a worker put, which must be a report.</summary>
    public async Task<ChunkReport> NextReportAsync()
    {
        object? value = await NextResultAsync();
        Assert.True(ChunkReport.TryRead(value, out ChunkReport? report), $"not a report: {Factorizer.Pickle.PyRepr.Of(value)}");
        return report!;
    }

    public ValueTask DisposeAsync() => _manager.DisposeAsync();

    /// <summary>A result queue that acks a final report's lease before it queues the report.</summary>
    private sealed class FinalAckingQueue(LocalQueue<object?> results, LocalQueue<object?> jobs) : SharedQueue(results)
    {
        protected override ValueTask PutAsync(SharedCall call, object? item, TimeSpan? timeout, CancellationToken cancellationToken)
        {
            if (ChunkReport.TryRead(item, out ChunkReport? report) && report!.Final)
            {
                jobs.Ack(report.LeaseId);
            }
            return base.PutAsync(call, item, timeout, cancellationToken);
        }
    }
}
