using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Factorizer.WireBench;

/// <summary>CPython clients (bench/wire_peer.py): put+get round trips through a queue proxy, one process each.</summary>
internal static class PythonClients
{
    /// <summary>Runs <paramref name="procs"/> client processes against the manager on <paramref name="port"/>; returns pairs/s (summed) and pairs done.</summary>
    public static (double Rate, long Pairs) Run(int port, string authKey, int procs, TimeSpan duration)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in (string[])[Path.Combine(AppContext.BaseDirectory, "wire_peer.py"), "client", "--port", port.ToString(CultureInfo.InvariantCulture),
            "--authkey", authKey, "--procs", procs.ToString(CultureInfo.InvariantCulture), "--seconds", duration.TotalSeconds.ToString(CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(arg);
        }
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("cannot start python3");
        Task<string> errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)) || process.ExitCode != 0)
        {
            throw new InvalidOperationException($"the Python clients failed: {errors.Result}");
        }
        using var json = JsonDocument.Parse(output);
        return (json.RootElement.GetProperty("rate").GetDouble(), json.RootElement.GetProperty("pairs").GetInt64());
    }
}
