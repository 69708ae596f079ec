using Factorizer.Work.Supervision;
using Factorizer.Work.Worker;

namespace Factorizer.Work.Cli;

/// <summary>
/// The hidden <c>worker</c> mode both programs share: <c>PROGRAM worker --ip H --port P --name N</c>,
/// with the key in <c>FACTOR_AUTHKEY</c>. Supervisors start their worker processes this way, with
/// <c>--watch-parent</c>: the worker then exits when its supervisor's pipe on its stdin closes.
/// </summary>
public static class WorkerCommand
{
    /// <summary>The first argument that selects worker mode.</summary>
    public const string Verb = "worker";

    /// <summary>What a worker prints on stdout, last, when its work is finished (its supervisor's proof).</summary>
    public const string FinishedLine = "worker finished";

    /// <summary>
    /// What a worker prints on stdout when it first reaches its server: a supervisor may stop a worker that never
    /// got this far once a sibling has seen the run finish (a short run's server can be gone before a slow start).
    /// </summary>
    public const string ConnectedLine = "worker connected";

    /// <summary>Arguments that start a supervised worker named <paramref name="name"/> against <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static IEnumerable<string> Arguments(string host, int port, string name, TimeSpan reconnectFor) =>
        [Verb, "--ip", host, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--name", name,
         "--reconnect-for", reconnectFor.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--watch-parent"];

    /// <summary>Runs a worker from its arguments (after the verb); returns its exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, ProgramStop stop)
    {
        ArgumentNullException.ThrowIfNull(stop);
        CommandLine line = CommandLine.Parse(args, ["ip", "port", "name", "reconnect-for"], ["verbose", "watch-parent"]);
        byte[] key = AuthKeySource.Resolve(null, null) ?? throw new UsageException($"worker mode needs the key in {AuthKeySource.EnvironmentVariable}");
        Action<string> log = message => Console.Error.WriteLine($"worker {Environment.ProcessId}: {DisplayText.Clean(message)}");
        if (line.Has("watch-parent"))
        {
            ParentWatch.Start(Console.OpenStandardInput(), () =>
            {
                // Nobody is left to report to, and a number may take long to finish: leave at once.
                // The server sees the connection close and requeues the chunk this worker held.
                log("the process that started this worker is gone; exiting");
                Environment.Exit(ExitCodes.Failure);
            }, () =>
            {
                // The run is over (every chunk written): nothing is left to do, even for a
                // worker that has not connected yet, so leave now rather than retry.
                Console.Out.WriteLine(FinishedLine);
                Console.Out.Flush();
                Environment.Exit(WorkerLoop.Finished);
            });
        }
        var options = new WorkerOptions(
            line.Text("ip") ?? "127.0.0.1",
            (int)line.Integer("port", 5000, 1, 65535),
            key,
            line.Text("name") ?? $"worker@{Environment.MachineName}:{Environment.ProcessId}/w1",
            line.Seconds("reconnect-for", TimeSpan.FromSeconds(60)))
        {
            Log = log,
            Connected = AnnounceOnce(ConnectedLine),
        };
        try
        {
            int code = await WorkerLoop.RunAsync(options, stop.Token).ConfigureAwait(false);
            if (code == WorkerLoop.Finished)
            {
                Console.Out.WriteLine(FinishedLine);
                Console.Out.Flush();
            }
            return code;
        }
        catch (OperationCanceledException) when (stop.Requested)
        {
            return stop.ExitCode; // quietly: the supervisor reports the stop once for all its workers
        }
    }

    private static Action AnnounceOnce(string text)
    {
        int said = 0;
        return () =>
        {
            if (Interlocked.Exchange(ref said, 1) == 0)
            {
                Console.Out.WriteLine(text);
                Console.Out.Flush();
            }
        };
    }
}
