using Factorizer.TestSupport;
using Factorizer.Managers.Server;
using Factorizer.Work.Serving;

namespace Factorizer.Programs.Tests.Serving;

public class ChunkLedgerTests
{
    private static readonly SessionInfo A = new(1, "127.0.0.1", 1001);
    private static readonly SessionInfo B = new(2, "127.0.0.1", 1002);
    private static readonly SessionInfo C = new(3, "10.0.0.3", 1003);

    private static List<object?> Chunk(params long[] numbers) => [.. numbers.Cast<object?>()];

    /// <summary>Matches a bare result dict whose keys are the numbers in <paramref name="signature"/>.</summary>
    private static ChunkLedger.Chunk? Match(ChunkLedger ledger, string signature, SessionInfo session)
    {
        var result = new Dictionary<object, object?>();
        foreach (string n in signature.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            result[long.Parse(n, System.Globalization.CultureInfo.InvariantCulture)] = new List<object?>();
        }
        return ledger.Match(signature, result, session);
    }

    [Fact]
    public void Issue_GivesIndexesInOrder()
    {
        var ledger = new ChunkLedger(TimeProvider.System);
        Assert.Equal(0, ledger.Issue(Chunk(1, 2)).Id);
        Assert.Equal(1, ledger.Issue(Chunk(3, 4)).Id);
        Assert.Equal(2, ledger.Issued);
    }

    [Fact]
    public void HandedAsList_SignatureIsTheSortedDistinctNumbers()
    {
        var ledger = new ChunkLedger(TimeProvider.System);
        List<object?> item = Chunk(9, 3, 5, 3);
        ChunkLedger.Chunk chunk = ledger.Issue(item);
        Assert.Null(chunk.Signature); // nothing to match until a peer that answers with bare dicts has it
        ledger.HandedAsList(item);
        Assert.Equal("3,5,9", chunk.Signature);
        Assert.Same(chunk, Match(ledger, "3,5,9", A));
    }

    [Fact]
    public void PackedJob_OnlyLongs_IsPackedOnceAndNeverIndexed()
    {
        var ledger = new ChunkLedger(TimeProvider.System);
        List<object?> item = Chunk(9, 3);
        ChunkLedger.Chunk chunk = ledger.Issue(item);
        byte[]? packed = ledger.PackedJob(item);
        Assert.Equal([9L, 3L], Factorizer.Work.Jobs.PackedChunk.Unpack(packed));
        Assert.Same(packed, ledger.PackedJob(item));
        Assert.Null(chunk.Signature);
        Assert.Null(Match(ledger, "3,9", A));
        Assert.Null(ledger.PackedJob(new List<object?> { 9L, 3L })); // not a chunk of this run
        List<object?> big = [5L, System.Numerics.BigInteger.Pow(2, 64)];
        ledger.Issue(big);
        Assert.Null(ledger.PackedJob(big)); // goes out as a list
    }

    [Fact]
    public void Match_ResultForAnIssuedChunk_FindsIt()
    {
        var ledger = new ChunkLedger(TimeProvider.System);
        List<object?> item = Chunk(10, 11);
        ChunkLedger.Chunk chunk = ledger.Issue(item);
        ledger.Taken(item, A);
        Assert.Same(chunk, Match(ledger, "10,11", A));
        Assert.Same(chunk, Match(ledger, "10,11", B)); // anyone's result for it counts
        Assert.Null(Match(ledger, "10", B)); // B holds nothing: a stray result
    }

    [Fact]
    public void Match_IncompleteResultFromTheHolder_FallsBackToItsOldestHeldChunkSharingANumber()
    {
        var ledger = new ChunkLedger(TimeProvider.System);
        List<object?> first = Chunk(10, 11), second = Chunk(20, 21);
        ChunkLedger.Chunk c1 = ledger.Issue(first);
        ledger.Issue(second);
        ledger.Taken(second, A);
        ledger.Taken(first, A);

        Assert.Same(c1, Match(ledger, "10", A)); // counts against its chunk (and gets it redone)
        Assert.True(ledger.Complete(c1));
        Assert.Equal(1, Match(ledger, "20,99", A)!.Id);
        Assert.Null(Match(ledger, "99", A)); // shares no number with what A holds: a stray, counted against nothing
    }

