using Factorizer.TestSupport;
using Factorizer.Work.Worker;

namespace Factorizer.Programs.Tests.Worker;

/// <summary><see cref="HandBackWatch"/> and <see cref="ChunkCursor"/> on a manual clock.</summary>
public class HandBackWatchTests
{
    private static readonly TimeSpan Threshold = HandBackWatch.ThresholdFor(TimeSpan.FromSeconds(30));
    private static readonly TimeSpan Tick = Threshold / 2;

    private readonly ManualTimeProvider _clock = new();
    private readonly TaskCompletionSource _handedBack = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _handBacks;

    private HandBackWatch Watch(ChunkCursor cursor) =>
        HandBackWatch.Start(_clock, Threshold, cursor, () =>
        {
            Interlocked.Increment(ref _handBacks);
            _handedBack.TrySetResult();
            return Task.CompletedTask;
        });

    [Fact]
    public void Threshold_IsATenthOfTheTimeToRun()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), Threshold);
        Assert.Equal(TimeSpan.FromMilliseconds(2), HandBackWatch.ThresholdFor(TimeSpan.FromTicks(1)));
    }

    [Fact]
    public async Task NumbersThatKeepFinishing_AreNeverHandedBack()
    {
        var cursor = new ChunkCursor([0, 1, 2, 3, 4, 5]);
        await using (Watch(cursor))
        {
            for (int i = 0; i < 6; i++)
            {
                Assert.True(cursor.TryClaim(out int index, out _));
                Assert.Equal(i, index);
                _clock.Advance(Tick); // each number takes half the threshold
            }
        }
        Assert.Equal(0, Volatile.Read(ref _handBacks));
        Assert.Equal(0, _clock.ArmedTimers);
    }

    [Fact]
    public async Task ANumberStillInWorkAfterTheThreshold_HandsBackOnce()
    {
        var cursor = new ChunkCursor([0, 1, 2]);
        await using (Watch(cursor))
        {
            _clock.Advance(Tick * 4); // nothing claimed yet: nothing in work
            Assert.Equal(0, Volatile.Read(ref _handBacks));

            Assert.True(cursor.TryClaim(out _, out _));
            _clock.Advance(Tick); // first sight of this number
            _clock.Advance(Tick); // still it: at least half the threshold
            Assert.Equal(0, Volatile.Read(ref _handBacks));
            _clock.Advance(Tick); // still it: at least the threshold
            await _handedBack.Task.WaitAsync(TimeSpan.FromSeconds(10)); // it runs on the thread pool

            _clock.Advance(Tick * 10);
        }
        Assert.Equal(1, Volatile.Read(ref _handBacks)); // once a chunk
    }

    [Fact]
    public async Task Cursor_HandBackTaken_TheNumbersAreNeverStartedHere()
    {
        var cursor = new ChunkCursor([3, 1, 0, 2]);
        Assert.True(cursor.TryClaim(out int first, out _));
        Assert.Equal(3, first);

        Assert.Equal([1, 0, 2], cursor.TakeUnstarted());
        Assert.Empty(cursor.TakeUnstarted()); // one hand-back at a time
        Assert.False(cursor.TryClaim(out _, out Task? waiting));
        Assert.NotNull(waiting);
        Assert.False(waiting.IsCompleted); // the factoring thread waits for the server's answer

        cursor.EndHandBack(taken: true);
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(cursor.TryClaim(out _, out Task? none));
        Assert.Null(none); // the chunk is over for this worker
    }

    [Fact]
    public async Task Cursor_HandBackRefused_TheNumbersComeBack()
    {
        var cursor = new ChunkCursor([0, 1, 2]);
        Assert.True(cursor.TryClaim(out _, out _));
        Assert.Equal([1, 2], cursor.TakeUnstarted());
        Assert.False(cursor.TryClaim(out _, out Task? waiting));

        cursor.EndHandBack(taken: false);
        await waiting!.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(cursor.TryClaim(out int a, out _));
        Assert.True(cursor.TryClaim(out int b, out _));
        Assert.Equal([1, 2], new[] { a, b });
        Assert.False(cursor.TryClaim(out _, out Task? none));
        Assert.Null(none);
        Assert.Equal(3, cursor.Claimed);
    }

    [Fact]
    public void Cursor_NothingLeft_HandsBackNothing()
    {
        var cursor = new ChunkCursor([0]);
        Assert.True(cursor.TryClaim(out _, out _));
        Assert.Empty(cursor.TakeUnstarted());
        Assert.False(cursor.TryClaim(out _, out Task? none));
        Assert.Null(none); // no hand-back under way: the factoring thread is done
    }
}
