using Factorizer.TestSupport;

namespace Factorizer.Pickle.Tests.Support;

/// <summary>
/// The CPython versions the pickle interop tests run against: python3 (3.11) always, the others when pyenv
/// has them. Theories take them through <see cref="InstalledPythonsAttribute"/> and
/// <see cref="MissingPythonsAttribute"/>, so versions that are not installed show as skipped.
/// </summary>
public static class Interpreters
{
    /// <summary>CPython 3.6 (pickle protocol 3 by default, reads up to 4).</summary>
    public const string V36 = "3.6";

    /// <summary>CPython 3.8 (protocol 4 by default, reads 5).</summary>
    public const string V38 = "3.8";

    /// <summary>CPython 3.11 (python3 here).</summary>
    public const string V311 = "3.11";

    /// <summary>CPython 3.13.</summary>
    public const string V313 = "3.13";

    /// <summary>The interpreter for a version (python3 stands in for 3.11).</summary>
    public static string? Path(string version) => Python.PathOf(version);
}
