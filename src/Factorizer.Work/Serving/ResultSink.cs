using Factorizer.Managers.Queues;
using Factorizer.Managers.Server;

namespace Factorizer.Work.Serving;

/// <summary>
/// The result queue as clients see it: a <c>put</c> is handed to the <see cref="ResultIntake"/> at
/// once instead of being queued, so nothing waits in memory for the server to read it. Anything
/// that is not a result is refused with a Python ValueError.
/// </summary>
internal sealed class ResultSink(ResultIntake intake) : SharedQueue(new LocalQueue<object?>())
{
    protected override ValueTask PutAsync(SharedCall call, object? item, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        string? refusal = intake.Accept(item, call.Caller);
        return refusal is null ? ValueTask.CompletedTask : throw PythonErrorException.ValueError(refusal);
    }
}
