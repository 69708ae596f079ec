using System.Reflection;
using Xunit.Sdk;

namespace Factorizer.TestSupport;

/// <summary>
/// Skipped theory rows for the CPython versions (of those wanted) that are not installed, with a
/// skip message naming them and where they were looked for; no rows when every one is installed.
/// The counterpart of <see cref="InstalledPythonsAttribute"/>.
/// </summary>
[DataDiscoverer("Xunit.Sdk.DataDiscoverer", "xunit.core")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class MissingPythonsAttribute : DataAttribute
{
    /// <summary>Skipped rows for <paramref name="versions"/> (default <see cref="Python.InteropWanted"/>) that are missing.</summary>
    public MissingPythonsAttribute(params string[] versions) => Versions = versions.Length == 0 ? Python.InteropWanted : versions;

    /// <summary>The versions asked for.</summary>
    public IReadOnlyList<string> Versions { get; }

    private string[] Missing => [.. Versions.Where(v => Python.PathOf(v) is null)];

    /// <summary>Why the rows are skipped (xunit reads it per attribute), or null when none is missing.</summary>
    public override string? Skip
    {
        get => Missing is { Length: > 0 } missing
            ? $"CPython {string.Join(", ", missing)} not installed (looked for {Python.VersionsFolder}/<version>.*/bin/python<version>); this interop row did not run"
            : null;
        set => throw new NotSupportedException("the skip message is computed");
    }

    /// <inheritdoc/>
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => Missing.Select(v => new object[] { v });
}
