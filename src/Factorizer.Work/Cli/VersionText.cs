using System.Reflection;

namespace Factorizer.Work.Cli;

/// <summary>What <c>--version</c> prints: the program's name and version, e.g. <c>factor-client 0.3.0</c>.</summary>
public static class VersionText
{
    /// <summary>
    /// <paramref name="program"/> and the informational version of <paramref name="assembly"/> (default:
    /// the entry assembly, i.e. the program), without the source-revision suffix the SDK appends (<c>+abc123</c>).
    /// </summary>
    public static string Of(string program, Assembly? assembly = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(program);
        assembly ??= Assembly.GetEntryAssembly();
        string version = assembly?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly?.GetName().Version?.ToString(3)
            ?? "unknown";
        int plus = version.IndexOf('+', StringComparison.Ordinal);
        return $"{program} {(plus >= 0 ? version[..plus] : version)}";
    }
}
