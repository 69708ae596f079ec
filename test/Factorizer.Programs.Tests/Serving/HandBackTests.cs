using Factorizer.Managers.Queues;
using Factorizer.Managers.Server;
using Factorizer.Pickle;
using Factorizer.TestSupport;
using Factorizer.Work.Jobs;
using Factorizer.Work.Serving;

namespace Factorizer.Programs.Tests.Serving;

/// <summary>
/// A worker hands back the unstarted numbers of its chunk (<see cref="ChunkLedger.HandBack"/>): they
/// become a piece, queued on their own; the chunk is written once, whole, when both are done, with
/// nothing lost and nothing counted twice. A real ledger, lease queue, intake and output, on a fake clock.
/// </summary>
public class HandBackTests
{
    private static readonly SessionInfo A = new(1, "127.0.0.1", 1001);
    private static readonly SessionInfo B = new(2, "127.0.0.1", 1002);

    private readonly ManualTimeProvider _clock = new();
    private readonly ChunkLedger _ledger;
    private readonly LocalQueue<object?> _jobs;
    private readonly StringWriter _written = new() { NewLine = "\n" };
    private readonly OrderedOutput _output;
    private readonly List<string> _log = [];
    private readonly ResultIntake _intake;

    public HandBackTests()
    {
        _ledger = new ChunkLedger(_clock);
        _jobs = new LocalQueue<object?>(timeToRun: TimeSpan.FromSeconds(30), timeProvider: _clock);
        _jobs.LeaseReturned += (_, e) => _ledger.LeaseEnded(e.LeaseId);
        _output = new OrderedOutput(_written);
        _intake = new ResultIntake(_ledger, _jobs, _output, new ClientStats(), _clock, _log.Add);
    }

    private static Dictionary<object, object?> Results(params (long N, long[] Factors)[] entries)
    {
        var dict = new Dictionary<object, object?>(PyEqualityComparer.Instance);
        foreach ((long n, long[] factors) in entries)
        {
            dict[n] = factors.Select(f => (object?)f).ToList();
        }
        return dict;
    }

    private static PyTuple Report(long lease, bool final, Dictionary<object, object?> results) =>
        new ChunkReport(lease, final, results, []).ToWire();

    private async Task<long> ReserveAsync(SessionInfo holder)
    {
        Lease<object?> lease = await _jobs.ReserveAsync(TimeSpan.Zero, holder: holder);
        _ledger.Reserved(lease.Item, lease.Id);
        return lease.Id;
    }

    /// <summary>Issues a chunk, queues it and reserves it; returns it and its lease id.</summary>
    private async Task<(ChunkLedger.Chunk Chunk, long Lease)> IssueAndReserveAsync(params long[] numbers)
    {
        List<object?> item = [.. numbers.Cast<object?>()];
        ChunkLedger.Chunk chunk = _ledger.Issue(item);
        _jobs.TryPut(item);
        return (chunk, await ReserveAsync(A));
    }

    /// <summary>What the job queue's hand_back does: the piece goes to the front of the queue.</summary>
    private ChunkLedger.Chunk HandBack(long lease, params long[] indexes)
    {
        ChunkLedger.Chunk piece = _ledger.HandBack(lease, indexes);
        _jobs.Requeue(piece.Item);
        return piece;
    }

    [Fact]
    public async Task HandedBackNumbers_DoneByAnotherWorker_TheChunkIsWrittenOnceWhole()
    {
        (ChunkLedger.Chunk chunk, long lease) = await IssueAndReserveAsync(6, 7, 8, 9);
        ChunkLedger.Chunk piece = HandBack(lease, 2, 3);
        Assert.Equal([8L, 9L], piece.Item);

        // The holder finishes what it kept: its final report need not carry the handed-back numbers.
        Assert.Null(_intake.Accept(Report(lease, true, Results((6, [2, 3]), (7, [7]))), A));
        Assert.Equal(0, _intake.ChunksDone); // waiting for the piece
        Assert.Equal("", _written.ToString());
        Assert.Equal(0, _jobs.LeasedCount); // the holder's lease ended

        long pieceLease = await ReserveAsync(B);
        Assert.Null(_intake.Accept(Report(pieceLease, true, Results((8, [2, 2, 2]), (9, [3, 3]))), B));

        _output.Close();
        Assert.Equal("6: 2 3\n7: 7\n8: 2 2 2\n9: 3 3\n", _written.ToString());
        Assert.Equal(1, _intake.ChunksDone);
        Assert.Equal(4, _intake.NumbersDone);
        Assert.Equal(0, _ledger.Outstanding);
        Assert.Empty(_intake.Failures);
        Assert.True(chunk.Done);
    }

