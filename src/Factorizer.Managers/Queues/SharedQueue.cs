using Factorizer.Managers.Server;
using Factorizer.Pickle;

namespace Factorizer.Managers.Queues;

/// <summary>
/// Shares a <see cref="LocalQueue{T}"/> of pickle values with <c>queue.Queue</c>'s remote surface
/// (docs/protocol.md §3.4): <c>empty full get get_nowait join put put_nowait qsize task_done</c>,
/// with Python's argument rules and exceptions, so a Python proxy cannot tell it from CPython's;
/// plus lease-based consumption (§3.7): <c>reserve ack release touch</c>, leases tied to the
/// calling connection so that one that closes gives its items back.
/// </summary>
public class SharedQueue : ISharedObject
{
    private static readonly string[] Methods =
        ["ack", "empty", "full", "get", "get_nowait", "join", "put", "put_nowait", "qsize", "release", "reserve", "task_done", "touch"];

    /// <summary>Shares <paramref name="queue"/>.</summary>
    public SharedQueue(LocalQueue<object?> queue) => Queue = queue ?? throw new ArgumentNullException(nameof(queue));

    /// <summary>
    /// The factory for SyncManager's <c>Queue(maxsize=0)</c> and <c>JoinableQueue(maxsize=0)</c>: each call makes a new
    /// in-memory queue (both have <c>task_done</c> and <c>join</c>, as CPython registers <c>queue.Queue</c> for both);
    /// maxsize 0 or less is unbounded, and one beyond what a C# collection holds is as good as unbounded.
    /// </summary>
    public static SharedObjectFactory SyncManagerFactory(string typeName) => (args, kwargs) =>
    {
        var init = SharedCall.ForCreate(typeName, args, kwargs);
        init.CheckArity("maxsize");
        object? maxSize = init.Arg(0, "maxsize", 0L);
        int bound = maxSize switch
        {
            long l => (int)Math.Clamp(l, 0, int.MaxValue),
            bool b => b ? 1 : 0,
            System.Numerics.BigInteger big => big.Sign <= 0 ? 0 : int.MaxValue,
            _ => throw PythonErrorException.TypeError($"maxsize must be an int, not {TypeName(maxSize)}"),
        };
        return new SharedQueue(new LocalQueue<object?>(bound));
    };

    /// <summary>The queue behind the proxy.</summary>
    public LocalQueue<object?> Queue { get; }

    public virtual IReadOnlyList<string> ExposedMethods => Methods;

