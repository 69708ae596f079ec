using Factorizer.Work.Cli;
using Factorizer.Work.Durability;
using Factorizer.Work.Jobs;
using Factorizer.Work.Serving;
using Factorizer.Work.Supervision;
using FactorServer;

// factor-server: see ServerSettings.Help. Thin: parse, build the run, map the outcome to an exit code.
if (args.Length > 0 && args[0] == WorkerCommand.Verb)
{
    return await ProgramShell.RunAsync("factor-server worker", args, stop => WorkerCommand.RunAsync(args[1..], stop));
}
return await ProgramShell.RunAsync("factor-server", args, async stop =>
{
    ServerSettings settings = ServerSettings.Parse(args);
    if (settings.ShowHelp)
    {
        Console.Out.Write(ServerSettings.Help);
        return ExitCodes.Success;
    }
    if (settings.ShowVersion)
    {
        Console.Out.WriteLine(VersionText.Of("factor-server"));
        return ExitCodes.Success;
    }
    using NumberSource numbers = settings.Input is { } input
        ? NumberSource.FromFile(input)
        : NumberSource.Generate(settings.Start, settings.Step, settings.Count);
    ResumeState? resume = null;
    using RunJournal? journal = settings.DataDir is { } dataDir
        ? RunJournal.Open(dataDir, RunIdentity.Of(numbers.Fingerprint, settings.ChunkSize), settings.Fsync,
            warning => Console.Error.WriteLine($"factor-server: {warning}"), out resume)
        : null;
    if (resume is { Finished: true })
    {
        Console.Error.WriteLine($"factor-server: the run in --data-dir is already complete ({resume.LinesWritten} lines in --output); nothing to do");
        resume.Failures.ForEach(failure => Console.Error.WriteLine($"factor-server: {failure}"));
        return resume.Failures.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }
    await using TextWriter output = resume is null ? OpenOutput(settings.Output) : ResumableOutput.Open(settings.Output!, resume);
    if (resume is { HasProgress: true })
    {
        Console.Error.WriteLine($"factor-server: resuming from --data-dir: {resume.LinesWritten} lines already written, {resume.Pending.Count} more chunks done ahead of them");
    }
    // Announced only once the input and output are good, so a usage error stays one line.
    string key = settings.AuthKey ?? AuthKeySource.NewKey();
    if (settings.AuthKey is null)
    {
        Console.Error.WriteLine($"factor-server: no --authkey given; using the random key {key} (give it to clients with --authkey)");
    }
    var options = new FactorRunOptions
    {
        Bind = settings.Bind,
        Port = settings.Port,
        AuthKey = key,
        ChunkSize = settings.ChunkSize,
        Procs = settings.Procs,
        ProgressInterval = settings.ProgressInterval,
        TimeToRun = settings.TimeToRun,
        GetTimeToRun = settings.GetTimeToRun,
        NumberTimeout = settings.NumberTimeout,
        Journal = journal,
        Resume = resume,
        Fsync = settings.Fsync,
        ProgressOnTerminal = !Console.IsErrorRedirected,
        DescribeLocalWorker = (slot, port) => SelfLauncher.Describe(
            WorkerCommand.Arguments("127.0.0.1", port, $"factor-server@{Environment.MachineName}:{Environment.ProcessId}/w{slot}", TimeSpan.FromSeconds(10)), key),
    };
    var run = new FactorRun(options, numbers, output, message => Console.Error.WriteLine($"factor-server: {message}"));
    RunOutcome outcome = await run.RunAsync(stop.Token);
    switch (outcome.End)
    {
        case RunEnd.Completed:
            return ExitCodes.Success;
        case RunEnd.Stopped:
            Console.Error.WriteLine(
                $"factor-server: stopped by {stop.Reason}: {outcome.NumbersWritten} of {outcome.NumbersTotal} numbers written (in input order), " +
                $"{outcome.NumbersTotal - outcome.NumbersWritten} not written");
            return stop.ExitCode;
        default:
            return ExitCodes.Failure;
    }
});

static TextWriter OpenOutput(string? path)
{
    if (path is null or "-")
    {
        return new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false), 1 << 16) { AutoFlush = false };
    }
    try
    {
        return new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false), 1 << 16);
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        throw new UsageException($"cannot write --output {DisplayText.QuotePath(path)}: {ErrorText.FileProblem(e)}", e);
    }
}
