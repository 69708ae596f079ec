using Factorizer.Managers.Server;
using Factorizer.Work.Jobs;

namespace Factorizer.Work.Serving;

/// <summary>
/// factor-server's status object (typeid <c>get_status</c>): tells workers whether the run goes on,
/// is finished (exit), or the server is stopping (reconnect and wait for it to come back); and the
/// job queue's time-to-run, which also tells a worker that the server understands leases and
/// <see cref="ChunkReport"/>s. <c>is_finished</c> is kept for workers older than <c>phase</c>.
/// </summary>
internal sealed class RunStatus(TimeSpan timeToRun, TimeSpan? numberTimeout = null) : ISharedObject
{
    private static readonly string[] Methods = [JobWire.IsFinishedMethod, JobWire.PhaseMethod, JobWire.TimeToRunMethod, JobWire.NumberTimeoutMethod];
    private volatile string _phase = JobWire.PhaseRunning;

    public IReadOnlyList<string> ExposedMethods => Methods;

    /// <summary>Whether chunks are being handed out (neither finished nor stopping).</summary>
    public bool IsRunning => _phase == JobWire.PhaseRunning;

    /// <summary>Marks the run finished: workers asking from now on are told to exit.</summary>
    public void Finish() => _phase = JobWire.PhaseFinished;

    /// <summary>Marks the server stopping: workers asking from now on wait for it to come back.</summary>
    public void Stop() => _phase = JobWire.PhaseStopping;

    public ValueTask<object?> InvokeAsync(SharedCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        call.CheckArity();
        string phase = _phase;
        return ValueTask.FromResult<object?>(call.Method switch
        {
            JobWire.PhaseMethod => phase,
            JobWire.TimeToRunMethod => timeToRun.TotalSeconds,
            JobWire.NumberTimeoutMethod => numberTimeout?.TotalSeconds,
            _ => phase == JobWire.PhaseFinished,
        });
    }
}
