using Factorizer.Managers.Queues;

namespace Factorizer.Work.Worker;

/// <summary>
/// A chunk this worker holds under a lease, with its outcomes so far and the heartbeat that keeps
/// the lease alive. The heartbeat starts when the chunk is reserved, not when work on it starts, so a
/// prefetched chunk waiting behind a long one keeps its lease (it is touched, with nothing to report).
/// </summary>
internal sealed class LeasedChunk
{
    private LeasedChunk(Lease<object?> lease, ChunkProgress progress, LeaseHeartbeat heartbeat)
    {
        Lease = lease;
        Progress = progress;
        Heartbeat = heartbeat;
    }

    /// <summary>The lease and the job as it came.</summary>
    public Lease<object?> Lease { get; }

    /// <summary>Outcomes of its numbers, shared with the heartbeat's partial reports.</summary>
    public ChunkProgress Progress { get; }

    /// <summary>Touches the lease every third of the time-to-run and hands in finished numbers.</summary>
    public LeaseHeartbeat Heartbeat { get; }

    /// <summary>Takes charge of a just-reserved lease: its heartbeat starts now.</summary>
    public static LeasedChunk Start(WorkerOptions options, Lease<object?> lease, bool packed, TimeSpan timeToRun,
        Func<long, CancellationToken, Task> touch, Func<Jobs.ChunkReport, CancellationToken, Task> report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var progress = new ChunkProgress(packed);
        LeaseHeartbeat heartbeat = LeaseHeartbeat.Start(options.Time, timeToRun, lease.Id, progress, touch, report, options.Log, cancellationToken);
        return new LeasedChunk(lease, progress, heartbeat);
    }
}
