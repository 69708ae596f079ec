using Factorizer.TestSupport;

namespace Factorizer.Managers.Tests.Support;

/// <summary>The peer scripts under <c>Python/</c> (copied next to the test assembly).</summary>
public static class PythonScripts
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Python", name);

    /// <summary>Starts <c>Python/<paramref name="name"/></c> with CPython <paramref name="version"/>.</summary>
    public static ChildProcess Start(string version, string name, params string[] args) =>
        ChildProcess.Start(Python.Require(version), [PathOf(name), .. args]);
}
