using System.Text;
using Factorizer.Managers.Client;
using Factorizer.Work.Cli;
using Factorizer.Work.Supervision;
using FactorClient;

// factor-client: see ClientSettings.Help. Checks the server once, then supervises N worker processes.
if (args.Length > 0 && args[0] == WorkerCommand.Verb)
{
    return await ProgramShell.RunAsync("factor-client worker", args, ct => WorkerCommand.RunAsync(args[1..], ct));
}
string where = "";
return await ProgramShell.RunAsync("factor-client", args, async ct =>
{
    ClientSettings settings = ClientSettings.Parse(args);
    if (settings.ShowHelp)
    {
        Console.Out.Write(ClientSettings.Help);
        return ExitCodes.Success;
    }
    where = $"{settings.Host}:{settings.Port}";
    // Fail fast with one clear line when the server is unreachable or the key is wrong.
    await using (await ManagerClient.ConnectAsync(new ManagerClientOptions { Host = settings.Host, Port = settings.Port, AuthKey = Encoding.UTF8.GetBytes(settings.AuthKey) }, ct))
    {
    }
    Console.Error.WriteLine($"factor-client: connected to {where}; starting {settings.Procs} worker processes");
    string identity = $"factor-client@{Environment.MachineName}:{Environment.ProcessId}";
    var supervisor = new WorkerSupervisor(settings.Procs,
        slot => SelfLauncher.Describe(WorkerCommand.Arguments(settings.Host, settings.Port, $"{identity}/w{slot}", settings.ReconnectFor), settings.AuthKey),
        message => Console.Error.WriteLine($"factor-client: {message}"));
    bool finished = await supervisor.RunAsync(ct);
    Console.Error.WriteLine(finished ? "factor-client: work finished" : "factor-client: workers failed; see the messages above");
    return finished ? ExitCodes.Success : ExitCodes.Failure;
}, () => where);
