using Factorizer.Managers.Server;
using Factorizer.TestSupport;

namespace Factorizer.Managers.Tests.Server;

/// <summary>The per-kind rate limit of connection log lines, on a manual clock.</summary>
public class LogLimiterTests
{
    private readonly List<string> _lines = [];
    private readonly ManualTimeProvider _time = new();

    private LogLimiter Limiter(int lines = 3) => new(_lines.Add, _time, lines, TimeSpan.FromSeconds(10));

    [Fact]
    public void Write_UpToTheLimit_WritesEveryLineAtOnce()
    {
        LogLimiter limiter = Limiter();

        for (int i = 0; i < 3; i++)
        {
            limiter.Write("closed", $"line {i}");
        }

        Assert.Equal(["line 0", "line 1", "line 2"], _lines);
        Assert.Equal(0, _time.ArmedTimers);
    }

    [Fact]
    public void Write_300Lines_WritesTheLimitThenOneSummaryWhenTheIntervalEnds()
    {
        LogLimiter limiter = Limiter();

        for (int i = 0; i < 300; i++)
        {
            limiter.Write("closed", $"line {i}");
        }
        Assert.Equal(3, _lines.Count);
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(4, _lines.Count);
        Assert.Equal("… and 297 more like it (closed) in the last 10 s", _lines[^1]);
    }

    [Fact]
    public void Write_KindsAreLimitedSeparately()
    {
        LogLimiter limiter = Limiter(lines: 1);

        limiter.Write("a", "a1");
        limiter.Write("a", "a2");
        limiter.Write("b", "b1");
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(["a1", "b1", "… and 1 more like it (a) in the last 10 s"], _lines);
    }

    [Fact]
    public void Write_AfterTheInterval_StartsAFreshWindow()
    {
        LogLimiter limiter = Limiter(lines: 2);
        limiter.Write("k", "1");
        limiter.Write("k", "2");
        limiter.Write("k", "3");

        _time.Advance(TimeSpan.FromSeconds(11));
        limiter.Write("k", "4");
        limiter.Write("k", "5");

        Assert.Equal(["1", "2", "… and 1 more like it (k) in the last 10 s", "4", "5"], _lines);
    }

    [Fact]
    public void Write_IntervalWithNothingHeldBack_WritesNoSummary()
    {
        LogLimiter limiter = Limiter();
        limiter.Write("k", "1");

        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(["1"], _lines);
    }

    [Fact]
    public void Write_WithoutASink_DoesNothing()
    {
        var limiter = new LogLimiter(null, _time, 1, TimeSpan.FromSeconds(1));

        limiter.Write("k", "1");
        limiter.Write("k", "2");

        Assert.Equal(0, _time.ArmedTimers);
    }
}
