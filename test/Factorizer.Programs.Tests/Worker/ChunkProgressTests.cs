using System.Numerics;
using Factorizer.Work.Jobs;
using Factorizer.Work.Worker;

namespace Factorizer.Programs.Tests.Worker;

public class ChunkProgressTests
{
    private static NumberOutcome Done(long n) => new(n, [n], null);

    [Fact]
    public void TakeFinished_HandsOutEachNumberOnce()
    {
        var progress = new ChunkProgress();
        Assert.Null(progress.TakeFinished(1));
        progress.Add(Done(2));
        progress.Add(Done(3));
        Assert.Equal(new object[] { 2L, 3L }, progress.TakeFinished(1)!.Results.Keys.Order());
        Assert.Null(progress.TakeFinished(1));
        progress.Add(Done(5));
        ChunkReport final = progress.TakeRest(1);
        (Dictionary<object, object?> rest, IReadOnlyList<WorkError> errors) = (final.Results, final.Errors);
        Assert.Equal([(object)5L], rest.Keys);
        Assert.Empty(errors);
    }

    [Fact]
    public void Errors_WaitForTheFinalReport()
    {
        var progress = new ChunkProgress();
        var bad = new WorkError("'x'", "InvalidDataException", "no", "");
        progress.Add(new NumberOutcome(null, null, bad));
        progress.Add(new WorkError("'y'", "InvalidDataException", "no", ""));
        Assert.Null(progress.TakeFinished(1));
        ChunkReport final = progress.TakeRest(1);
        (Dictionary<object, object?> rest, IReadOnlyList<WorkError> errors) = (final.Results, final.Errors);
        Assert.Empty(rest);
        Assert.Equal(["'x'", "'y'"], errors.Select(e => e.Subject));
        Assert.Empty(progress.TakeRest(1).Errors);
    }

    [Fact]
    public void Return_PutsNumbersBackForALaterReport()
    {
        var progress = new ChunkProgress();
        progress.Add(Done(7));
        ChunkReport taken = progress.TakeFinished(1)!;
        progress.Add(Done(11));
        progress.Return(taken);
        Assert.Equal(new object[] { 7L, 11L }, progress.TakeRest(1).Results.Keys.Order());
    }

    [Fact]
    public void Keys_FollowPythonEquality()
    {
        var progress = new ChunkProgress();
        progress.Add(Done(15));
        Assert.True(progress.TakeRest(1).Results.ContainsKey(new BigInteger(15)));
    }

    [Fact]
    public async Task ConcurrentAddsAndTakes_LoseNothingAndRepeatNothing()
    {
        var progress = new ChunkProgress();
        const int Count = 20_000;
        var seen = new List<object>();
        Task adder = Task.Run(() =>
        {
            for (long i = 0; i < Count; i++)
            {
                progress.Add(Done(i));
            }
        });
        while (!adder.IsCompleted)
        {
            if (progress.TakeFinished(1) is { } some)
            {
                seen.AddRange(some.Results.Keys);
            }
        }
        await adder;
        seen.AddRange(progress.TakeRest(1).Results.Keys);
        Assert.Equal(Count, seen.Count);
        Assert.Equal(Count, seen.Distinct().Count());
    }
}
