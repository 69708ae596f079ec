namespace Factorizer.TestSupport;

/// <summary>
/// Finds CPython interpreters: <c>python3</c> (3.11 here) from PATH, and other versions from pyenv's
/// folder (<c>~/.pyenv/versions/3.X.*</c>) when installed.
/// </summary>
public static class Python
{
    /// <summary>The default interpreter, <c>python3</c>.</summary>
    public static string Default => "python3";

    /// <summary>The path of CPython <paramref name="minor"/> (e.g. "3.8"), or null when not installed.</summary>
    public static string? Find(string minor)
    {
        string root = Environment.GetEnvironmentVariable("PYENV_ROOT")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pyenv");
        string versions = Path.Combine(root, "versions");
        if (!Directory.Exists(versions))
        {
            return null;
        }
        return Directory.GetDirectories(versions, minor + ".*")
            .Select(d => Path.Combine(d, "bin", "python" + minor))
            .Where(File.Exists)
            .OrderDescending(StringComparer.Ordinal)
            .FirstOrDefault();
    }

    /// <summary>Interpreter versions for interop theories: those of 3.8, 3.11 and 3.13 that are installed (3.11 at least).</summary>
    public static IEnumerable<object[]> InteropVersions()
    {
        foreach (string v in new[] { "3.8", "3.11", "3.13" })
        {
            string? path = Find(v);
            if (path is not null || v == "3.11")
            {
                yield return [v];
            }
        }
    }

    /// <summary>The interpreter for <paramref name="minor"/>; python3 for 3.11 if pyenv's is missing.</summary>
    public static string Require(string minor) =>
        Find(minor) ?? (minor == "3.11" ? Default : throw new InvalidOperationException($"CPython {minor} is not installed"));

    /// <summary>Runs a Python script given as text, with arguments, and waits for it (bounded).</summary>
    public static async Task<ProcessResult> RunScriptAsync(string script, IEnumerable<string>? args = null, string? interpreter = null, TimeSpan? timeout = null, IDictionary<string, string?>? environment = null)
    {
        await using ChildProcess child = StartScript(script, args, interpreter, environment);
        return await child.WaitAsync(timeout ?? TimeSpan.FromSeconds(60)).ConfigureAwait(false);
    }

    /// <summary>Starts a Python script given as text (via <c>-c</c>), for tests that interact with it.</summary>
    public static ChildProcess StartScript(string script, IEnumerable<string>? args = null, string? interpreter = null, IDictionary<string, string?>? environment = null) =>
        ChildProcess.Start(interpreter ?? Default, new[] { "-c", script }.Concat(args ?? []), environment);
}
