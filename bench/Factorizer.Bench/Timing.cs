using System.Diagnostics;

namespace Factorizer.Bench;

/// <summary>One timed run of one side: wall time, and CPU time when the OS reports it (else null).</summary>
internal readonly record struct Timing(double WallMs, double? CpuMs)
{
    /// <summary>Times ours, run on the calling thread.</summary>
    public static Timing OfOurs(Action action) => Measure(action, CpuClock.ThreadMilliseconds);

    /// <summary>Times an action that runs a child process to completion (its CPU time counts once it is reaped).</summary>
    public static Timing OfChild(Action action) => Measure(action, CpuClock.ChildrenMilliseconds);

    private static Timing Measure(Action action, Func<double?> cpuClock)
    {
        double? cpuStart = cpuClock();
        long start = Stopwatch.GetTimestamp();
        action();
        double wall = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        double? cpuEnd = cpuClock();
        return new Timing(wall, cpuStart is { } a && cpuEnd is { } b ? b - a : null);
    }
}
