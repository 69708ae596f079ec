using Factorizer.Managers.Durability;
using Factorizer.Work.Durability;
using System.Net;
using System.Numerics;
using Factorizer.Work.Cli;

namespace FactorServer;

/// <summary>factor-server's command line, parsed and checked.</summary>
internal sealed record ServerSettings
{
    public const string Help = """
        Usage: factor-server [options]

        Hosts the job and result queues, feeds chunks of numbers to factor-client workers (and to
        the seed's Python clients), verifies every result, and writes "n: p1 p2 ..." lines in input
        order, like GNU factor.

        Numbers (one of):
          --input FILE|-        whitespace-separated non-negative integers of any size ('-': stdin)
          --start N --step S --count C
                                generate C numbers N, N+S, ... (default 999999999999, 2, 1000)
        Network:
          --port P              TCP port to listen on (default 5000; 0 picks a free port)
          --bind ADDRESS        address to listen on (default 0.0.0.0, all interfaces)
          --authkey KEY         shared secret; or --authkey-file FILE, or FACTOR_AUTHKEY in the
                                environment. Without one, a random key is made and printed.
        Work:
          --chunk-size N        numbers per chunk (default 43, the seed's)
          --procs K             also start K local worker processes (default 0: remote clients only)
          --output FILE         where to write the results (default stdout)
          --progress-interval S seconds between progress lines when stderr is not a terminal (default 5)
          --ttr S               time-to-run of a chunk reserved by a factor-client worker: a worker that
                                neither reports nor touches its lease for S seconds (stopped, hung, its
                                host cut off) loses the chunk to another worker (default 30)
          --number-timeout S    give up a number still unfactored after S seconds of work on it
                                (summed over attempts): its line is left out, it is named on
                                stderr, the rest completes, and the exit code is 1 (default: none)
          --data-dir DIR        keep a journal in DIR so the same command resumes after the server is
                                killed or stopped: results received are kept, the output is cut back
                                to what the journal knows and continued, nothing is printed twice.
                                Needs a fixed key, --output FILE, and --input FILE or generated numbers
          --fsync POLICY        with --data-dir: always (fsync every record), interval (once a second,
                                the default) or never (the OS decides); only a power failure or OS
                                crash can lose what was not yet on disk, and the run redoes it
          --get-ttr S           a chunk taken with a plain get (the seed's Python clients, which hold
                                no lease) is handed out again after S seconds (default 600)
          --verbose             show stack traces on errors
          --version             show the version
          --help                show this help

        SIGINT (Ctrl+C) or SIGTERM stops cleanly: no more chunks are handed out, the finished lines
        are written whole in input order, local workers stop, and clients wait for a restart. A
        second signal ends the server at once.

        Exit codes: 0 all numbers done and verified; 1 runtime failure; 2 bad usage or bad input;
        130 stopped by SIGINT; 143 stopped by SIGTERM.
        """;

    private static readonly string[] ValueOptions =
        ["port", "bind", "authkey", "authkey-file", "input", "start", "step", "count", "chunk-size", "output", "procs", "progress-interval", "ttr", "get-ttr", "number-timeout", "data-dir", "fsync"];

    private static readonly string[] Flags = ["help", "verbose", "version"];

