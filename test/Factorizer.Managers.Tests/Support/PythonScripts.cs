using System.Text.Json;
using Factorizer.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace Factorizer.Managers.Tests.Support;

/// <summary>The peer scripts under <c>Python/</c> (copied next to the test assembly).</summary>
public static class PythonScripts
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Python", name);

    /// <summary>Starts <c>Python/<paramref name="name"/></c> with CPython <paramref name="version"/>.</summary>
    public static ChildProcess Start(string version, string name, params string[] args) =>
        ChildProcess.Start(Python.Require(version), [PathOf(name), .. args]);

    /// <summary>
    /// Runs a script that prints one <c>RESULT &lt;json&gt;</c> line, within <paramref name="timeout"/>; asserts it
    /// exited 0 and returns the JSON. Its whole output goes to <paramref name="output"/>.
    /// </summary>
    public static async Task<JsonElement> RunForResultAsync(string version, string name, ITestOutputHelper output, TimeSpan timeout, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(output);
        await using ChildProcess python = Start(version, name, args);
        ProcessResult run = await python.WaitAsync(timeout);
        output.WriteLine(run.ToString());
        Assert.True(run.ExitCode == 0, run.ToString());
        string line = run.StdOut.Split('\n').Single(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        using JsonDocument doc = JsonDocument.Parse(line["RESULT ".Length..]);
        return doc.RootElement.Clone();
    }
}
