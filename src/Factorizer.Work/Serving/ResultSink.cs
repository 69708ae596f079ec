using Factorizer.Managers.Queues;
using Factorizer.Managers.Server;
using Factorizer.Pickle;
using Factorizer.Work.Jobs;

namespace Factorizer.Work.Serving;

/// <summary>
/// The result queue as clients see it: a <c>put</c> is handed to the <see cref="ResultIntake"/> at
/// once instead of being queued, so nothing waits in memory for the server to read it. Anything
/// that is not a result is refused with a Python ValueError. A packed report (our workers') is
/// checked for shape at once and verified just after the reply, so the worker factors its next
/// chunk while the server verifies the last one: each session has at most one report waiting to
/// be verified (its next put is answered once the one before is done), and a session's reports are
/// verified in the order they came, so a lease's partial reports precede its final one.
/// </summary>
internal sealed class ResultSink(ResultIntake intake, Action<string> log) : SharedQueue(new LocalQueue<object?>())
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, Task> _verifying = []; // per session id: its last report's verification

    protected override async ValueTask PutAsync(SharedCall call, object? item, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!IsPackedReport(item))
        {
            string? refusal = intake.Accept(item, call.Caller);
            if (refusal is not null)
            {
                throw PythonErrorException.ValueError(refusal);
            }
            return;
        }
        try
        {
            ChunkReport.TryRead(item, out _); // the shape, at once: a malformed report is the caller's ValueError
        }
        catch (InvalidDataException e)
        {
            throw PythonErrorException.ValueError(e.Message);
        }
        Task previous;
        lock (_gate)
        {
            previous = _verifying.GetValueOrDefault(call.Caller.Id, Task.CompletedTask);
            _verifying[call.Caller.Id] = previous.ContinueWith(_ => Verify(item, call.Caller), CancellationToken.None,
                TaskContinuationOptions.None, TaskScheduler.Default);
        }
        await previous.ConfigureAwait(false); // one report in verification per session
    }

    public override ValueTask SessionClosedAsync(SessionInfo session)
    {
        ArgumentNullException.ThrowIfNull(session);
        lock (_gate)
        {
            _verifying.Remove(session.Id); // what it put is still verified; only the bookkeeping goes
        }
        return base.SessionClosedAsync(session);
    }

    private void Verify(object? item, SessionInfo session)
    {
        try
        {
            if (intake.Accept(item, session) is { } refusal)
            {
                log($"dropped a report from {session}: {refusal}");
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log($"a report from {session} could not be handled: {e.GetType().Name}: {e.Message}");
        }
    }

    private static bool IsPackedReport(object? item) =>
        item is PyTuple { Count: > 0 } tuple && tuple[0] is ChunkReport.FinalPackedTag or ChunkReport.PartialPackedTag;
}