    public bool ShowHelp { get; init; }
    public bool ShowVersion { get; init; }
    public int Port { get; init; } = 5000;
    public IPAddress Bind { get; init; } = IPAddress.Any;
    public string? AuthKey { get; init; }
    public string? Input { get; init; }
    public BigInteger Start { get; init; } = 999_999_999_999;
    public BigInteger Step { get; init; } = 2;
    public long Count { get; init; } = 1000;
    public int ChunkSize { get; init; } = 43;
    public string? Output { get; init; }
    public int Procs { get; init; }
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan TimeToRun { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan GetTimeToRun { get; init; } = TimeSpan.FromSeconds(600);
    public TimeSpan? NumberTimeout { get; init; }
    public string? DataDir { get; init; }
    public FsyncPolicy Fsync { get; init; } = FsyncPolicy.Interval;

    /// <summary>Parses the command line; <see cref="UsageException"/> on anything wrong.</summary>
    public static ServerSettings Parse(IReadOnlyList<string> args, Func<string, string?>? environment = null)
    {
        CommandLine line = CommandLine.Parse(args, ValueOptions, Flags);
        if (line.Has("help"))
        {
            return new ServerSettings { ShowHelp = true };
        }
        if (line.Has("version"))
        {
            return new ServerSettings { ShowVersion = true };
        }
        if (line.Has("input") && (line.Has("start") || line.Has("step") || line.Has("count")))
        {
            throw new UsageException("give --input or --start/--step/--count, not both");
        }
        byte[]? key = AuthKeySource.Resolve(line.Text("authkey"), line.Text("authkey-file"), environment);
        if (line.Has("data-dir"))
        {
            // Resuming needs the same key (clients reconnect with theirs), a file to cut back and
            // continue, and input that can be read again.
            if (key is null)
            {
                throw new UsageException("--data-dir needs a key that does not change: give --authkey, --authkey-file or FACTOR_AUTHKEY");
            }
            if (line.Text("output") is null or "-")
            {
                throw new UsageException("--data-dir needs --output FILE (a resumed run cuts the file back to what the journal knows and continues it)");
            }
            if (line.Text("input") == "-")
            {
                throw new UsageException("--data-dir needs --input FILE or generated numbers, not stdin (a resumed run reads its input again)");
            }
        }
        else if (line.Has("fsync"))
        {
            throw new UsageException("--fsync applies to --data-dir only");
        }
        return new ServerSettings
        {
            Port = (int)line.Integer("port", 5000, 0, 65535),
            Bind = line.ListenAddress("bind"),
            AuthKey = key is null ? null : System.Text.Encoding.UTF8.GetString(key),
            Input = line.Text("input"),
            Start = ParseBig(line, "start", 999_999_999_999, allowNegative: false),
            Step = ParseBig(line, "step", 2, allowNegative: true),
            Count = line.Integer("count", 1000, 0, long.MaxValue),
            ChunkSize = (int)line.Integer("chunk-size", 43, 1, 1_000_000),
            Output = line.Text("output"),
            Procs = (int)line.Integer("procs", 0, 0, 1024),
            ProgressInterval = Positive(line, "progress-interval", TimeSpan.FromSeconds(5)),
            TimeToRun = Positive(line, "ttr", TimeSpan.FromSeconds(30)),
            GetTimeToRun = Positive(line, "get-ttr", TimeSpan.FromSeconds(600)),
            NumberTimeout = line.Has("number-timeout") ? Positive(line, "number-timeout", TimeSpan.Zero) : null,
            DataDir = line.Text("data-dir"),
            Fsync = line.Text("fsync") switch
            {
                null or "interval" => FsyncPolicy.Interval,
                "always" => FsyncPolicy.Always,
                "never" => FsyncPolicy.Never,
                string other => throw new UsageException($"--fsync must be always, interval or never, not {DisplayText.Quote(other)}"),
            },
        };
    }

    /// <summary>A duration in seconds that must be more than zero and at most a day (timers go no further usefully).</summary>
    private static TimeSpan Positive(CommandLine line, string name, TimeSpan defaultValue) =>
        line.Seconds(name, defaultValue) is { } t && t > TimeSpan.Zero && t <= TimeSpan.FromDays(1)
            ? t : throw new UsageException($"--{name} must be more than 0 and at most 86400 seconds");

    private static BigInteger ParseBig(CommandLine line, string name, BigInteger defaultValue, bool allowNegative)
    {
        string? text = line.Text(name);
        if (text is null)
        {
            return defaultValue;
        }
        var style = allowNegative ? System.Globalization.NumberStyles.AllowLeadingSign : System.Globalization.NumberStyles.None;
        if (text.Length > 10_000 || !BigInteger.TryParse(text, style, System.Globalization.CultureInfo.InvariantCulture, out BigInteger value))
        {
            throw new UsageException($"--{name} must be a{(allowNegative ? "n" : " non-negative")} integer, not {DisplayText.Quote(text)}");
        }
        return value;
    }
}
