using System.Text;
using Factorizer.Managers.Client;
using Factorizer.Work.Cli;
using Factorizer.Work.Supervision;
using FactorClient;

// factor-client: see ClientSettings.Help. Checks the server once, then supervises N worker processes.
if (args.Length > 0 && args[0] == WorkerCommand.Verb)
{
    return await ProgramShell.RunAsync("factor-client worker", args, stop => WorkerCommand.RunAsync(args[1..], stop));
}
string where = "";
return await ProgramShell.RunAsync("factor-client", args, async stop =>
{
    ClientSettings settings = ClientSettings.Parse(args);
    if (settings.ShowHelp)
    {
        Console.Out.Write(ClientSettings.Help);
        return ExitCodes.Success;
    }
    if (settings.ShowVersion)
    {
        Console.Out.WriteLine(VersionText.Of("factor-client"));
        return ExitCodes.Success;
    }
    where = $"{settings.Host}:{settings.Port}";
    // Clients may start before their server: wait for it (one line says so) for --reconnect-for,
    // then fail with one clear line; a wrong key fails at once.
    var options = new ManagerClientOptions { Host = settings.Host, Port = settings.Port, AuthKey = Encoding.UTF8.GetBytes(settings.AuthKey) };
    await using (await ServerWait.ConnectAsync(options, settings.ReconnectFor, message => Console.Error.WriteLine($"factor-client: {message}"), stop.Token))
    {
    }
    Console.Error.WriteLine($"factor-client: connected to {where}; starting {settings.Procs} worker processes");
    string identity = $"factor-client@{Environment.MachineName}:{Environment.ProcessId}";
    var supervisor = new WorkerSupervisor(settings.Procs,
        slot => SelfLauncher.Describe(WorkerCommand.Arguments(settings.Host, settings.Port, $"{identity}/w{slot}", settings.ReconnectFor), settings.AuthKey),
        message => Console.Error.WriteLine($"factor-client: {message}"));
    bool finished = await supervisor.RunAsync(stop.Token);
    if (finished)
    {
        Console.Error.WriteLine("factor-client: work finished");
        return ExitCodes.Success;
    }
    if (stop.Requested)
    {
        Console.Error.WriteLine($"factor-client: stopped by {stop.Reason}; its {settings.Procs} workers stopped (the server hands their chunks to others)");
        return stop.ExitCode;
    }
    Console.Error.WriteLine("factor-client: workers failed; see the messages above");
    return ExitCodes.Failure;
}, () => where);
