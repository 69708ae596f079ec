using Factorizer.Managers.Queues;
using Factorizer.Managers.Server;

namespace Factorizer.Work.Serving;

/// <summary>
/// The result queue as clients see it: a <c>put</c> of a result dict is verified and recorded at once
/// by <paramref name="accept"/> instead of being queued, so nothing waits in memory for the server to
/// read it. Anything that is not a result dict is refused with a Python ValueError.
/// </summary>
internal sealed class ResultSink(Func<object?, SessionInfo, string?> accept) : SharedQueue(new LocalQueue<object?>())
{
    protected override ValueTask PutAsync(SharedCall call, object? item, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        string? refusal = accept(item, call.Caller);
        return refusal is null ? ValueTask.CompletedTask : throw PythonErrorException.ValueError(refusal);
    }
}