    [Fact]
    public void Match_SameNumbersInTwoChunks_PrefersTheCallersChunk()
    {
        var ledger = new ChunkLedger(TimeProvider.System);
        List<object?> first = Chunk(5), second = Chunk(5);
        ChunkLedger.Chunk c1 = ledger.Issue(first);
        ChunkLedger.Chunk c2 = ledger.Issue(second);
        ledger.Taken(first, A);
        ledger.Taken(second, B);
        Assert.Same(c2, Match(ledger, "5", B));
        Assert.Same(c1, Match(ledger, "5", A));
        Assert.Same(c1, Match(ledger, "5", C));
        Assert.True(ledger.Complete(c2));
        Assert.Same(c1, Match(ledger, "5", B));
    }

    [Fact]
    public void Complete_Twice_SecondIsADuplicate()
    {
        var ledger = new ChunkLedger(TimeProvider.System);
        ChunkLedger.Chunk chunk = ledger.Issue(Chunk(7));
        Assert.True(ledger.Complete(chunk));
        Assert.False(ledger.Complete(chunk));
        Assert.Null(Match(ledger, "7", A));
    }

    [Fact]
    public void Release_SessionHoldingChunks_ReturnsThemHighestIndexFirst()
    {
        var ledger = new ChunkLedger(TimeProvider.System);
        List<object?> i0 = Chunk(1), i1 = Chunk(2), i2 = Chunk(3);
        ledger.Issue(i0);
        ledger.Issue(i1);
        ledger.Issue(i2);
        ledger.Taken(i0, A);
        ledger.Taken(i2, A);
        ledger.Taken(i1, B);
        Assert.Equal([i2, i0], ledger.Release(A));
        Assert.Empty(ledger.Release(A));
        Assert.Equal([i1], ledger.Release(B));
    }

    [Fact]
    public void Release_CompletedChunk_IsNotReturned()
    {
        var ledger = new ChunkLedger(TimeProvider.System);
        List<object?> item = Chunk(4);
        ChunkLedger.Chunk chunk = ledger.Issue(item);
        ledger.Taken(item, A);
        ledger.Complete(chunk);
        Assert.Empty(ledger.Release(A));
    }

    [Fact]
    public void Release_ChunkRetakenByAnotherSession_BelongsToTheNewHolder()
    {
        var ledger = new ChunkLedger(TimeProvider.System);
        List<object?> item = Chunk(4);
        ledger.Issue(item);
        ledger.Taken(item, A);
        Assert.Equal([item], ledger.Release(A)); // requeued...
        ledger.Taken(item, B);                   // ...and taken by B
        Assert.Empty(ledger.Release(A));
        Assert.Equal([item], ledger.Release(B));
    }

    [Fact]
    public void Release_UnknownSession_IsEmpty()
    {
        Assert.Empty(new ChunkLedger(TimeProvider.System).Release(C));
    }

    [Fact]
    public void Taken_ItemNotFromTheLedger_IsIgnored()
    {
        var ledger = new ChunkLedger(TimeProvider.System);
        ledger.Issue(Chunk(1));
        ledger.Taken(Chunk(1), A); // equal numbers, but not the issued list
        ledger.Taken(null, A);
        ledger.Taken("something else", A);
        Assert.Empty(ledger.Release(A));
    }

    [Fact]
    public void Taken_CompletedChunk_IsIgnored()
    {
        var ledger = new ChunkLedger(TimeProvider.System);
        List<object?> item = Chunk(6);
        ChunkLedger.Chunk chunk = ledger.Issue(item);
        ledger.Complete(chunk);
        ledger.Taken(item, A);
        Assert.Empty(ledger.Release(A));
    }

    [Fact]
    public void RecordFailure_CountsAttemptsAndFreesTheChunk()
    {
        var ledger = new ChunkLedger(TimeProvider.System);
        List<object?> item = Chunk(8);
        ChunkLedger.Chunk chunk = ledger.Issue(item);
        ledger.Taken(item, A);
        Assert.Equal(1, ledger.RecordFailure(chunk));
        Assert.Null(chunk.GetHolder);
        Assert.Empty(ledger.Release(A)); // the server requeued it already
        ledger.Taken(item, B);
        Assert.Equal(2, ledger.RecordFailure(chunk));
        Assert.Same(chunk, Match(ledger, "8", C)); // still outstanding
    }

