using System.Collections.Concurrent;
using System.Net;
using Factorizer.Managers.Client;
using Factorizer.Managers.Durability;
using Factorizer.Managers.Queues;
using Factorizer.Managers.Server;
using Factorizer.Managers.Shared;
using Factorizer.Pickle;

namespace Factorizer.Managers;

/// <summary>
/// The front door for apps: register named shared objects (queues first), start serving them over
/// CPython's manager protocol, or connect to a manager as a client. For example:
/// <code>
/// var manager = new QueueManager(key);
/// LocalQueue&lt;object?&gt; jobs = manager.RegisterQueue("get_job_q");
/// manager.Start(new IPEndPoint(IPAddress.Any, 5000));
/// // elsewhere:
/// await using ManagerClient client = await QueueManager.ConnectAsync("host", 5000, key);
/// await using QueueProxy&lt;long[]&gt; q = await client.GetQueueAsync&lt;long[]&gt;("get_job_q");
/// </code>
/// </summary>
public sealed class QueueManager : IAsyncDisposable
{
    private readonly ManagerServerOptions _options;
    private readonly TypeRegistry.Builder _registry = new();
    private readonly List<DurableQueue> _durable = []; // closed after the server stops
    private ManagerServer? _server;

    /// <summary>Makes a manager with the shared secret <paramref name="authKey"/> and default limits.</summary>
    public QueueManager(ReadOnlyMemory<byte> authKey)
        : this(new ManagerServerOptions { AuthKey = authKey })
    {
    }

    /// <summary>
    /// Makes a manager with <paramref name="options"/> (key, limits, log, hooks); the typeids come from
    /// the Register calls, not from <see cref="ManagerServerOptions.Registry"/>.
    /// </summary>
    public QueueManager(ManagerServerOptions options) => _options = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>The running server, once started.</summary>
    public ManagerServer Server => _server ?? throw new InvalidOperationException("the manager is not started");

    /// <summary>
    /// Registers a new queue under <paramref name="typeId"/> (the seed's <c>register('get_job_q', callable=lambda: q)</c>)
    /// and returns it. <paramref name="timeToRun"/> is its leases' default time-to-run (30 s when null);
    /// <paramref name="timeProvider"/> its clock (<see cref="TimeProvider.System"/> when null).
    /// </summary>
    public LocalQueue<object?> RegisterQueue(string typeId, int maxSize = 0, TimeSpan? timeToRun = null, TimeProvider? timeProvider = null)
    {
        var queue = new LocalQueue<object?>(maxSize, timeToRun, timeProvider);
        RegisterQueue(typeId, new SharedQueue(queue));
        return queue;
    }

    /// <summary>
    /// Registers a durable queue under <paramref name="typeId"/>: its items are journalled in the file at
    /// <paramref name="path"/> (a directory: <see cref="DurableQueue.DefaultFileName"/> in it), and a manager
    /// that registers the same path after a stop or crash gets back every item put and not yet got or
    /// acked, in order; leased items come back queued at the front (leases do not survive a restart).
    /// <paramref name="fsync"/> decides what a power failure can lose (see <see cref="DurableQueue"/>);
    /// the other parameters are as for <see cref="RegisterQueue(string, int, TimeSpan?, TimeProvider?)"/>.
    /// Warnings (a torn journal tail cut off) go to <see cref="ManagerServerOptions.Log"/>. The journal is
    /// closed when the manager is disposed. Items must be values the wire's pickle reader reads back (whitelisted or inert);
    /// a put of anything else fails (<see cref="PicklingException"/>; a remote caller gets <c>TypeError</c>).
    /// </summary>
    /// <exception cref="IOException">The journal is in use (another manager or process has it) or unusable.</exception>
    /// <exception cref="InvalidDataException">An item in the journal cannot be read back.</exception>
    public LocalQueue<object?> RegisterDurableQueue(string typeId, string path, FsyncPolicy fsync = FsyncPolicy.Interval, int maxSize = 0, TimeSpan? timeToRun = null, TimeProvider? timeProvider = null)
    {
        if (_server is not null)
        {
            throw new InvalidOperationException("register every typeid before Start");
        }
        DurableQueue durable = DurableQueue.Open(path, fsync, maxSize, timeToRun, timeProvider, _options.Log);
        try
        {
            RegisterQueue(typeId, new SharedQueue(durable.Queue));
        }
        catch
        {
            durable.Dispose();
            throw;
        }
        _durable.Add(durable);
        return durable.Queue;
    }

    /// <summary>Registers a shared queue object under <paramref name="typeId"/>; every <c>create</c> returns this one.</summary>
    public QueueManager RegisterQueue(string typeId, SharedQueue queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return Register(typeId, (args, _) => args.Count == 0 ? queue
            : throw PythonErrorException.TypeError($"{typeId}() takes no arguments ({args.Count} given)"));
    }

