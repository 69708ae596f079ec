using System.Globalization;
using System.Numerics;
using System.Text;
using Factorizer.Managers.Queues;
using Factorizer.Managers.Server;
using Factorizer.Pickle;
using Factorizer.Work.Jobs;

namespace Factorizer.Work.Serving;

/// <summary>
/// Takes every value put into the result queue: finds the chunk it is for (by lease for our
/// workers' <see cref="ChunkReport"/>s, by content for the seed's bare dicts), verifies it, merges
/// partial reports, and hands finished chunks to the ordered output. A chunk whose result fails
/// verification is redone up to <see cref="MaxVerificationFailures"/> times, then reported as failed.
/// A result that belongs to no outstanding chunk is logged and dropped: it never counts against a
/// real chunk. Numbers a worker failed on (an exception) are given up: left out of the output and
/// named at the end.
/// </summary>
internal sealed class ResultIntake(ChunkLedger ledger, LocalQueue<object?> jobs, OrderedOutput output, ClientStats stats, TimeProvider time, Action<string> log,
    Durability.RunJournal? journal = null)
{
    /// <summary>A chunk whose results fail verification this many times is reported as failed.</summary>
    public const int MaxVerificationFailures = 3;

    /// <summary>Stray results logged one by one; after that they are only counted.</summary>
    private const int StrayLogLimit = 10;

    private readonly Lock _gate = new();
    private readonly List<string> _failures = []; // "FAILED n: ..." (verification, repeatedly) and "GAVE UP n: ..." (a worker's error), one a number
    private long _chunksDone;
    private long _numbersDone;
    private long _strays;

    /// <summary>Chunks finished (verified, or failed for good).</summary>
    public long ChunksDone => Interlocked.Read(ref _chunksDone);

    /// <summary>Numbers finished.</summary>
    public long NumbersDone => Interlocked.Read(ref _numbersDone);

    /// <summary>Results that matched no outstanding chunk (dropped).</summary>
    public long Strays => Interlocked.Read(ref _strays);

    /// <summary>What failed for good: verification failures and numbers given up, one line each.</summary>
    public IReadOnlyList<string> Failures
    {
        get
        {
            lock (_gate)
            {
                return [.. _failures];
            }
        }
    }

    /// <summary>Counts what an earlier run (from the journal) got done, and its failures.</summary>
    public void Resumed(long chunks, long numbers, IEnumerable<string> failures)
    {
        Interlocked.Add(ref _chunksDone, chunks);
        Interlocked.Add(ref _numbersDone, numbers);
        lock (_gate)
        {
            _failures.AddRange(failures);
        }
    }

    /// <summary>
    /// Handles one put. Returns a refusal (sent back as a Python ValueError) only for a value that is
    /// not a result at all; everything else, stray or duplicate results included, is handled here.
    /// </summary>
    public string? Accept(object? item, SessionInfo session)
    {
        ArgumentNullException.ThrowIfNull(session);
        try
        {
            if (ChunkReport.TryRead(item, out ChunkReport? report))
            {
                AcceptReport(report!, session);
                return null;
            }
        }
        catch (InvalidDataException e)
        {
            return e.Message;
        }
        string? signature = ResultCheck.Signature(item, out Dictionary<object, object?>? dict);
        if (signature is null)
        {
            return "a result must be a non-empty dict mapping each number to the list of its prime factors";
        }
        ChunkLedger.Chunk? chunk = ledger.Match(signature, dict!, session);
        if (chunk is null)
        {
            Stray(session, $"a result for numbers in no outstanding chunk: {PyRepr.Of(item, 60)}");
            return null;
        }
        (Dictionary<BigInteger, string> lines, List<string> problems) = ResultCheck.Verify(dict!);
        if (chunk.Signature != signature)
        {
            problems.AddRange(ResultCheck.Coverage(chunk.Item, dict!));
        }
        Settle(chunk, lines, null, problems, [], final: true, leaseId: null, session);
        return null;
    }

    private void AcceptReport(ChunkReport report, SessionInfo session)
    {
        ChunkLedger.Chunk? chunk = ledger.ByLease(report.LeaseId);
        if (chunk is null)
        {
            // A lease on something that is no chunk of this run (a peer put it in the job queue), or
            // on a chunk someone else finished first. Either way it must not come back.
            if (report.Final)
            {
                TryAck(report.LeaseId);
            }
            foreach (WorkError error in report.Errors)
            {
                Stray(session, $"an error report for a job no longer outstanding (finished meanwhile, or not part of this run): {error.Subject}: {error.Type}: {error.Message}");
            }
            return;
        }
        (Dictionary<BigInteger, string> lines, List<string> problems) = ResultCheck.Verify(report.Results);
        VerifiedLines? linesAt = null;
        if (report.Packed is { } packed)
        {
            // The chunk's numbers are its own: a queued item is never changed, so reading it unlocked is safe.
            (linesAt, List<string> packedProblems) = ResultCheck.VerifyPacked(chunk.Item, packed);
            problems.AddRange(packedProblems);
        }
        var errors = new List<(BigInteger Number, WorkError Error)>();
        foreach (WorkError error in report.Errors)
        {
            if (BigInteger.TryParse(error.Subject, NumberStyles.None, CultureInfo.InvariantCulture, out BigInteger n))
            {
                errors.Add((n, error));
            }
            else
            {
                problems.Add($"the worker could not read the job: {error.Subject}: {error.Type}: {error.Message}");
            }
        }
        Settle(chunk, lines, linesAt, problems, errors, report.Final, report.LeaseId, session);
    }

    /// <summary>Merges what arrived into the chunk; on a final result, completes or redoes it.</summary>
    private void Settle(ChunkLedger.Chunk chunk, Dictionary<BigInteger, string> lines, VerifiedLines? linesAt, List<string> problems,
        List<(BigInteger Number, WorkError Error)> errors, bool final, long? leaseId, SessionInfo session)
    {
        List<string> missing = ledger.Update(chunk, c =>
        {
            if (linesAt is not null)
            {
                c.SetLines(linesAt);
            }
            // Results by number (the seed's dicts, errors, factors past 64 bits): found by value.
            HashSet<BigInteger> wanted = lines.Count + errors.Count == 0 ? [] : [.. c.Item.Select(ChunkLedger.ToBig)];
            foreach ((BigInteger n, string line) in lines)
            {
                if (wanted.Contains(n))
                {
                    c.Lines[n] = line;
                }
                else
                {
                    problems.Add($"{n}: a result for a number not in the chunk");
                }
            }
            foreach ((BigInteger n, WorkError error) in errors)
            {
                if (wanted.Contains(n))
                {
                    c.Errors[n] = error;
                }
                else
                {
                    problems.Add($"{n}: an error for a number not in the chunk");
                }
            }
            return final ? [.. c.Waiting().Select(n => $"{n}: no result for it")] : new List<string>();
        });
        problems.AddRange(missing);
        if (problems.Count > 0)
        {
            int failures = ledger.RecordFailure(chunk);
            log($"result from {session} failed verification ({problems.Count} numbers), attempt {failures}: {problems[0]}");
            if (failures < MaxVerificationFailures)
            {
                Redo(chunk, leaseId);
                return;
            }
            Conclude(chunk, leaseId, session, [.. problems.Select(p => "FAILED " + p)]);
            return;
        }
        if (!final)
        {
            return; // a partial report: the lease goes on
        }
        Conclude(chunk, leaseId, session, []);
    }

    /// <summary>
    /// Gives up <paramref name="number"/> of <paramref name="chunk"/> (its work ran past the number
    /// timeout): the chunk completes without it, its lease ends, and any queued copy is skipped.
    /// </summary>
    public void GiveUp(ChunkLedger.Chunk chunk, BigInteger number, string why)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        long? leaseId = ledger.Update(chunk, c =>
        {
            c.Errors[number] = new WorkError(number.ToString(CultureInfo.InvariantCulture), JobWire.NumberTimeoutError, why, "");
            return c.LeaseId;
        });
        Conclude(chunk, leaseId, session: null, []);
    }

    private void Redo(ChunkLedger.Chunk chunk, long? leaseId)
    {
        if (leaseId is { } id)
        {
            try
            {
                jobs.Release(id); // back at the front; the ledger hears of it through LeaseReturned
                return;
            }
            catch (KeyNotFoundException)
            {
                return; // the lease had already ended, and the item is back in the queue
            }
        }
        jobs.Requeue(chunk.Item);
    }

    /// <summary>
    /// A final result for the chunk: ends its lease and completes it, unless numbers it handed back
    /// are still out in a piece (then the piece's completion completes it).
    /// </summary>
    private void Conclude(ChunkLedger.Chunk chunk, long? leaseId, SessionInfo? session, List<string> failures)
    {
        if (leaseId is { } id)
        {
            TryAck(id);
        }
        if (ledger.Concluded(chunk, session, failures))
        {
            Finish(chunk, session);
        }
    }

    /// <summary>
    /// Completes the chunk: its lines (less numbers given up) to the journal and the output, its
    /// failures to the list. A piece's lines go to its parent instead, which may complete with it.
    /// </summary>
    private void Finish(ChunkLedger.Chunk chunk, SessionInfo? session)
    {
        if (!ledger.Complete(chunk, out ChunkLedger.Chunk? readyParent))
        {
            return; // someone finished it first: this is the duplicate
        }
        if (chunk.Parent is not null)
        {
            if (session is not null)
            {
                stats.Record(session, chunk.Item.Count, time.GetUtcNow());
            }
            if (readyParent is not null)
            {
                Finish(readyParent, readyParent.FinalSession);
            }
            return;
        }
        List<string> failures = chunk.PendingFailures;
        string text = ledger.Update(chunk, c => c.WholeTextFromOneReport() ?? AssembleText(c, failures));
        lock (_gate)
        {
            _failures.AddRange(failures);
        }
        journal?.Done(chunk.Id, chunk.Item.Count, text, failures);
        Interlocked.Increment(ref _chunksDone);
        Interlocked.Add(ref _numbersDone, chunk.Item.Count);
        if (session is not null)
        {
            stats.Record(session, chunk.Item.Count - chunk.PieceNumbers, time.GetUtcNow());
        }
        output.Complete(chunk.Id, text);
    }

    /// <summary>The chunk's output text line by line, in chunk order (numbers given up are left out and named in <paramref name="failures"/>).</summary>
    private string AssembleText(ChunkLedger.Chunk c, List<string> failures)
    {
        var text = new StringBuilder();
        bool byValue = c.Lines.Count + c.Errors.Count > 0;
        for (int i = 0; i < c.Item.Count; i++)
        {
            if (c.LinesAt?[i] is ({ } packed, int entry))
            {
                packed.AppendTo(text, entry);
                continue;
            }
            if (!byValue)
            {
                continue;
            }
            BigInteger n = ChunkLedger.ToBig(c.Item[i]);
            if (c.Lines.TryGetValue(n, out string? line))
            {
                text.Append(line).Append('\n');
            }
            else if (c.Errors.TryGetValue(n, out WorkError? error))
            {
                failures.Add($"GAVE UP {n}: {error.Type}: {error.Message}");
                log($"gave up {n}: the worker failed on it: {error.Type}: {error.Message}");
            }
        }
        return text.ToString();
    }

    private void TryAck(long leaseId)
    {
        try
        {
            jobs.Ack(leaseId);
        }
        catch (KeyNotFoundException)
        {
            // Expired meanwhile: the item is back in the queue, and the ledger skips it when handed out.
        }
    }

    private void Stray(SessionInfo session, string what)
    {
        long n = Interlocked.Increment(ref _strays);
        if (n <= StrayLogLimit)
        {
            log($"dropped from {session}: {what}" + (n == StrayLogLimit ? " (further ones are only counted)" : ""));
        }
    }
}
