using System.Reflection;
using Xunit.Sdk;

namespace Factorizer.TestSupport;

/// <summary>
/// Theory rows for the CPython versions (of those wanted) that are installed: one row per version,
/// its name in the test's display name. Pair it with <see cref="MissingPythonsAttribute"/> (same
/// versions) so the others show up as skipped rather than silently absent.
/// </summary>
[DataDiscoverer("Xunit.Sdk.DataDiscoverer", "xunit.core")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class InstalledPythonsAttribute : DataAttribute
{
    /// <summary>Rows for <paramref name="versions"/> (default <see cref="Python.InteropWanted"/>) that are installed.</summary>
    public InstalledPythonsAttribute(params string[] versions) => Versions = versions.Length == 0 ? Python.InteropWanted : versions;

    /// <summary>The versions asked for.</summary>
    public IReadOnlyList<string> Versions { get; }

    /// <inheritdoc/>
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) =>
        Versions.Where(v => Python.PathOf(v) is not null).Select(v => new object[] { v });
}