    /// <summary>
    /// Registers the <c>get_queue(name)</c> pattern: one queue per distinct name argument, made on first
    /// use, each with <paramref name="maxSize"/>, default time-to-run <paramref name="timeToRun"/> and clock
    /// <paramref name="timeProvider"/> as in <see cref="RegisterQueue(string, int, TimeSpan?, TimeProvider?)"/>.
    /// Returns a lookup so the host app can reach the same queues.
    /// </summary>
    public Func<string, LocalQueue<object?>> RegisterNamedQueues(string typeId, int maxSize = 0, TimeSpan? timeToRun = null, TimeProvider? timeProvider = null)
    {
        var queues = new ConcurrentDictionary<string, SharedQueue>(StringComparer.Ordinal);
        SharedQueue Lookup(string name) => queues.GetOrAdd(name, _ => new SharedQueue(new LocalQueue<object?>(maxSize, timeToRun, timeProvider)));
        Register(typeId, (args, kwargs) =>
        {
            object? name = args.Count == 1 ? args[0] : kwargs.GetValueOrDefault("name");
            return name is string s ? Lookup(s)
                : throw PythonErrorException.TypeError($"{typeId}() takes one str argument, the queue name");
        });
        return name => Lookup(name).Queue;
    }

    /// <summary>
    /// Registers CPython <c>SyncManager</c>'s typeids, so a <c>SyncManager(address, authkey).connect()</c> client can call
    /// <c>Queue()</c>, <c>JoinableQueue()</c>, <c>Event()</c>, <c>Lock()</c>, <c>RLock()</c>, <c>Semaphore()</c>,
    /// <c>BoundedSemaphore()</c>, <c>Condition()</c>, <c>Barrier(n)</c>, <c>list()</c>, <c>dict()</c>,
    /// <c>Value(typecode, value)</c>, <c>Array(typecode, sequence)</c> and <c>Namespace()</c>; each <c>create</c> makes
    /// a new object. Iterating a dict proxy gets an <c>Iterator</c> proxy (#PROXY). Not served: <c>Pool</c>, and
    /// anything that would run the caller's Python code here (<c>list.sort(key=...)</c>, <c>Barrier(action=...)</c>).
    /// <c>Condition(lock)</c> takes a Lock or RLock proxy of this manager.
    /// </summary>
    public QueueManager RegisterSyncManagerTypes() =>
        Register("Queue", SharedQueue.SyncManagerFactory("Queue"))
            .Register("JoinableQueue", SharedQueue.SyncManagerFactory("JoinableQueue"))
            .Register("Event", (args, kwargs) => new SharedEvent(args, kwargs))
            .Register("Lock", SharedLock.Factory(reentrant: false))
            .Register("RLock", SharedLock.Factory(reentrant: true))
            .Register("Semaphore", SharedSemaphore.Factory(bounded: false))
            .Register("BoundedSemaphore", SharedSemaphore.Factory(bounded: true))
            .Register("Condition", SharedCondition.Factory(FindObject))
            .Register("Barrier", SharedBarrier.Factory)
            .Register("list", (args, kwargs) => new SharedList(args, kwargs))
            .Register("dict", (args, kwargs) => new SharedDict(args, kwargs))
            .Register("Value", (args, kwargs) => new SharedValue(args, kwargs))
            .Register("Array", (args, kwargs) => new SharedArray(args, kwargs))
            .Register("Namespace", (args, kwargs) => new SharedNamespace(args, kwargs));

    /// <summary>A live shared object by ident, for a factory given a proxy as an argument (null when unknown or not started).</summary>
    private ISharedObject? FindObject(string ident) => _server is { } server && server.Objects.TryGet(ident, out ISharedObject obj) ? obj : null;

    /// <summary>Registers any shared object factory (Python's <c>register(typeid, callable)</c>).</summary>
    public QueueManager Register(string typeId, SharedObjectFactory factory)
    {
        if (_server is not null)
        {
            throw new InvalidOperationException("register every typeid before Start");
        }
        _registry.Add(typeId, factory);
        return this;
    }

    /// <summary>Starts serving on <paramref name="endPoint"/> (port 0 picks a free port); returns the bound address.</summary>
    public IPEndPoint Start(IPEndPoint endPoint)
    {
        if (_server is not null)
        {
            throw new InvalidOperationException("the manager is already started");
        }
        _server = new ManagerServer(_options with { Registry = _registry.Build() });
        return _server.Start(endPoint);
    }

    /// <summary>Connects to a manager (ours or CPython's) as a client.</summary>
    public static Task<ManagerClient> ConnectAsync(string host, int port, ReadOnlyMemory<byte> authKey, CancellationToken cancellationToken = default) =>
        ManagerClient.ConnectAsync(new ManagerClientOptions { Host = host, Port = port, AuthKey = authKey }, cancellationToken);

    /// <summary>Stops the server, if started, then closes the durable queues' journals.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }
        foreach (DurableQueue durable in _durable)
        {
            durable.Dispose();
        }
        _durable.Clear();
    }
}
