namespace Factorizer.Work.Jobs;

/// <summary>
/// The factorizer's contract on the wire, shared with the seed's Python programs: the two queues'
/// typeids, and the shapes of a job (a Python list of ints) and a result (a dict int → list of ints).
/// Ours beyond the seed's: the status object, and lease-based consumption. Our workers
/// <c>reserve</c> a chunk (getting a lease id), <c>touch</c> the lease while they work on it, and
/// put a <see cref="ChunkReport"/> that names the lease; the server acks the lease when a final
/// report arrives. Python servers lack both and our workers fall back to <c>get</c> and bare dicts.
/// </summary>
public static class JobWire
{
    /// <summary>Typeid of the job queue (the seed's).</summary>
    public const string JobQueue = "get_job_q";

    /// <summary>Typeid of the result queue (the seed's).</summary>
    public const string ResultQueue = "get_result_q";

    /// <summary>
    /// Job-queue method of factor-server (ours, beyond the seed's): <c>reserve</c>, but the chunk comes
    /// as a <see cref="PackedChunk"/> when it has that form, and the worker answers with packed
    /// <see cref="ChunkReport"/>s. A server without it answers AttributeError and the worker reserves.
    /// </summary>
    public const string ReservePackedMethod = "reserve_packed";

    /// <summary>
    /// Job-queue method of factor-server (ours): <c>hand_back(lease_id, indexes)</c>. The holder of a
    /// lease whose chunk has a number running long gives back the numbers at <c>indexes</c> (in the
    /// chunk as it was handed out) that it has not started; the server queues them as a chunk of
    /// their own, at the front, and the lease's final report need not carry them. Answers how many
    /// were taken; KeyError for a lease that is not current, ValueError or TypeError for bad indexes
    /// (the worker then factors them itself). A server without it answers AttributeError.
    /// </summary>
    public const string HandBackMethod = "hand_back";

    /// <summary>Typeid of factor-server's run status (<see cref="IsFinishedMethod"/>).</summary>
    public const string Status = "get_status";

    /// <summary>Status method: True once every number is done, so workers may exit.</summary>
    public const string IsFinishedMethod = "is_finished";

    /// <summary>Status method: the run's phase, <see cref="PhaseRunning"/>, <see cref="PhaseFinished"/> or <see cref="PhaseStopping"/>.</summary>
    public const string PhaseMethod = "phase";

    /// <summary>Chunks are handed out.</summary>
    public const string PhaseRunning = "running";

    /// <summary>Every number is done: workers exit.</summary>
    public const string PhaseFinished = "finished";

    /// <summary>The server is stopping (a signal): workers keep reconnecting, for a restarted server.</summary>
    public const string PhaseStopping = "stopping";

    /// <summary>Status method: the job queue's time-to-run in seconds (a float); workers touch their lease every third of it.</summary>
    public const string TimeToRunMethod = "time_to_run";

    /// <summary>Status method: seconds of work after which a number is given up (a float), or None for no limit.</summary>
    public const string NumberTimeoutMethod = "number_timeout";

    /// <summary>The <see cref="WorkError.Type"/> of a number given up under <c>--number-timeout</c>.</summary>
    public const string NumberTimeoutError = "NumberTimeout";
}
