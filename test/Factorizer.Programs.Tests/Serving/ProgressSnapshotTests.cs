using System.Numerics;
using Factorizer.Managers.Server;
using Factorizer.TestSupport;
using Factorizer.Work.Serving;

namespace Factorizer.Programs.Tests.Serving;

public class ProgressSnapshotTests
{
    [Fact]
    public void Format_SteadyRun_GivesRateAndEta()
    {
        var snapshot = new ProgressSnapshot(10, 100, 1000, 10_000, TimeSpan.FromSeconds(10), 1, 2);
        Assert.Equal("chunks 10/100, numbers 1000/10000 (10.0%), 100 numbers/s, ETA 1m30s, 1 clients, 2 workers", snapshot.Format());
    }

    [Fact]
    public void Format_NothingDoneYet_EtaIsUnknownNotZero()
    {
        Assert.Contains("ETA unknown", new ProgressSnapshot(0, 10, 0, 100, TimeSpan.Zero, 0, 0).Format(), StringComparison.Ordinal);
    }

    [Fact]
    public void Format_OnlySlowNumbersLeft_EtaIsUnknownAndTheNumberIsNamed()
    {
        BigInteger hard = BigInteger.Parse("123456789012345678901234567890123456789012345678901234567890", System.Globalization.CultureInfo.InvariantCulture);
        var snapshot = new ProgressSnapshot(988, 989, 988, 989, TimeSpan.FromSeconds(60), 1, 2)
        {
            Slow = [new SlowChunk(42, [hard], TimeSpan.FromSeconds(125))],
        };
        string line = snapshot.Format();
        Assert.Contains("ETA unknown", line, StringComparison.Ordinal);
        Assert.Contains("slow: 12345678901234567890…34567890 (2m05s)", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Slowest_NamesOnlyChunksFarSlowerThanUsual_AndOnlyTheirWaitingNumbers()
    {
        var clock = new ManualTimeProvider();
        var ledger = new ChunkLedger(clock);
        var session = new SessionInfo(1, "127.0.0.1", 1);
        List<object?> quick = [4L], slow = [6L, 7L], queued = [8L];
        ChunkLedger.Chunk quickChunk = ledger.Issue(quick);
        ChunkLedger.Chunk slowChunk = ledger.Issue(slow);
        ledger.Issue(queued);
        ledger.Reserved(quick, 1);
        ledger.Taken(slow, session);
        clock.Advance(TimeSpan.FromSeconds(2));
        ledger.Complete(quickChunk); // chunks typically take 2 s

        clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Empty(ledger.Slowest(3, TimeSpan.FromSeconds(10))); // 11 s: under 10 × 2 s
        ledger.Update(slowChunk, c => c.Lines[6] = "6: 2 3");  // a partial report
        clock.Advance(TimeSpan.FromSeconds(10));

        SlowChunk named = Assert.Single(ledger.Slowest(3, TimeSpan.FromSeconds(10)));
        Assert.Equal(slowChunk.Id, named.Id);
        Assert.Equal([new BigInteger(7)], named.Waiting);
        Assert.Equal(TimeSpan.FromSeconds(21), named.Age);
    }
}
