using System.Net;
using Factorizer.Managers.Durability;
using Factorizer.Work.Cli;

namespace QueueManagerApp;

/// <summary>queue-manager's command line, parsed and checked.</summary>
internal sealed record QueueManagerSettings
{
    public const string Help = """
        Usage: queue-manager [options] [--queue NAME ...]

        Serves shared queues and SyncManager's types over Python's multiprocessing.managers protocol
        until stopped: a drop-in for a Python program whose only job is
        BaseManager(address, authkey).get_server().serve_forever() with queues registered, or a
        SyncManager's server. Python clients (BaseManager.register('get_job_q'); connect(); ...) and
        factor-client work against it unchanged.

        Served:
          --queue NAME          serve one shared queue under the typeid NAME, the way
                                register('get_job_q', callable=lambda: q) does (repeat for more
                                queues). NAME must be a Python identifier. The queue has queue.Queue's
                                methods (put, get, put_nowait, get_nowait, qsize, empty, full,
                                task_done, join) plus leases (reserve, ack, release, touch)
          --named-queues TYPEID serve the get_queue(name) pattern under TYPEID: one queue per distinct
                                name, made on first use (in memory only: not with --data-dir)
          --ttr S               time-to-run of a lease on these queues: an item reserved and neither
                                acked nor touched for S seconds is queued again (default 30)
          --data-dir DIR        make the --queue queues durable: one journal per queue, DIR/NAME; the
                                same command after a stop or crash serves every item not yet got or
                                acked, in order (leased items come back first)
          --fsync POLICY        with --data-dir: always (fsync every record), interval (once a second,
                                the default) or never (the OS decides)
        Also served, for a SyncManager(address, authkey).connect() client: Queue, JoinableQueue,
        Event, Lock, RLock, Semaphore, BoundedSemaphore, Condition, Barrier, list, dict, Value,
        Array, Namespace (each call makes a new object; iterating a dict proxy gets an Iterator
        proxy; list and Array slices). With no --queue, only these are served.
        Not served: Pool, and anything that would run Python code inside the server: callables and
        classes registered with register(typeid, callable), list.sort(key=...) and
        Barrier(action=...) (these two raise NotImplementedError). A client asking for a typeid
        this program does not serve gets the error CPython's own server gives for an unregistered
        typeid: RemoteError with KeyError: 'TYPEID'.
        Network:
          --port P              TCP port to listen on (default 5000; 0 picks a free port)
          --bind ADDRESS        address to listen on (default 0.0.0.0, all interfaces)
          --authkey KEY         shared secret; or --authkey-file FILE, or FACTOR_AUTHKEY in the
                                environment. Without one, a random key is made and printed.
          --connection-threads N
                                while at most N connections are open, serve each on a thread of
                                its own (the quickest round trip for a few clients); past N, and for
                                a call that waits, the event loop serves them (default 4; 0: never)
          --verbose             show stack traces on errors
          --version             show the version
          --help                show this help

        SIGINT (Ctrl+C) or SIGTERM stops cleanly: no new connections, open ones are closed, durable
        journals are flushed, and one line says how many items each queue had left. A client's
        shutdown call stops it too (exit 0).

        Exit codes: 0 stopped by a client's shutdown call; 1 runtime failure (cannot listen, a
        journal in use); 2 bad usage; 130 stopped by SIGINT; 143 stopped by SIGTERM.
        """;

    private static readonly string[] ValueOptions = ["port", "bind", "authkey", "authkey-file", "named-queues", "ttr", "data-dir", "fsync", "connection-threads"];

    private static readonly string[] Repeatable = ["queue"];

    private static readonly string[] Flags = ["help", "verbose", "version"];

    private static readonly HashSet<string> PythonKeywords = new(StringComparer.Ordinal)
    {
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
        "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or",
        "pass", "raise", "return", "try", "while", "with", "yield",
    };

    public bool ShowHelp { get; init; }
    public bool ShowVersion { get; init; }
    public int Port { get; init; } = 5000;
    public IPAddress Bind { get; init; } = IPAddress.Any;
    public string? AuthKey { get; init; }
    public IReadOnlyList<string> Queues { get; init; } = [];
    public string? NamedQueues { get; init; }
    public TimeSpan TimeToRun { get; init; } = TimeSpan.FromSeconds(30);
    public string? DataDir { get; init; }
    public FsyncPolicy Fsync { get; init; } = FsyncPolicy.Interval;
    public int ConnectionThreads { get; init; } = 4;

    /// <summary>Parses the command line; <see cref="UsageException"/> on anything wrong.</summary>
    public static QueueManagerSettings Parse(IReadOnlyList<string> args, Func<string, string?>? environment = null)
    {
        CommandLine line = CommandLine.Parse(args, ValueOptions, Flags, Repeatable);
        if (line.Has("help"))
        {
            return new QueueManagerSettings { ShowHelp = true };
        }
        if (line.Has("version"))
        {
            return new QueueManagerSettings { ShowVersion = true };
        }
        IReadOnlyList<string> queues = line.All("queue");
        string? named = line.Text("named-queues");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in named is null ? queues : [.. queues, named])
        {
            CheckTypeId(name);
            if (!seen.Add(name))
            {
                throw new UsageException($"the typeid {DisplayText.Quote(name)} is given more than once");
            }
        }
        if (!line.Has("data-dir") && line.Has("fsync"))
        {
            throw new UsageException("--fsync applies to --data-dir only");
        }
        if (line.Has("data-dir") && named is not null)
        {
            throw new UsageException("--named-queues cannot be used with --data-dir: its queues are made on demand and kept in memory only");
        }
        byte[]? key = AuthKeySource.Resolve(line.Text("authkey"), line.Text("authkey-file"), environment);
        return new QueueManagerSettings
        {
            Port = (int)line.Integer("port", 5000, 0, 65535),
            ConnectionThreads = (int)line.Integer("connection-threads", 4, 0, 1000),
            Bind = line.ListenAddress("bind"),
            AuthKey = key is null ? null : System.Text.Encoding.UTF8.GetString(key),
            Queues = queues,
            NamedQueues = named,
            TimeToRun = line.Seconds("ttr", TimeSpan.FromSeconds(30)) is var t && t > TimeSpan.Zero && t <= TimeSpan.FromDays(1)
                ? t : throw new UsageException("--ttr must be more than 0 and at most 86400 seconds"),
            DataDir = line.Text("data-dir") is { } dir
                ? (dir.Length > 0 ? dir : throw new UsageException("--data-dir must not be empty"))
                : null,
            Fsync = line.Text("fsync") switch
            {
                null or "interval" => FsyncPolicy.Interval,
                "always" => FsyncPolicy.Always,
                "never" => FsyncPolicy.Never,
                string other => throw new UsageException($"--fsync must be always, interval or never, not {DisplayText.Quote(other)}"),
            },
        };
    }

    /// <summary>A typeid must be a Python identifier (clients call it as a method of their manager) and not a keyword.</summary>
    private static void CheckTypeId(string name)
    {
        bool identifier = name.Length is > 0 and <= 200
            && (char.IsLetter(name[0]) || name[0] == '_')
            && name.All(c => char.IsLetterOrDigit(c) || c == '_');
        if (!identifier || PythonKeywords.Contains(name))
        {
            throw new UsageException($"a typeid must be a Python identifier such as get_job_q, not {DisplayText.Quote(name)}");
        }
    }
}
