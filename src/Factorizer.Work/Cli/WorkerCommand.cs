using Factorizer.Work.Worker;

namespace Factorizer.Work.Cli;

/// <summary>
/// The hidden <c>worker</c> mode both programs share: <c>PROGRAM worker --ip H --port P --name N</c>,
/// with the key in <c>FACTOR_AUTHKEY</c>. Supervisors start their worker processes this way.
/// </summary>
public static class WorkerCommand
{
    /// <summary>The first argument that selects worker mode.</summary>
    public const string Verb = "worker";

    /// <summary>Arguments that start a worker named <paramref name="name"/> against <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static IEnumerable<string> Arguments(string host, int port, string name, TimeSpan reconnectFor) =>
        [Verb, "--ip", host, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--name", name,
         "--reconnect-for", reconnectFor.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)];

    /// <summary>Runs a worker from its arguments (after the verb); returns its exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        CommandLine line = CommandLine.Parse(args, ["ip", "port", "name", "reconnect-for"], ["verbose"]);
        byte[] key = AuthKeySource.Resolve(null, null) ?? throw new UsageException($"worker mode needs the key in {AuthKeySource.EnvironmentVariable}");
        var options = new WorkerOptions(
            line.Text("ip") ?? "127.0.0.1",
            (int)line.Integer("port", 5000, 1, 65535),
            key,
            line.Text("name") ?? $"worker@{Environment.MachineName}:{Environment.ProcessId}/w1",
            line.Seconds("reconnect-for", TimeSpan.FromSeconds(60)))
        {
            Log = message => Console.Error.WriteLine($"worker {Environment.ProcessId}: {DisplayText.Clean(message)}"),
        };
        return await WorkerLoop.RunAsync(options, cancellationToken).ConfigureAwait(false);
    }
}