    [Fact]
    public void Ledger_ConcurrentIssueTakeComplete_StaysConsistent()
    {
        var ledger = new ChunkLedger(TimeProvider.System);
        var items = Enumerable.Range(0, 2000).Select(i => Chunk(i)).ToList();
        var chunks = items.Select(ledger.Issue).ToList();
        Parallel.For(0, items.Count, i =>
        {
            SessionInfo s = i % 2 == 0 ? A : B;
            ledger.Taken(items[i], s);
            if (i % 3 != 0)
            {
                Assert.True(ledger.Complete(chunks[i]));
            }
        });
        int held = ledger.Release(A).Count + ledger.Release(B).Count;
        Assert.Equal(items.Count(i => (long)i[0]! % 3 == 0), held);
    }

    [Fact]
    public void Reserved_FindsTheChunkByLeaseUntilItIsDone_EvenAfterTheLeaseEnded()
    {
        var ledger = new ChunkLedger(TimeProvider.System);
        List<object?> item = Chunk(3, 5);
        ChunkLedger.Chunk chunk = ledger.Issue(item);
        Assert.True(ledger.Reserved(item, 41));
        Assert.Same(chunk, ledger.ByLease(41));
        Assert.Equal(chunk.Id, ledger.LeaseEnded(41)); // expired: the queue has it back
        Assert.Same(chunk, ledger.ByLease(41));        // a late report from the old holder still counts
        Assert.True(ledger.Reserved(item, 42));
        Assert.True(ledger.Complete(chunk));
        Assert.Null(ledger.ByLease(41));
        Assert.Null(ledger.ByLease(42));
        Assert.True(ledger.ForgetStale(item));  // it went back to the queue once: a queued copy is skipped
        Assert.False(ledger.ForgetStale(item)); // once
    }

    [Fact]
    public void Reserved_ItemNotFromTheLedger_IsNoChunk()
    {
        var ledger = new ChunkLedger(TimeProvider.System);
        ledger.Issue(Chunk(1));
        Assert.False(ledger.Reserved("hello", 7));
        Assert.Null(ledger.ByLease(7));
        Assert.Null(ledger.LeaseEnded(7));
    }

    [Fact]
    public void Complete_ChunkNeverRequeued_LeavesNothingStale()
    {
        var ledger = new ChunkLedger(TimeProvider.System);
        List<object?> item = Chunk(9);
        ChunkLedger.Chunk chunk = ledger.Issue(item);
        ledger.Reserved(item, 1);
        Assert.True(ledger.Complete(chunk));
        Assert.False(ledger.ForgetStale(item));
        Assert.Equal(0, ledger.Outstanding);
    }

    [Fact]
    public void Overdue_PlainGetHeldPastTheLimit_IsReturnedOnceWithTheFakeClock()
    {
        var clock = new ManualTimeProvider();
        var ledger = new ChunkLedger(clock);
        List<object?> early = Chunk(1), late = Chunk(2), leased = Chunk(3);
        ledger.Issue(early);
        ledger.Issue(late);
        ledger.Issue(leased);
        ledger.Taken(early, A);
        clock.Advance(TimeSpan.FromSeconds(400));
        ledger.Taken(late, B);
        ledger.Reserved(leased, 5); // leases expire by themselves, not here

        Assert.Empty(ledger.Overdue(TimeSpan.FromSeconds(600)));
        clock.Advance(TimeSpan.FromSeconds(201));
        Assert.Equal([early], ledger.Overdue(TimeSpan.FromSeconds(600)));
        Assert.Empty(ledger.Overdue(TimeSpan.FromSeconds(600))); // handed out again once, not every tick
        Assert.Empty(ledger.Release(A));                         // no longer A's
        clock.Advance(TimeSpan.FromSeconds(400));
        Assert.Equal([late], ledger.Overdue(TimeSpan.FromSeconds(600)));
    }
}
