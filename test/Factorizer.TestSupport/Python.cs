namespace Factorizer.TestSupport;

/// <summary>
/// Finds CPython interpreters: <c>python3</c> (3.11 here) from PATH, and other versions from pyenv's
/// folder (<c>~/.pyenv/versions/3.X.*</c>) when installed. Interop theories take their rows from
/// <see cref="InstalledPythonsAttribute"/> and <see cref="MissingPythonsAttribute"/>, so a run lists the
/// versions that ran and, as skipped, those that did not.
/// </summary>
public static class Python
{
    /// <summary>The default interpreter, <c>python3</c>.</summary>
    public static string Default => "python3";

    /// <summary>The versions the interop theories ask for: 3.8 and 3.13 when pyenv has them, 3.11 always.</summary>
    public static IReadOnlyList<string> InteropWanted { get; } = ["3.8", "3.11", "3.13"];

    /// <summary>Where pyenv keeps its interpreters (<c>$PYENV_ROOT/versions</c>, default <c>~/.pyenv/versions</c>).</summary>
    public static string VersionsFolder => Path.Combine(
        Environment.GetEnvironmentVariable("PYENV_ROOT") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pyenv"),
        "versions");

    /// <summary>The path of CPython <paramref name="minor"/> (e.g. "3.8") under pyenv, or null when not installed.</summary>
    public static string? Find(string minor)
    {
        string versions = VersionsFolder;
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

    /// <summary>The interpreter for <paramref name="minor"/>: pyenv's, or python3 standing in for 3.11; null when missing.</summary>
    public static string? PathOf(string minor) => Find(minor) ?? (minor == "3.11" ? Default : null);

    /// <summary>The interpreter for <paramref name="minor"/>; python3 for 3.11 if pyenv's is missing.</summary>
    public static string Require(string minor) =>
        PathOf(minor) ?? throw new InvalidOperationException($"CPython {minor} is not installed under {VersionsFolder}");

    /// <summary>
    /// One line for a test's output saying which interpreter runs for <paramref name="minor"/>, e.g.
    /// "CPython 3.8: /root/.pyenv/versions/3.8.18/bin/python3.8"; interop tests write it so a run shows
    /// which versions were exercised.
    /// </summary>
    public static string Describe(string minor) =>
        $"CPython {minor}: {PathOf(minor) ?? "not installed"}" + (Find(minor) is null && minor == "3.11" ? " (from PATH)" : "");

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
