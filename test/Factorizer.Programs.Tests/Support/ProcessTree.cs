using System.Globalization;

namespace Factorizer.Programs.Tests.Support;

/// <summary>Child processes on Linux, from <c>/proc/PID/task/TID/children</c>.</summary>
internal static class ProcessTree
{
    /// <summary>Process ids of <paramref name="pid"/>'s direct children (empty when it has none or has gone).</summary>
    public static IReadOnlyList<int> Children(int pid)
    {
        var children = new List<int>();
        string tasks = $"/proc/{pid}/task";
        try
        {
            foreach (string task in Directory.EnumerateDirectories(tasks))
            {
                string text = File.ReadAllText(Path.Combine(task, "children"));
                children.AddRange(text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process (or a thread) went away while we looked.
        }
        return [.. children.Distinct()];
    }

    /// <summary>The command line of <paramref name="pid"/>, arguments joined by spaces ("" when gone).</summary>
    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>The environment of <paramref name="pid"/> as NAME=VALUE entries.</summary>
    public static IReadOnlyList<string> Environment(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
