using Factorizer.Managers.Server;
using Factorizer.Work.Jobs;

namespace Factorizer.Work.Serving;

/// <summary>factor-server's status object (typeid <c>get_status</c>): tells workers when the run is over.</summary>
internal sealed class RunStatus : ISharedObject
{
    private static readonly string[] Methods = [JobWire.IsFinishedMethod];
    private volatile bool _finished;

    public IReadOnlyList<string> ExposedMethods => Methods;

    /// <summary>Marks the run finished: workers asking from now on are told to exit.</summary>
    public void Finish() => _finished = true;

    public ValueTask<object?> InvokeAsync(SharedCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        call.CheckArity();
        return ValueTask.FromResult<object?>(_finished);
    }
}
