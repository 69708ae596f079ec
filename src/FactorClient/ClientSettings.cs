using Factorizer.Work.Cli;

namespace FactorClient;

/// <summary>factor-client's command line, parsed and checked.</summary>
internal sealed record ClientSettings
{
    public const string Help = """
        Usage: factor-client --ip HOST [options]

        Connects to a factor-server (or the seed's Python server), starts worker processes, and
        factors chunks until the server says the work is finished.

          --ip HOST             server host name or address (default 127.0.0.1)
          --port P              server port (default 5000)
          --authkey KEY         shared secret; or --authkey-file FILE, or FACTOR_AUTHKEY in the environment
          --procs N             worker processes to start (default: one per processor)
          --reconnect-for S     seconds to wait for a server that is not up yet, and that a worker keeps
                                retrying when the server goes away (default 60)
          --verbose             show stack traces on errors
          --help                show this help
          --version             show the version

        SIGINT (Ctrl+C) or SIGTERM stops the workers (the server hands their chunks to others).
        Workers never outlive this process, however it ends.

        Exit codes: 0 the work is finished; 1 runtime failure (server unreachable, wrong key, workers
        failing); 2 bad usage; 130 stopped by SIGINT; 143 stopped by SIGTERM.
        """;

    private static readonly string[] ValueOptions = ["ip", "port", "authkey", "authkey-file", "procs", "reconnect-for"];
    private static readonly string[] Flags = ["help", "verbose", "version"];

    public bool ShowHelp { get; init; }
    public bool ShowVersion { get; init; }
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 5000;
    public string AuthKey { get; init; } = "";
    public int Procs { get; init; } = Environment.ProcessorCount;
    public TimeSpan ReconnectFor { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Parses the command line; <see cref="UsageException"/> on anything wrong.</summary>
    public static ClientSettings Parse(IReadOnlyList<string> args, Func<string, string?>? environment = null)
    {
        CommandLine line = CommandLine.Parse(args, ValueOptions, Flags);
        if (line.Has("help"))
        {
            return new ClientSettings { ShowHelp = true };
        }
        if (line.Has("version"))
        {
            return new ClientSettings { ShowVersion = true };
        }
        byte[] key = AuthKeySource.Resolve(line.Text("authkey"), line.Text("authkey-file"), environment)
            ?? throw new UsageException($"no authkey: give --authkey KEY (the server's), --authkey-file FILE, or set {AuthKeySource.EnvironmentVariable}");
        string host = line.Text("ip") ?? "127.0.0.1";
        if (host.Length == 0)
        {
            throw new UsageException("--ip must not be empty");
        }
        return new ClientSettings
        {
            Host = host,
            Port = (int)line.Integer("port", 5000, 1, 65535),
            AuthKey = System.Text.Encoding.UTF8.GetString(key),
            Procs = (int)line.Integer("procs", Environment.ProcessorCount, 1, 1024),
            ReconnectFor = line.Seconds("reconnect-for", TimeSpan.FromSeconds(60)),
        };
    }
}
