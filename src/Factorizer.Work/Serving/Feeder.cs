using Factorizer.Managers.Queues;
using Factorizer.Work.Jobs;

namespace Factorizer.Work.Serving;

/// <summary>
/// Cuts the input into chunks, registers each in the ledger, and keeps the job queue between the
/// watermarks (never running dry before the input is exhausted: the seed's Python workers quit at
/// the first empty get). It does not wait for the output: a slow chunk must not hold the others,
/// and the ordered output spills what waits behind it to disk.
/// </summary>
internal sealed class Feeder(NumberSource source, ChunkLedger ledger, LocalQueue<object?> jobs, FactorRunOptions options, Func<long, bool>? alreadyDone = null)
{
    private readonly TaskCompletionSource _primed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the queue is first filled (or the input is all queued).</summary>
    public Task Primed => _primed.Task;

    /// <summary>Chunks in the whole run.</summary>
    public long ChunksTotal { get; } = (source.Count + options.ChunkSize - 1) / options.ChunkSize;

    /// <summary>Feeds until the input is exhausted.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var chunk = new List<object?>(options.ChunkSize);
        foreach (object number in source.Read())
        {
            chunk.Add(number);
            if (chunk.Count == options.ChunkSize)
            {
                await IssueAsync(chunk, cancellationToken).ConfigureAwait(false);
                chunk = new List<object?>(options.ChunkSize);
            }
        }
        if (chunk.Count > 0)
        {
            await IssueAsync(chunk, cancellationToken).ConfigureAwait(false);
        }
        _primed.TrySetResult();
    }

    private async Task IssueAsync(List<object?> chunk, CancellationToken cancellationToken)
    {
        if (alreadyDone is not null && alreadyDone(ledger.Issued))
        {
            ledger.Skip(); // an earlier run did it (the journal says so): not queued again
            return;
        }
        if (jobs.Count >= options.HighWatermark)
        {
            _primed.TrySetResult();
            await jobs.WaitUntilCountAtMostAsync(options.LowWatermark, cancellationToken).ConfigureAwait(false);
        }
        ledger.Issue(chunk);
        jobs.TryPut(chunk);
    }
}
