using System.Runtime.InteropServices;

namespace Factorizer.Bench;

/// <summary>
/// CPU time (user + system) on Linux: of the calling thread (ours) and of reaped child processes (the reference).
/// On a machine shared with other work, CPU time is what each side would take on an idle machine, where wall
/// time mostly measures the scheduler. Null where the clocks are not available.
/// </summary>
internal static class CpuClock
{
    /// <summary>The calling thread's CPU time in milliseconds.</summary>
    public static double? ThreadMilliseconds()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        return NativeMethods.ClockGetTime(NativeMethods.ClockThreadCpuTime, out NativeMethods.TimeSpec t) == 0
            ? (t.Seconds * 1e3) + (t.Nanoseconds / 1e6)
            : null;
    }

    /// <summary>CPU time of all terminated and waited-for children, in milliseconds.</summary>
    public static double? ChildrenMilliseconds()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        return NativeMethods.GetRUsage(NativeMethods.RUsageChildren, out NativeMethods.RUsage u) == 0
            ? ((u.UserSeconds + u.SystemSeconds) * 1e3) + ((u.UserMicroseconds + u.SystemMicroseconds) / 1e3)
            : null;
    }

    private static class NativeMethods
    {
        public const int ClockThreadCpuTime = 3;

        public const int RUsageChildren = -1;

        [DllImport("libc", EntryPoint = "clock_gettime")]
        public static extern int ClockGetTime(int clock, out TimeSpec time);

        [DllImport("libc", EntryPoint = "getrusage")]
        public static extern int GetRUsage(int who, out RUsage usage);

        [StructLayout(LayoutKind.Sequential)]
        public struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }

        /// <summary>struct rusage on 64-bit Linux: two timevals, then 14 longs we do not read.</summary>
        [StructLayout(LayoutKind.Sequential, Size = 144)]
        public struct RUsage
        {
            public long UserSeconds;
            public long UserMicroseconds;
            public long SystemSeconds;
            public long SystemMicroseconds;
        }
    }
}
