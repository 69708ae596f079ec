using System.Diagnostics;
using System.Globalization;

namespace Factorizer.TestSupport;

/// <summary>
/// The machine's processes as tests need them (Linux <c>/proc</c>): which are still running with a
/// given fragment in their command line, and sending a signal to one process (not its tree).
/// </summary>
public static class ProcessTable
{
    /// <summary>Ids of running processes whose command line contains <paramref name="fragment"/>.</summary>
    public static IReadOnlyList<int> WithCommandLine(string fragment)
    {
        var found = new List<int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }
            try
            {
                string commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(fragment, StringComparison.Ordinal) && !IsZombie(dir))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone while we looked.
            }
        }
        return found;
    }

    /// <summary>Waits (bounded) until no running process has <paramref name="fragment"/> in its command line.</summary>
    public static async Task WaitUntilNoneAsync(string fragment, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (WithCommandLine(fragment) is { Count: > 0 } left)
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"processes still running after {timeout}: {string.Join(", ", left)} ({fragment})");
            }
            await Task.Delay(50).ConfigureAwait(false); // polling the process table: there is no event for another process's exit
        }
    }

    /// <summary>Waits (bounded) until exactly <paramref name="count"/> processes have <paramref name="fragment"/> in their command line.</summary>
    public static async Task<IReadOnlyList<int>> WaitForCountAsync(string fragment, int count, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            IReadOnlyList<int> now = WithCommandLine(fragment);
            if (now.Count == count)
            {
                return now;
            }
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"expected {count} processes with '{fragment}', found {now.Count} after {timeout}");
            }
            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <summary>Sends <paramref name="signal"/> (a name such as TERM, INT, KILL, STOP) to process <paramref name="pid"/> alone.</summary>
    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-s", signal, pid.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })
            ?? throw new InvalidOperationException("cannot run kill");
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -s {signal} {pid} failed with {kill.ExitCode}");
        }
    }

    private static bool IsZombie(string dir)
    {
        // /proc/PID/stat: "pid (comm) S ..."; state Z is a zombie (exited, not yet reaped).
        string stat = File.ReadAllText(Path.Combine(dir, "stat"));
        int close = stat.LastIndexOf(')');
        return close > 0 && close + 2 < stat.Length && stat[close + 2] == 'Z';
    }
}