    [Fact]
    public async Task PieceDoneFirst_ThenTheHoldersFinalReport_CompletesTheChunk()
    {
        (_, long lease) = await IssueAndReserveAsync(6, 7, 8);
        HandBack(lease, 1, 2);
        long pieceLease = await ReserveAsync(B);
        Assert.Null(_intake.Accept(Report(pieceLease, true, Results((7, [7]), (8, [2, 2, 2]))), B));
        Assert.Equal(0, _intake.ChunksDone);

        Assert.Null(_intake.Accept(Report(lease, true, Results((6, [2, 3]))), A));
        _output.Close();
        Assert.Equal("6: 2 3\n7: 7\n8: 2 2 2\n", _written.ToString());
        Assert.Equal(3, _intake.NumbersDone);
    }

    [Fact]
    public async Task HolderKilledAfterAHandBack_TheWholeChunkIsRedone_AndThePieceRetired()
    {
        (ChunkLedger.Chunk chunk, long lease) = await IssueAndReserveAsync(6, 7, 8);
        ChunkLedger.Chunk piece = HandBack(lease, 1, 2);
        _clock.Advance(TimeSpan.FromSeconds(31)); // the holder stopped: its chunk is back, whole
        Assert.Equal(2, _jobs.Count);

        long redo = await ReserveAsync(B); // the whole chunk, requeued at the front
        Assert.Equal(redo, chunk.LeaseId);
        Assert.Null(_intake.Accept(Report(redo, true, Results((6, [2, 3]), (7, [7]), (8, [2, 2, 2]))), B));

        _output.Close();
        Assert.Equal("6: 2 3\n7: 7\n8: 2 2 2\n", _written.ToString());
        Assert.Equal(3, _intake.NumbersDone);
        Assert.True(_ledger.ForgetStale(piece.Item)); // the queued piece is handed out no more

        // A late report for the piece (its worker had it after all) counts against nothing.
        long pieceLease = await ReserveAsync(A);
        Assert.Null(_intake.Accept(Report(pieceLease, true, Results((7, [7]), (8, [2, 2, 2]))), A));
        Assert.Equal(1, _intake.ChunksDone);
        Assert.Equal(3, _intake.NumbersDone);
    }

    [Fact]
    public async Task APieceHandsBackInTurn_NestedPiecesComplete()
    {
        (_, long lease) = await IssueAndReserveAsync(6, 7, 8, 9);
        HandBack(lease, 1, 2, 3);
        long pieceLease = await ReserveAsync(B);
        ChunkLedger.Chunk inner = HandBack(pieceLease, 2); // the piece's own index: 9
        Assert.Equal([9L], inner.Item);
        long innerLease = await ReserveAsync(A);

        Assert.Null(_intake.Accept(Report(innerLease, true, Results((9, [3, 3]))), A));
        Assert.Null(_intake.Accept(Report(lease, true, Results((6, [2, 3]))), A));
        Assert.Equal(0, _intake.ChunksDone);
        Assert.Null(_intake.Accept(Report(pieceLease, true, Results((7, [7]), (8, [2, 2, 2]))), B));

        _output.Close();
        Assert.Equal("6: 2 3\n7: 7\n8: 2 2 2\n9: 3 3\n", _written.ToString());
        Assert.Equal(4, _intake.NumbersDone);
    }

    [Fact]
    public async Task AWrongResultForThePiece_RedoesOnlyThePiece()
    {
        (_, long lease) = await IssueAndReserveAsync(6, 7, 8);
        HandBack(lease, 1, 2);
        Assert.Null(_intake.Accept(Report(lease, true, Results((6, [2, 3]))), A));

        long pieceLease = await ReserveAsync(B);
        Assert.Null(_intake.Accept(Report(pieceLease, true, Results((7, [7]), (8, [2, 4]))), B));
        Assert.Equal(0, _intake.ChunksDone);
        Assert.Equal(1, _jobs.Count); // the piece, back in the queue

        long again = await ReserveAsync(A);
        Assert.Null(_intake.Accept(Report(again, true, Results((7, [7]), (8, [2, 2, 2]))), A));
        _output.Close();
        Assert.Equal("6: 2 3\n7: 7\n8: 2 2 2\n", _written.ToString());
        Assert.Empty(_intake.Failures);
    }

