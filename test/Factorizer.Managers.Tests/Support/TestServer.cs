using System.Net;
using System.Text;
using Factorizer.Managers.Client;
using Factorizer.Managers.Queues;
using Factorizer.Managers.Server;

namespace Factorizer.Managers.Tests.Support;

/// <summary>
/// A <see cref="QueueManager"/> on 127.0.0.1 port 0 with the seed's queues (<c>get_job_q</c>,
/// <c>get_result_q</c>) and the named-queue pattern (<c>get_queue(name)</c>). Collects the server log.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    public static readonly byte[] DefaultKey = Encoding.ASCII.GetBytes("abc");

    private readonly List<string> _log;

    private TestServer(QueueManager manager, LocalQueue<object?> jobs, LocalQueue<object?> results, Func<string, LocalQueue<object?>> named, byte[] key, List<string> log)
    {
        _log = log;
        Manager = manager;
        Jobs = jobs;
        Results = results;
        Named = named;
        Key = key;
    }

    public QueueManager Manager { get; }

    public ManagerServer Server => Manager.Server;

    public IPEndPoint EndPoint => Server.EndPoint;

    public int Port => EndPoint.Port;

    public byte[] Key { get; }

    /// <summary>The queue behind <c>get_job_q</c>.</summary>
    public LocalQueue<object?> Jobs { get; }

    /// <summary>The queue behind <c>get_result_q</c>.</summary>
    public LocalQueue<object?> Results { get; }

    /// <summary>The queues behind <c>get_queue(name)</c>.</summary>
    public Func<string, LocalQueue<object?>> Named { get; }

    /// <summary>Server log lines so far.</summary>
    public IReadOnlyList<string> Log
    {
        get
        {
            lock (_log)
            {
                return [.. _log];
            }
        }
    }

    /// <summary>
    /// Starts a server. <paramref name="configure"/> may register more typeids before it starts.
    /// </summary>
    public static TestServer Start(byte[]? key = null, Action<QueueManager>? configure = null, TimeSpan? handshakeTimeout = null, long? maxFrameLength = null, int jobsMaxSize = 0,
        TimeProvider? time = null, TimeSpan? frameReadTimeout = null, int connectionLogLines = 10, int? ownThreadConnections = null)
    {
        key ??= DefaultKey;
        List<string> log = [];
        var manager = new QueueManager(new ManagerServerOptions
        {
            AuthKey = key,
            HandshakeTimeout = handshakeTimeout ?? TimeSpan.FromSeconds(10),
            MaxFrameLength = maxFrameLength ?? 64L * 1024 * 1024,
            Time = time ?? TimeProvider.System,
            FrameReadTimeout = frameReadTimeout ?? TimeSpan.FromSeconds(30),
            ConnectionLogLines = connectionLogLines,
            OwnThreadConnections = ownThreadConnections ?? new ManagerServerOptions { AuthKey = key }.OwnThreadConnections,
            Log = line =>
            {
                lock (log)
                {
                    log.Add(line);
                }
            },
        });
        LocalQueue<object?> jobs = manager.RegisterQueue("get_job_q", jobsMaxSize);
        LocalQueue<object?> results = manager.RegisterQueue("get_result_q");
        Func<string, LocalQueue<object?>> named = manager.RegisterNamedQueues("get_queue");
        configure?.Invoke(manager);
        manager.Start(new IPEndPoint(IPAddress.Loopback, 0));
        return new TestServer(manager, jobs, results, named, key, log);
    }

    public ManagerClientOptions ClientOptions(byte[]? key = null) =>
        new() { Host = "127.0.0.1", Port = Port, AuthKey = key ?? Key };

    /// <summary>Connects a client of ours.</summary>
    public Task<ManagerClient> ConnectAsync(byte[]? key = null) =>
        ManagerClient.ConnectAsync(ClientOptions(key)).WaitAsync(Timeouts.Short);

    public async ValueTask DisposeAsync()
    {
        await Manager.DisposeAsync().AsTask().WaitAsync(Timeouts.Short);
    }
}
