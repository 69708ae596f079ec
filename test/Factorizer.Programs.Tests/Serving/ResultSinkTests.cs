using Factorizer.Managers.Queues;
using Factorizer.Managers.Server;
using Factorizer.Pickle;
using Factorizer.TestSupport;
using Factorizer.Work.Jobs;
using Factorizer.Work.Serving;

namespace Factorizer.Programs.Tests.Serving;

/// <summary>The result queue's put: packed reports answered at once and verified in their session's order.</summary>
public class ResultSinkTests
{
    private static readonly SessionInfo A = new(1, "127.0.0.1", 1001);

    private readonly ManualTimeProvider _clock = new();
    private readonly ChunkLedger _ledger;
    private readonly LocalQueue<object?> _jobs;
    private readonly StringWriter _written = new() { NewLine = "\n" };
    private readonly OrderedOutput _output;
    private readonly List<string> _log = [];
    private readonly ResultIntake _intake;
    private readonly ResultSink _sink;

    public ResultSinkTests()
    {
        _ledger = new ChunkLedger(_clock);
        _jobs = new LocalQueue<object?>(timeToRun: TimeSpan.FromSeconds(30), timeProvider: _clock);
        _jobs.LeaseReturned += (_, e) => _ledger.LeaseEnded(e.LeaseId);
        _output = new OrderedOutput(_written);
        _intake = new ResultIntake(_ledger, _jobs, _output, new ClientStats(), _clock, _log.Add);
        _sink = new ResultSink(_intake, _log.Add);
    }

    private async Task PutAsync(object? item) =>
        await _sink.InvokeAsync(new SharedCall("put", new PyTuple(item), new Dictionary<string, object?>(), A), CancellationToken.None);

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
    public async Task PackedReports_AreVerifiedInOrder_EachPutWaitingForTheOneBefore()
    {
        List<object?> item = [6L, 7L, 8L];
        _ledger.Issue(item);
        _jobs.TryPut(item);
        Lease<object?> lease = await _jobs.ReserveAsync(TimeSpan.Zero, holder: A);
        _ledger.Reserved(lease.Item, lease.Id);

        await PutAsync(PackedReport(lease.Id, false, (1, [7])));
        await PutAsync(PackedReport(lease.Id, true, (0, [2, 3]), (2, [2, 2, 2]))); // the partial is verified by now
        await PutAsync(PackedReport(lease.Id + 1000, false)); // a stray, but its put waits for the final's verification

        Assert.Equal(1, _intake.ChunksDone);
        _output.Close();
        Assert.Equal("6: 2 3\n7: 7\n8: 2 2 2\n", _written.ToString());
        Assert.Equal(0, _jobs.LeasedCount);
    }

    [Fact]
    public async Task MalformedPackedReport_IsRefusedAtOnce()
    {
        var bad = new PyTuple(ChunkReport.FinalPackedTag, 1L, "not bytes", new Dictionary<object, object?>(), new List<object?>());
        await Assert.ThrowsAsync<PythonErrorException>(() => PutAsync(bad));
        await Assert.ThrowsAsync<PythonErrorException>(() => PutAsync("not a result"));
    }
}
