using Factorizer.Managers.Queues;
using Factorizer.Managers.Server;
using Factorizer.Pickle;
using Factorizer.TestSupport;
using Factorizer.Work.Jobs;
using Factorizer.Work.Serving;

namespace Factorizer.Programs.Tests.Serving;

/// <summary>The result intake with a real ledger, lease queue and ordered output, on a fake clock.</summary>
public class ResultIntakeTests
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

    public ResultIntakeTests()
    {
        _ledger = new ChunkLedger(_clock);
        _jobs = new LocalQueue<object?>(timeToRun: TimeSpan.FromSeconds(30), timeProvider: _clock);
        _jobs.LeaseReturned += (_, e) => _ledger.LeaseEnded(e.LeaseId);
        _output = new OrderedOutput(_written);
        _intake = new ResultIntake(_ledger, _jobs, _output, new ClientStats(), _clock, _log.Add);
    }

    private static List<object?> L(params object?[] items) => [.. items];

    private static Dictionary<object, object?> Results(params (long N, long[] Factors)[] entries)
    {
        var dict = new Dictionary<object, object?>(PyEqualityComparer.Instance);
        foreach ((long n, long[] factors) in entries)
        {
            dict[n] = factors.Select(f => (object?)f).ToList();
        }
        return dict;
    }

    /// <summary>Issues a chunk, queues it and reserves it; returns the lease id.</summary>
    private async Task<(ChunkLedger.Chunk Chunk, long Lease)> IssueAndReserveAsync(params long[] numbers)
    {
        List<object?> item = [.. numbers.Cast<object?>()];
        ChunkLedger.Chunk chunk = _ledger.Issue(item);
        _jobs.TryPut(item);
        Lease<object?> lease = await _jobs.ReserveAsync(TimeSpan.Zero, holder: A);
        Assert.True(_ledger.Reserved(lease.Item, lease.Id));
        return (chunk, lease.Id);
    }

    private static PyTuple Report(long lease, bool final, Dictionary<object, object?> results, params WorkError[] errors) =>
        new ChunkReport(lease, final, results, errors).ToWire();

    [Fact]
    public async Task FinalReport_ForAReservedChunk_WritesItsLinesAndEndsTheLease()
    {
        (_, long lease) = await IssueAndReserveAsync(6, 7);

        Assert.Null(_intake.Accept(Report(lease, true, Results((6, [2, 3]), (7, [7]))), A));

        _output.Close();
        Assert.Equal("6: 2 3\n7: 7\n", _written.ToString());
        Assert.Equal(0, _jobs.LeasedCount);
        Assert.Throws<KeyNotFoundException>(() => _jobs.Ack(lease));
        Assert.Equal(1, _intake.ChunksDone);
        Assert.Empty(_intake.Failures);
    }

    [Fact]
    public async Task PartialReport_KeepsTheLease_AndTheFinalNeedsOnlyTheRest()
    {
        (_, long lease) = await IssueAndReserveAsync(4, 9, 10);

        Assert.Null(_intake.Accept(Report(lease, false, Results((4, [2, 2]), (9, [3, 3]))), A));
        Assert.Equal(0, _intake.ChunksDone);
        Assert.Equal(1, _jobs.LeasedCount);

        Assert.Null(_intake.Accept(Report(lease, true, Results((10, [2, 5]))), A));
        _output.Close();
        Assert.Equal("4: 2 2\n9: 3 3\n10: 2 5\n", _written.ToString());
        Assert.Equal(0, _jobs.LeasedCount);
    }

    [Fact]
    public async Task LateReport_AfterTheLeaseExpired_StillCounts_AndTheQueuedCopyIsSkipped()
    {
        (ChunkLedger.Chunk chunk, long lease) = await IssueAndReserveAsync(15);
        _clock.Advance(TimeSpan.FromSeconds(31)); // the worker stopped: the chunk is back in the queue
        Assert.Equal(1, _jobs.Count);

        Assert.Null(_intake.Accept(Report(lease, true, Results((15, [3, 5]))), A));

        _output.Close();
        Assert.Equal("15: 3 5\n", _written.ToString());
        Assert.True(_ledger.ForgetStale(chunk.Item)); // the job queue hands the queued copy out no more
    }

    [Fact]
    public async Task ReportWithAnError_GivesTheNumberUp_AndWritesTheOthers()
    {
        (_, long lease) = await IssueAndReserveAsync(8, 21);
        var error = new WorkError("21", "InvalidOperationException", "boom", "at Somewhere()");

        Assert.Null(_intake.Accept(Report(lease, true, Results((8, [2, 2, 2])), error), A));

        _output.Close();
        Assert.Equal("8: 2 2 2\n", _written.ToString());
        string failure = Assert.Single(_intake.Failures);
        Assert.Contains("21", failure, StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException: boom", failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongFactorization_IsRedoneFromTheFront_ThenReportedAfterThreeAttempts()
    {
        (ChunkLedger.Chunk chunk, long lease) = await IssueAndReserveAsync(12);
        for (int attempt = 1; attempt <= ResultIntake.MaxVerificationFailures; attempt++)
        {
            Assert.Null(_intake.Accept(Report(lease, true, Results((12, [2, 6]))), A));
            if (attempt < ResultIntake.MaxVerificationFailures)
            {
                Lease<object?> again = await _jobs.ReserveAsync(TimeSpan.Zero, holder: B); // released to the front
                Assert.Same(chunk.Item, again.Item);
                _ledger.Reserved(again.Item, again.Id);
                lease = again.Id;
            }
        }
        _output.Close();
        Assert.Equal("", _written.ToString());
        Assert.Equal(1, _intake.ChunksDone); // given up, so the run can end (exit 1)
        Assert.Contains(_intake.Failures, f => f.StartsWith("FAILED 12:", StringComparison.Ordinal));
    }

    private static PyTuple PackedReport(long lease, bool final, params (int Index, ulong[] Factors)[] records)
    {
        var packed = new PackedResults();
        foreach ((int index, ulong[] factors) in records)
        {
            packed.Add(index, factors);
        }
        return new ChunkReport(lease, final, new Dictionary<object, object?>(), []) { Packed = packed.Take() }.ToWire();
    }

    [Fact]
    public async Task PackedReports_ByIndex_WriteTheLinesInChunkOrder()
    {
        (_, long lease) = await IssueAndReserveAsync(12, 999_999_999_999, 12, 1);

        Assert.Null(_intake.Accept(PackedReport(lease, false, (2, [2, 2, 3]), (3, [])), A));
        Assert.Equal(0, _intake.ChunksDone);
        Assert.Null(_intake.Accept(PackedReport(lease, true, (1, [9901, 3, 3, 3, 7, 11, 13, 37, 101]), (0, [2, 2, 3])), A)); // any order

        _output.Close();
        Assert.Equal("12: 2 2 3\n999999999999: 3 3 3 7 11 13 37 101 9901\n12: 2 2 3\n1:\n", _written.ToString());
        Assert.Equal(0, _jobs.LeasedCount);
        Assert.Empty(_intake.Failures);
    }

    [Fact]
    public async Task PackedFinalReport_WholeChunkInOrder_IsWrittenAsIs()
    {
        (_, long lease) = await IssueAndReserveAsync(999_999_000_001, 999_999_000_002, 1, 0, 2);

        Assert.Null(_intake.Accept(PackedReport(lease, true, (0, [999_999_000_001]), (1, [2, 29, 463, 3931, 9473]), (2, []), (3, []), (4, [2])), A));

        _output.Close();
        Assert.Equal("999999000001: 999999000001\n999999000002: 2 29 463 3931 9473\n1:\n0:\n2: 2\n", _written.ToString());
    }

    [Fact]
    public async Task PackedReports_ALineSentTwice_TheLaterCounts()
    {
        // A worker that resends an index in its final report (ours do not): the chunk is still written in
        // order, each number once.
        (_, long lease) = await IssueAndReserveAsync(6, 10, 15);

        Assert.Null(_intake.Accept(PackedReport(lease, false, (0, [2, 3]), (1, [2, 5])), A));
        Assert.Null(_intake.Accept(PackedReport(lease, true, (0, [3, 2]), (1, [5, 2]), (2, [3, 5])), A));

        _output.Close();
        Assert.Equal("6: 2 3\n10: 2 5\n15: 3 5\n", _written.ToString());
    }

    public static TheoryData<byte[]> BadRecords => new()
    {
        new byte[] { 0, 2, 2 },       // truncated
        new byte[] { 5, 1, 2 },       // an index outside the chunk
        new byte[] { 0, 1, 4 },       // 4 is not prime
        new byte[] { 0, 1, 3 },       // 3 is not 6
        new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF }, // not even a number
    };

    [Theory]
    [MemberData(nameof(BadRecords))]
    public async Task PackedReport_WrongOrMalformed_FailsVerificationAndIsRedone(byte[] records)
    {
        (ChunkLedger.Chunk chunk, long lease) = await IssueAndReserveAsync(6, 7);
        PyTuple report = new ChunkReport(lease, true, new Dictionary<object, object?>(), []) { Packed = records }.ToWire();

        Assert.Null(_intake.Accept(report, A));

        Assert.Equal(1, chunk.FailedAttempts);
        Assert.Equal(1, _jobs.Count); // back in the queue
        Assert.Equal(0, _intake.ChunksDone);
        Assert.Contains(_log, l => l.Contains("failed verification", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PackedFinalReport_MissingAnIndex_IsRedone()
    {
        (ChunkLedger.Chunk chunk, long lease) = await IssueAndReserveAsync(5, 5, 6);

        Assert.Null(_intake.Accept(PackedReport(lease, true, (0, [5]), (2, [2, 3])), A)); // the second 5 is missing

        Assert.Equal(1, chunk.FailedAttempts);
        Assert.Equal(0, _intake.ChunksDone);
    }

    [Fact]
    public async Task FinalReportMissingANumber_IsRedone()
    {
        (ChunkLedger.Chunk chunk, long lease) = await IssueAndReserveAsync(5, 6);

        Assert.Null(_intake.Accept(Report(lease, true, Results((5, [5]))), A));

        Assert.Equal(1, chunk.FailedAttempts);
        Assert.Equal(1, _jobs.Count); // back in the queue
        Assert.Equal(0, _intake.ChunksDone);
    }

    [Fact]
    public async Task ReportForAForeignJob_IsDroppedAndItsLeaseEnded_CountingAgainstNoChunk()
    {
        (ChunkLedger.Chunk chunk, _) = await IssueAndReserveAsync(3);
        _jobs.TryPut("hello"); // a Python peer's stray job
        Lease<object?> foreign = await _jobs.ReserveAsync(TimeSpan.Zero, holder: B);
        Assert.False(_ledger.Reserved(foreign.Item, foreign.Id));

        Assert.Null(_intake.Accept(Report(foreign.Id, true, [], new WorkError("'hello'", "InvalidDataException", "a job must be a list of ints", "")), B));

        Assert.Equal(1, _intake.Strays);
        Assert.Equal(0, chunk.FailedAttempts);
        Assert.Throws<KeyNotFoundException>(() => _jobs.Ack(foreign.Id)); // it will not come back
        Assert.Contains(_log, line => line.Contains("'hello'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StrayBareDict_IsDropped_AndNeverCountsAgainstARealChunk()
    {
        List<object?> item = L(10L, 11L);
        ChunkLedger.Chunk chunk = _ledger.Issue(item);
        _jobs.TryPut(item);
        _ledger.Taken(await _jobs.GetAsync(TimeSpan.Zero), A);

        Assert.Null(_intake.Accept(Results((99, [3, 3, 11])), A));

        Assert.Equal(1, _intake.Strays);
        Assert.Equal(0, chunk.FailedAttempts);
        Assert.Null(_intake.Accept(Results((10, [2, 5]), (11, [11])), A)); // the real one still counts
        Assert.Equal(1, _intake.ChunksDone);
    }

    [Fact]
    public async Task DuplicateFinalReports_AreWrittenOnce()
    {
        (ChunkLedger.Chunk chunk, long first) = await IssueAndReserveAsync(14);
        _clock.Advance(TimeSpan.FromSeconds(31));
        Lease<object?> second = await _jobs.ReserveAsync(TimeSpan.Zero, holder: B);
        _ledger.Reserved(second.Item, second.Id);

        Assert.Null(_intake.Accept(Report(second.Id, true, Results((14, [2, 7]))), B));
        Assert.Null(_intake.Accept(Report(first, true, Results((14, [2, 7]))), A));

        _output.Close();
        Assert.Equal("14: 2 7\n", _written.ToString());
        Assert.Equal(1, _intake.ChunksDone);
        Assert.True(chunk.Done);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("lease-not-int")]
    [InlineData("bad-error")]
    public void MalformedReport_IsRefusedWithAMessage(string shape)
    {
        object value = shape switch
        {
            "short" => new PyTuple(ChunkReport.FinalTag, 1L),
            "lease-not-int" => new PyTuple(ChunkReport.FinalTag, "x", Results(), new List<object?>()),
            _ => new PyTuple(ChunkReport.PartialTag, 1L, Results(), new List<object?> { "not a tuple" }),
        };

        string? refusal = _intake.Accept(value, A);

        Assert.NotNull(refusal);
        Assert.Equal(0, _intake.Strays);
    }

    [Fact]
    public void NotAResultAtAll_IsRefused()
    {
        Assert.NotNull(_intake.Accept("hello", A));
        Assert.NotNull(_intake.Accept(new Dictionary<object, object?>(), A));
    }

    [Fact]
    public async Task NumberTimeout_SummedOverAttempts_GivesUpTheOneWaitingNumber()
    {
        (ChunkLedger.Chunk chunk, long lease) = await IssueAndReserveAsync(9, 1_000_000_007);
        Assert.Null(_intake.Accept(Report(lease, false, Results((9, [3, 3]))), A)); // partial: only the slow one waits
        _clock.Advance(TimeSpan.FromSeconds(31)); // the worker stopped; its lease ran out after 30 s of work
        Assert.Empty(_ledger.OverBudget(TimeSpan.FromSeconds(40)));
        Lease<object?> again = await _jobs.ReserveAsync(TimeSpan.Zero, holder: B);
        _ledger.Reserved(again.Item, again.Id);
        _clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Empty(_ledger.OverBudget(TimeSpan.FromSeconds(40))); // 39 s in all
        _clock.Advance(TimeSpan.FromSeconds(2));                    // 41 s

        (ChunkLedger.Chunk over, System.Numerics.BigInteger number) = Assert.Single(_ledger.OverBudget(TimeSpan.FromSeconds(40)));
        Assert.Same(chunk, over);
        Assert.Equal(1_000_000_007, number);
        _intake.GiveUp(over, number, "no result after 40 s of work on it");

        _output.Close();
        Assert.Equal("9: 3 3\n", _written.ToString());
        Assert.Equal(0, _jobs.LeasedCount); // the second worker's lease ended: its chunk will not come back
        Assert.Contains(_intake.Failures, f => f.Contains("1000000007: NumberTimeout", StringComparison.Ordinal));
        Assert.Empty(_ledger.OverBudget(TimeSpan.FromSeconds(40)));
    }

    [Fact]
    public async Task OverBudget_SeveralNumbersWaiting_IsLeftToTheWorker()
    {
        await IssueAndReserveAsync(9, 10);
        _clock.Advance(TimeSpan.FromSeconds(100));
        Assert.Empty(_ledger.OverBudget(TimeSpan.FromSeconds(40)));
    }
}