    public static TheoryData<long[]> BadIndexes => new()
    {
        Array.Empty<long>(),  // nothing
        new long[] { 0, 1, 2 }, // everything: the holder must keep the number it is on
        new long[] { 3 },     // outside the chunk
        new long[] { -1 },    // negative
        new long[] { 1, 1 },  // twice
        new long[] { 0 },     // has its result already (a partial report carried it)
    };

    [Theory]
    [MemberData(nameof(BadIndexes))]
    public async Task BadHandBack_IsRefused_AndNothingChanges(long[] indexes)
    {
        (_, long lease) = await IssueAndReserveAsync(6, 7, 8);
        Assert.Null(_intake.Accept(Report(lease, false, Results((6, [2, 3]))), A));

        Assert.Throws<ArgumentException>(() => _ledger.HandBack(lease, indexes));

        Assert.Equal(0, _jobs.Count);
        Assert.Null(_intake.Accept(Report(lease, true, Results((7, [7]), (8, [2, 2, 2]))), A));
        _output.Close();
        Assert.Equal("6: 2 3\n7: 7\n8: 2 2 2\n", _written.ToString());
        Assert.Empty(_intake.Failures);
    }

    [Fact]
    public async Task HandBack_OnAnUnknownOrEndedLease_IsKeyNotFound()
    {
        (_, long lease) = await IssueAndReserveAsync(6, 7, 8);
        Assert.Throws<KeyNotFoundException>(() => _ledger.HandBack(lease + 1000, [1]));
        HandBack(lease, 2);
        Assert.Throws<ArgumentException>(() => _ledger.HandBack(lease, [2])); // handed back already
        Assert.Null(_intake.Accept(Report(lease, true, Results((6, [2, 3]), (7, [7]))), A));
        Assert.Throws<KeyNotFoundException>(() => _ledger.HandBack(lease, [1])); // its final report came
    }

    [Fact]
    public void APrefetchedChunkReleasedUnstarted_CostsNothingTowardTheNumberTimeout()
    {
        var clock = new ManualTimeProvider();
        var ledger = new ChunkLedger(clock);
        List<object?> item = [15L];
        ChunkLedger.Chunk chunk = ledger.Issue(item);
        Assert.True(ledger.Reserved(item, 1));
        clock.Advance(TimeSpan.FromSeconds(5)); // prefetched, waiting behind a long number
        ledger.LeaseEnded(1, released: true);
        Assert.Equal(TimeSpan.Zero, chunk.Spent);

        Assert.True(ledger.Reserved(item, 2));
        clock.Advance(TimeSpan.FromSeconds(5)); // worked on, then the worker stopped
        ledger.LeaseEnded(2);
        Assert.Equal(TimeSpan.FromSeconds(5), chunk.Spent);
    }

    [Fact]
    public async Task APieceTakenByTheSeedsPythonWorker_IsAListAndItsBareDictCompletesTheChunk()
    {
        (_, long lease) = await IssueAndReserveAsync(6, 7, 8);
        HandBack(lease, 1, 2);
        object? got = await _jobs.GetAsync(TimeSpan.Zero); // the seed's get: a plain list of ints
        Assert.Equal([7L, 8L], Assert.IsType<List<object?>>(got));
        _ledger.Taken(got, B);

        Assert.Null(_intake.Accept(Results((7, [7]), (8, [2, 2, 2])), B));
        Assert.Equal(0, _intake.ChunksDone);
        Assert.Null(_intake.Accept(Report(lease, true, Results((6, [2, 3]))), A));

        _output.Close();
        Assert.Equal("6: 2 3\n7: 7\n8: 2 2 2\n", _written.ToString());
        Assert.Equal(3, _intake.NumbersDone);
        Assert.Equal(0, _intake.Strays);
    }
}
