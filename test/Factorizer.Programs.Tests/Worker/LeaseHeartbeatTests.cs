using Factorizer.TestSupport;
using Factorizer.Work.Jobs;
using Factorizer.Work.Worker;

namespace Factorizer.Programs.Tests.Worker;

/// <summary><see cref="LeaseHeartbeat"/> on a <see cref="ManualTimeProvider"/>: beats fire only when the test moves the clock.</summary>
public class LeaseHeartbeatTests
{
    private const long LeaseId = 42;
    private static readonly TimeSpan TimeToRun = TimeSpan.FromSeconds(30);

    private sealed class Recorder
    {
        public List<(TimeSpan At, long Lease)> Touches { get; } = [];
        public List<(TimeSpan At, ChunkReport Report)> Reports { get; } = [];
        public List<string> Log { get; } = [];
        public Func<long, Task>? TouchBehaviour { get; set; }
        public Func<ChunkReport, Task>? ReportBehaviour { get; set; }
    }

    private static readonly DateTimeOffset Start = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static LeaseHeartbeat StartBeating(ManualTimeProvider clock, ChunkProgress progress, Recorder recorder) =>
        LeaseHeartbeat.Start(clock, TimeToRun, LeaseId, progress,
            (id, _) =>
            {
                recorder.Touches.Add((clock.GetUtcNow() - Start, id));
                return recorder.TouchBehaviour?.Invoke(id) ?? Task.CompletedTask;
            },
            (report, _) =>
            {
                recorder.Reports.Add((clock.GetUtcNow() - Start, report));
                return recorder.ReportBehaviour?.Invoke(report) ?? Task.CompletedTask;
            },
            recorder.Log.Add, CancellationToken.None);

    private static NumberOutcome Done(long n) => new(n, [n], null);

    [Fact]
    public async Task EveryThirdOfTheTimeToRun_TouchesAndReportsWhatIsNew_ThenStopsWithTheChunk()
    {
        var clock = new ManualTimeProvider(Start);
        var progress = new ChunkProgress();
        var recorder = new Recorder();
        LeaseHeartbeat heartbeat = StartBeating(clock, progress, recorder);

        clock.Advance(TimeSpan.FromSeconds(9.9));
        Assert.Empty(recorder.Touches);

        progress.Add(Done(2));
        progress.Add(Done(3));
        clock.Advance(TimeSpan.FromSeconds(0.1)); // 10 s: the first beat
        Assert.Equal([(TimeSpan.FromSeconds(10), LeaseId)], recorder.Touches);
        (TimeSpan at, ChunkReport partial) = Assert.Single(recorder.Reports);
        Assert.Equal(TimeSpan.FromSeconds(10), at);
        Assert.False(partial.Final);
        Assert.Equal(LeaseId, partial.LeaseId);
        Assert.Equal(new object[] { 2L, 3L }, partial.Results.Keys.Order());
        Assert.Empty(partial.Errors);

        clock.Advance(TimeSpan.FromSeconds(10)); // 20 s: touch, nothing new to report
        Assert.Equal(2, recorder.Touches.Count);
        Assert.Single(recorder.Reports);

        progress.Add(Done(5));
        clock.Advance(TimeSpan.FromSeconds(10)); // 30 s: touch and report 5 only
        Assert.Equal([10, 20, 30], recorder.Touches.Select(t => t.At.TotalSeconds));
        Assert.Equal([(object)5L], recorder.Reports[^1].Report.Results.Keys);

        progress.Add(Done(7));
        await heartbeat.StopAsync();
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(3, recorder.Touches.Count);
        Assert.Equal(2, recorder.Reports.Count);
        Assert.Equal(0, clock.ArmedTimers);
        Assert.Equal([(object)7L], progress.TakeRest(1).Results.Keys); // left for the final report
        Assert.Empty(recorder.Log);
    }

    [Fact]
    public void ExpiredLease_IsLoggedOnce_AndPartialReportsGoOn()
    {
        var clock = new ManualTimeProvider(Start);
        var progress = new ChunkProgress();
        var recorder = new Recorder { TouchBehaviour = _ => Task.FromException(new KeyNotFoundException("lease 42 is unknown or expired")) };
        _ = StartBeating(clock, progress, recorder);

        progress.Add(Done(2));
        clock.Advance(TimeSpan.FromSeconds(10));
        progress.Add(Done(3));
        clock.Advance(TimeSpan.FromSeconds(10));
        clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(3, recorder.Touches.Count);
        Assert.Equal(2, recorder.Reports.Count);
        string line = Assert.Single(recorder.Log);
        Assert.Contains("lease 42 expired", line, StringComparison.Ordinal);
    }

    [Fact]
    public void AReportThatFails_LeavesItsNumbersForTheNextOne()
    {
        var clock = new ManualTimeProvider(Start);
        var progress = new ChunkProgress();
        int attempts = 0;
        var recorder = new Recorder
        {
            ReportBehaviour = _ => ++attempts == 1 ? Task.FromException(new IOException("connection lost")) : Task.CompletedTask,
        };
        _ = StartBeating(clock, progress, recorder);

        progress.Add(Done(2));
        clock.Advance(TimeSpan.FromSeconds(10)); // fails
        progress.Add(Done(3));
        clock.Advance(TimeSpan.FromSeconds(10)); // carries 2 and 3

        Assert.Equal(2, recorder.Reports.Count);
        Assert.Equal(new object[] { 2L, 3L }, recorder.Reports[1].Report.Results.Keys.Order());
        Assert.Contains("heartbeat failed", Assert.Single(recorder.Log), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASlowBeat_IsNotOverlapped_AndStopWaitsForIt()
    {
        var clock = new ManualTimeProvider(Start);
        var progress = new ChunkProgress();
        var touchReply = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var recorder = new Recorder { TouchBehaviour = _ => touchReply.Task };
        LeaseHeartbeat heartbeat = StartBeating(clock, progress, recorder);

        progress.Add(Done(2));
        clock.Advance(TimeSpan.FromSeconds(30)); // three ticks, one beat: the touch has not answered
        Assert.Single(recorder.Touches);
        Assert.Empty(recorder.Reports);

        Task stopped = heartbeat.StopAsync();
        Assert.False(stopped.IsCompleted);
        touchReply.SetResult();
        await stopped.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Single(recorder.Reports); // the beat in progress finished before the stop returned
    }

    [Theory]
    [InlineData(30, 10_000)]
    [InlineData(0.3, 100)]
    [InlineData(0.000_001, 1)]
    public void Interval_IsAThirdOfTheTimeToRun_AtLeastAMillisecond(double ttrSeconds, double expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), LeaseHeartbeat.IntervalFor(TimeSpan.FromSeconds(ttrSeconds)));
    }
}
