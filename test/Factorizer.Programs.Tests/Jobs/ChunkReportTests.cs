using Factorizer.Pickle;
using Factorizer.Work.Jobs;

namespace Factorizer.Programs.Tests.Jobs;

public class ChunkReportTests
{
    private static ChunkReport RoundTrip(ChunkReport report)
    {
        // Through real pickle bytes, as the result queue carries it.
        object? value = PyPickle.Loads(PyPickle.Dumps(report.ToWire()));
        Assert.True(ChunkReport.TryRead(value, out ChunkReport? read));
        return read!;
    }

    [Fact]
    public void DictForm_RoundTrips()
    {
        var results = new Dictionary<object, object?>(PyEqualityComparer.Instance) { [6L] = new List<object?> { 2L, 3L } };
        ChunkReport read = RoundTrip(new ChunkReport(7, Final: false, results, [new WorkError("9", "E", "m", "s")]));
        Assert.Equal((7L, false), (read.LeaseId, read.Final));
        Assert.Null(read.Packed);
        Assert.Equal([(object)6L], read.Results.Keys);
        Assert.Equal("9", Assert.Single(read.Errors).Subject);
    }

    [Fact]
    public void PackedForm_RoundTrips()
    {
        var packed = new PackedResults();
        packed.Add(0, [2, 3]);
        byte[] records = packed.Take();
        ChunkReport read = RoundTrip(new ChunkReport(8, Final: true, new Dictionary<object, object?>(), []) { Packed = records });
        Assert.Equal((8L, true), (read.LeaseId, read.Final));
        Assert.Equal(records, read.Packed);
        Assert.Empty(read.Results);
    }

    public static TheoryData<object?> Malformed => new()
    {
        new PyTuple(ChunkReport.FinalPackedTag, 1L, new Dictionary<object, object?>(), new List<object?>()),           // the dict form's shape
        new PyTuple(ChunkReport.PartialPackedTag, 1L, "bytes?", new Dictionary<object, object?>(), new List<object?>()), // not bytes
        new PyTuple(ChunkReport.FinalTag, 1L, new byte[] { 0 }, new Dictionary<object, object?>(), new List<object?>()), // the packed shape, old tag
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void WrongShapeForItsTag_IsRefused(object? value) =>
        Assert.Throws<InvalidDataException>(() => ChunkReport.TryRead(value, out _));
}
