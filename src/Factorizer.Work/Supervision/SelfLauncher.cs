using System.Diagnostics;
using System.Reflection;
using Factorizer.Work.Cli;

namespace Factorizer.Work.Supervision;

/// <summary>
/// Starts worker processes from the running program's own executable (or its .dll under the
/// <c>dotnet</c> host). The key goes through the child's environment, never its command line.
/// </summary>
public static class SelfLauncher
{
    /// <summary>A start description for this program with <paramref name="arguments"/> and the key in the environment.</summary>
    public static ProcessStartInfo Describe(IEnumerable<string> arguments, string authKey)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell this program's executable path");
        var psi = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            psi.ArgumentList.Add(Assembly.GetEntryAssembly()?.Location ?? throw new InvalidOperationException("no entry assembly"));
        }
        foreach (string argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }
        psi.Environment[AuthKeySource.EnvironmentVariable] = authKey;
        return psi;
    }
}