    public virtual async ValueTask<object?> InvokeAsync(SharedCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        switch (call.Method)
        {
            case "put":
                call.CheckArity("item", "block", "timeout");
                await PutAsync(call, Required(call, 0, "item"), WaitTime(call, 1, 2), cancellationToken).ConfigureAwait(false);
                return null;
            case "put_nowait":
                call.CheckArity("item");
                await PutAsync(call, Required(call, 0, "item"), TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                return null;
            case "get":
                call.CheckArity("block", "timeout");
                return await GetAsync(call, WaitTime(call, 0, 1), cancellationToken).ConfigureAwait(false);
            case "get_nowait":
                call.CheckArity();
                return await GetAsync(call, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            case "qsize":
                call.CheckArity();
                return (long)Queue.Count;
            case "empty":
                call.CheckArity();
                return Queue.IsEmpty;
            case "full":
                call.CheckArity();
                return Queue.IsFull;
            case "task_done":
                call.CheckArity();
                try
                {
                    await Queue.TaskDoneAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (InvalidOperationException e)
                {
                    throw PythonErrorException.ValueError(e.Message);
                }
                return null;
            case "join":
                call.CheckArity();
                await Queue.JoinAsync(cancellationToken).ConfigureAwait(false);
                return null;
            case "reserve":
                call.CheckArity("block", "timeout", "ttr");
                // Stricter than get (ours, no CPython to match): reserve('x') is a mistake, not "block".
                if (call.Arg(0, "block", true) is not (bool or long))
                {
                    throw PythonErrorException.TypeError($"'block' must be a bool, not {TypeName(call.Arg(0, "block", true))}");
                }
                TimeSpan? wait = WaitTime(call, 0, 1);
                Lease<object?> lease = await ReserveAsync(call, wait, TimeToRun(call), cancellationToken).ConfigureAwait(false);
                return new PyTuple(lease.Id, lease.Item);
            case "ack":
                call.CheckArity("lease_id");
                return WithLease(call, Queue.Ack);
            case "release":
                call.CheckArity("lease_id", "delay");
                TimeSpan delay = Delay(call);
                return WithLease(call, id => Queue.Release(id, delay));
            case "touch":
                call.CheckArity("lease_id");
                return WithLease(call, Queue.Touch);
            default:
                throw new PythonErrorException(PyException.Builtin("AttributeError", $"'Queue' object has no attribute '{call.Method}'"));
        }
    }

    /// <summary>
    /// A got or reserved item whose reply never reached the caller goes back to the front of the queue
    /// (a reserve's lease ends: the caller never learnt its id).
    /// </summary>
    public virtual ValueTask ReplyLostAsync(SharedCall call, object? result)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.Method is "get" or "get_nowait")
        {
            Queue.Requeue(result);
        }
        else if (call.Method == "reserve" && result is PyTuple { Count: 2 } reply && reply[0] is long leaseId)
        {
            try
            {
                Queue.Release(leaseId);
            }
            catch (KeyNotFoundException)
            {
                // Already expired, so already back in the queue.
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>A closed connection's leases end at once, their items back at the front of the queue.</summary>
    public virtual ValueTask SessionClosedAsync(SessionInfo session)
    {
        ArgumentNullException.ThrowIfNull(session);
        Queue.ReleaseHeldBy(session);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Adds an item for a remote caller; a subclass may observe or transform it. An item a durable
    /// queue cannot store is the caller's <c>TypeError</c>.
    /// </summary>
    protected virtual async ValueTask PutAsync(SharedCall call, object? item, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        try
        {
            await Queue.PutAsync(item, timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (PicklingException e)
        {
            throw PythonErrorException.TypeError(e.Message);
        }
    }

    /// <summary>Takes an item for a remote caller; a subclass may observe it.</summary>
    protected virtual ValueTask<object?> GetAsync(SharedCall call, TimeSpan? timeout, CancellationToken cancellationToken) =>
        Queue.GetAsync(timeout, cancellationToken);

    /// <summary>
    /// Takes an item under a lease held by the calling connection (so its closing returns the item);
    /// a subclass may observe it.
    /// </summary>
    protected virtual ValueTask<Lease<object?>> ReserveAsync(SharedCall call, TimeSpan? timeout, TimeSpan? timeToRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        // The holder is the caller's SessionInfo: its Name is set by accept_connection before any call,
        // so its hash (the lease table's key) no longer changes while it holds leases.
        return Queue.ReserveAsync(timeout, timeToRun, call.Caller, cancellationToken);
    }

    /// <summary>Runs a lease operation on the call's <c>lease_id</c>; an unknown or ended lease is Python's KeyError.</summary>
    private static object? WithLease(SharedCall call, Action<long> operation)
    {
        object? value = Required(call, 0, "lease_id");
        switch (value)
        {
            case long id:
                try
                {
                    operation(id);
                }
                catch (KeyNotFoundException e)
                {
                    throw new PythonErrorException(PyException.Builtin("KeyError", e.Message));
                }
                return null;
            case System.Numerics.BigInteger big:
                // An int, but not one we ever hand out.
                throw new PythonErrorException(PyException.Builtin("KeyError", $"lease {big} is unknown or expired"));
            default:
                throw PythonErrorException.TypeError($"lease_id must be an int, not {TypeName(value)}");
        }
    }

    /// <summary>The <c>ttr</c> argument: None → the queue's default; else positive seconds, at most what a timer takes.</summary>
    private static TimeSpan? TimeToRun(SharedCall call)
    {
        object? value = call.Arg(2, "ttr", null);
        if (value is null)
        {
            return null;
        }
        double seconds = Seconds(value, "ttr");
        // NaN fails this test too; so does a positive number below one tick (100 ns).
        if (!(seconds > 0) || Duration(seconds, "ttr") is not { Ticks: > 0 } ttr)
        {
            throw PythonErrorException.ValueError("'ttr' must be a positive number");
        }
        return ttr;
    }

    /// <summary>The <c>delay</c> argument of release: non-negative seconds, at most what a timer takes.</summary>
    private static TimeSpan Delay(SharedCall call)
    {
        double seconds = Seconds(call.Arg(1, "delay", 0L), "delay");
        if (seconds < 0 || double.IsNaN(seconds))
        {
            throw PythonErrorException.ValueError("'delay' must be a non-negative number");
        }
        return Duration(seconds, "delay");
    }

    private static TimeSpan Duration(double seconds, string name)
    {
        double max = LeaseTable<object?>.MaxDuration.TotalSeconds;
        if (seconds > max)
        {
            throw PythonErrorException.ValueError($"'{name}' must be at most {max:0} seconds");
        }
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>A Python number as seconds (int, float or bool, as CPython's time arithmetic accepts).</summary>
    private static double Seconds(object? value, string name) => value switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        System.Numerics.BigInteger big => (double)big,
        _ => throw PythonErrorException.TypeError($"'{name}' must be a number, not {TypeName(value)}"),
    };

    /// <summary>Python's name for an argument's type, for TypeError messages.</summary>
    private static string TypeName(object? value) => value switch
    {
        null => "NoneType",
        bool => "bool",
        long or System.Numerics.BigInteger => "int",
        double => "float",
        string => "str",
        byte[] => "bytes",
        PyTuple => "tuple",
        List<object?> => "list",
        Dictionary<object, object?> => "dict",
        _ => value.GetType().Name,
    };

    private static object? Required(SharedCall call, int position, string name)
    {
        if (position >= call.Args.Count && !call.Kwargs.ContainsKey(name))
        {
            throw PythonErrorException.TypeError($"{call.Method}() missing 1 required positional argument: '{name}'");
        }
        return call.Arg(position, name, null);
    }

    /// <summary>Python's (block, timeout) pair as one wait: block=False → zero; timeout=None → forever.</summary>
    private static TimeSpan? WaitTime(SharedCall call, int blockPosition, int timeoutPosition)
    {
        object? block = call.Arg(blockPosition, "block", true);
        object? timeout = call.Arg(timeoutPosition, "timeout", null);
        if (!IsTruthy(block))
        {
            return TimeSpan.Zero;
        }
        if (timeout is null)
        {
            return null;
        }
        double seconds = Seconds(timeout, "timeout");
        if (seconds < 0 || double.IsNaN(seconds))
        {
            throw PythonErrorException.ValueError("'timeout' must be a non-negative number");
        }
        // timeout=0 means no wait, as in CPython (Empty at once when nothing is queued).
        return seconds >= TimeSpan.MaxValue.TotalSeconds / 2 ? null : TimeSpan.FromSeconds(seconds);
    }

    private static bool IsTruthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        _ => true,
    };
}
