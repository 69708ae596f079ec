using Factorizer.TestSupport;

namespace Factorizer.Pickle.Tests.Support;

/// <summary>The CPython versions the interop tests run against: python3 (3.11) always, others when pyenv has them.</summary>
public static class Interpreters
{
    private static readonly string[] Wanted = ["3.6", "3.8", "3.11", "3.13"];

    /// <summary>Theory rows of installed versions.</summary>
    public static TheoryData<string> Installed() => [.. Wanted.Where(v => Path(v) is not null)];

    /// <summary>The interpreter for a version (python3 stands in for 3.11).</summary>
    public static string? Path(string version) => Python.Find(version) ?? (version == "3.11" ? Python.Default : null);
}
