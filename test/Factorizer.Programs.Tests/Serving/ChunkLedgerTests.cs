using Factorizer.Managers.Server;
using Factorizer.Work.Serving;

namespace Factorizer.Programs.Tests.Serving;

public class ChunkLedgerTests
{
    private static readonly SessionInfo A = new(1, "127.0.0.1", 1001);
    private static readonly SessionInfo B = new(2, "127.0.0.1", 1002);
    private static readonly SessionInfo C = new(3, "10.0.0.3", 1003);

    private static List<object?> Chunk(params long[] numbers) => [.. numbers.Cast<object?>()];

    [Fact]
    public void Issue_GivesIndexesInOrder()
    {
        var ledger = new ChunkLedger();
        Assert.Equal(0, ledger.Issue(Chunk(1, 2)).Index);
        Assert.Equal(1, ledger.Issue(Chunk(3, 4)).Index);
        Assert.Equal(2, ledger.Issued);
    }

    [Fact]
    public void Issue_SignatureIsTheSortedDistinctNumbers()
    {
        var ledger = new ChunkLedger();
        Assert.Equal("3,5,9", ledger.Issue(Chunk(9, 3, 5, 3)).Signature);
    }

    [Fact]
    public void Match_ResultForAnIssuedChunk_FindsIt()
    {
        var ledger = new ChunkLedger();
        List<object?> item = Chunk(10, 11);
        ChunkLedger.Chunk chunk = ledger.Issue(item);
        ledger.Taken(item, A);
        Assert.Same(chunk, ledger.Match("10,11", A));
        Assert.Same(chunk, ledger.Match("10,11", B)); // anyone's result for it counts
        Assert.Null(ledger.Match("10", B)); // B holds nothing: a stray result
    }

    [Fact]
    public void Match_IncompleteResultFromTheHolder_FallsBackToItsOldestHeldChunk()
    {
        var ledger = new ChunkLedger();
        List<object?> first = Chunk(10, 11), second = Chunk(20, 21);
        ChunkLedger.Chunk c1 = ledger.Issue(first);
        ledger.Issue(second);
        ledger.Taken(second, A);
        ledger.Taken(first, A);

        Assert.Same(c1, ledger.Match("10", A)); // counts against a chunk (and gets it redone), never dropped
        Assert.True(ledger.Complete(c1));
        Assert.Equal(1, ledger.Match("99", A)!.Index);
    }

    [Fact]
    public void Match_SameNumbersInTwoChunks_PrefersTheCallersChunk()
    {
        var ledger = new ChunkLedger();
        List<object?> first = Chunk(5), second = Chunk(5);
        ChunkLedger.Chunk c1 = ledger.Issue(first);
        ChunkLedger.Chunk c2 = ledger.Issue(second);
        ledger.Taken(first, A);
        ledger.Taken(second, B);
        Assert.Same(c2, ledger.Match("5", B));
        Assert.Same(c1, ledger.Match("5", A));
        Assert.Same(c1, ledger.Match("5", C));
        Assert.True(ledger.Complete(c2));
        Assert.Same(c1, ledger.Match("5", B));
    }

    [Fact]
    public void Complete_Twice_SecondIsADuplicate()
    {
        var ledger = new ChunkLedger();
        ChunkLedger.Chunk chunk = ledger.Issue(Chunk(7));
        Assert.True(ledger.Complete(chunk));
        Assert.False(ledger.Complete(chunk));
        Assert.Null(ledger.Match("7", A));
    }

    [Fact]
    public void Release_SessionHoldingChunks_ReturnsThemHighestIndexFirst()
    {
        var ledger = new ChunkLedger();
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
        var ledger = new ChunkLedger();
        List<object?> item = Chunk(4);
        ChunkLedger.Chunk chunk = ledger.Issue(item);
        ledger.Taken(item, A);
        ledger.Complete(chunk);
        Assert.Empty(ledger.Release(A));
    }

    [Fact]
    public void Release_ChunkRetakenByAnotherSession_BelongsToTheNewHolder()
    {
        var ledger = new ChunkLedger();
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
        Assert.Empty(new ChunkLedger().Release(C));
    }

    [Fact]
    public void Taken_ItemNotFromTheLedger_IsIgnored()
    {
        var ledger = new ChunkLedger();
        ledger.Issue(Chunk(1));
        ledger.Taken(Chunk(1), A); // equal numbers, but not the issued list
        ledger.Taken(null, A);
        ledger.Taken("something else", A);
        Assert.Empty(ledger.Release(A));
    }

    [Fact]
    public void Taken_CompletedChunk_IsIgnored()
    {
        var ledger = new ChunkLedger();
        List<object?> item = Chunk(6);
        ChunkLedger.Chunk chunk = ledger.Issue(item);
        ledger.Complete(chunk);
        ledger.Taken(item, A);
        Assert.Empty(ledger.Release(A));
    }

    [Fact]
    public void RecordFailure_CountsAttemptsAndFreesTheChunk()
    {
        var ledger = new ChunkLedger();
        List<object?> item = Chunk(8);
        ChunkLedger.Chunk chunk = ledger.Issue(item);
        ledger.Taken(item, A);
        Assert.Equal(1, ledger.RecordFailure(chunk));
        Assert.Null(chunk.HolderSession);
        Assert.Empty(ledger.Release(A)); // the server requeued it already
        ledger.Taken(item, B);
        Assert.Equal(2, ledger.RecordFailure(chunk));
        Assert.Same(chunk, ledger.Match("8", C)); // still outstanding
    }

    [Fact]
    public void Ledger_ConcurrentIssueTakeComplete_StaysConsistent()
    {
        var ledger = new ChunkLedger();
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
}
