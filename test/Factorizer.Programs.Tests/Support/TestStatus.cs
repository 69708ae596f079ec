using Factorizer.Managers.Server;
using Factorizer.Work.Jobs;

namespace Factorizer.Programs.Tests.Support;

/// <summary>
/// A stand-in for factor-server's status object: <c>phase</c> and <c>is_finished</c>, and
/// <c>time_to_run</c> when given one (without it, it is an older factor-server's status).
/// </summary>
internal sealed class TestStatus(TimeSpan? timeToRun) : ISharedObject
{
    private volatile string _phase = JobWire.PhaseRunning;

    public IReadOnlyList<string> ExposedMethods { get; } = timeToRun is null
        ? [JobWire.IsFinishedMethod, JobWire.PhaseMethod]
        : [JobWire.IsFinishedMethod, JobWire.PhaseMethod, JobWire.TimeToRunMethod];

    /// <summary>Workers asking from now on are told to exit.</summary>
    public void Finish() => _phase = JobWire.PhaseFinished;

    public ValueTask<object?> InvokeAsync(SharedCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        string phase = _phase;
        return ValueTask.FromResult<object?>(call.Method switch
        {
            JobWire.PhaseMethod => phase,
            JobWire.TimeToRunMethod => timeToRun!.Value.TotalSeconds,
            _ => phase == JobWire.PhaseFinished,
        });
    }
}
