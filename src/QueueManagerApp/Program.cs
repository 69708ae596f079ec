using System.Net;
using System.Net.Sockets;
using Factorizer.Managers;
using Factorizer.Managers.Queues;
using Factorizer.Managers.Server;
using Factorizer.Work.Cli;
using QueueManagerApp;

// queue-manager: see QueueManagerSettings.Help. Thin: parse, register the queues, serve until stopped.
// Its only socket continuations are the manager server's call loops, which never block: let the socket
// engine's event threads run them (before any socket is made; see InlineSocketCompletions).
InlineSocketCompletions.Request();
return await ProgramShell.RunAsync("queue-manager", args, async stop =>
{
    QueueManagerSettings settings = QueueManagerSettings.Parse(args);
    if (settings.ShowHelp)
    {
        Console.Out.Write(QueueManagerSettings.Help);
        return ExitCodes.Success;
    }
    if (settings.ShowVersion)
    {
        Console.Out.WriteLine(VersionText.Of("queue-manager"));
        return ExitCodes.Success;
    }
    string key = settings.AuthKey ?? AuthKeySource.NewKey();
    if (settings.AuthKey is null)
    {
        Console.Error.WriteLine($"queue-manager: no --authkey given; using the random key {key} (give it to clients)");
    }
    var options = new ManagerServerOptions
    {
        AuthKey = System.Text.Encoding.UTF8.GetBytes(key),
        Log = message => Console.Error.WriteLine($"queue-manager: {message}"),
        OwnThreadConnections = settings.ConnectionThreads,
    };
    var queues = new List<KeyValuePair<string, LocalQueue<object?>>>();
    NamedQueueSet? named = null;
    IPEndPoint endPoint;
    await using (var manager = new QueueManager(options))
    {
        foreach (string name in settings.Queues)
        {
            LocalQueue<object?> queue = settings.DataDir is { } dataDir
                ? manager.RegisterDurableQueue(name, Path.Combine(dataDir, name), settings.Fsync, timeToRun: settings.TimeToRun)
                : manager.RegisterQueue(name, timeToRun: settings.TimeToRun);
            queues.Add(KeyValuePair.Create(name, queue));
        }
        // SyncManager's types: a SyncManager client's m.Queue(), m.dict(), m.Lock() etc.
        manager.RegisterSyncManagerTypes();
        if (settings.NamedQueues is { } typeId)
        {
            named = NamedQueueSet.Register(manager, typeId, settings.TimeToRun);
        }
        try
        {
            endPoint = manager.Start(new IPEndPoint(settings.Bind, settings.Port));
        }
        catch (SocketException e)
        {
            throw new IOException($"cannot listen on {settings.Bind}:{settings.Port}: {e.Message}", e);
        }
        string served = string.Join(", ", [.. settings.Queues, .. settings.NamedQueues is { } n ? [$"{n}(name)"] : Array.Empty<string>()]);
        string durable = settings.DataDir is { } d ? $", durable in {DisplayText.QuotePath(d)}" : "";
        Console.Error.WriteLine($"queue-manager: listening on {endPoint}; serving {(served.Length > 0 ? served + " and " : "")}SyncManager's types (ttr {settings.TimeToRun.TotalSeconds:0.###} s{durable})");
        // Serve until a signal or a client's shutdown call; disposing the manager then stops accepting,
        // closes the connections and closes (flushes) the durable journals.
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using CancellationTokenRegistration onStop = stop.Token.Register(() => stopped.TrySetResult());
        await Task.WhenAny(manager.Server.Completion, stopped.Task).ConfigureAwait(false);
    }
    IEnumerable<KeyValuePair<string, LocalQueue<object?>>> all = named is null ? queues : queues.Concat(named.Queues);
    string left = string.Join(", ", all.Select(q => $"{q.Key} {q.Value.Count}" + (q.Value.LeasedCount > 0 ? $" (+{q.Value.LeasedCount} leased)" : "")));
    string by = stop.Requested ? stop.Reason : "a client's shutdown call";
    Console.Error.WriteLine($"queue-manager: stopped by {by}; items left queued: {(left.Length > 0 ? left : "none")}");
    return stop.Requested ? stop.ExitCode : ExitCodes.Success;
});
