using Factorizer.Managers.Server;
using Factorizer.Pickle;

namespace Factorizer.Managers.Queues;

/// <summary>
/// Shares a <see cref="LocalQueue{T}"/> of pickle values with <c>queue.Queue</c>'s remote surface
/// (docs/protocol.md §3.4): <c>empty full get get_nowait join put put_nowait qsize task_done</c>,
/// with Python's argument rules and exceptions, so a Python proxy cannot tell it from CPython's.
/// </summary>
public class SharedQueue : ISharedObject
{
    private static readonly string[] Methods =
        ["empty", "full", "get", "get_nowait", "join", "put", "put_nowait", "qsize", "task_done"];

    /// <summary>Shares <paramref name="queue"/>.</summary>
    public SharedQueue(LocalQueue<object?> queue) => Queue = queue ?? throw new ArgumentNullException(nameof(queue));

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
            default:
                throw new PythonErrorException(PyException.Builtin("AttributeError", $"'Queue' object has no attribute '{call.Method}'"));
        }
    }

    /// <summary>A got item whose reply never reached the caller goes back to the front of the queue.</summary>
    public virtual ValueTask ReplyLostAsync(SharedCall call, object? result)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.Method is "get" or "get_nowait")
        {
            Queue.Requeue(result);
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Adds an item for a remote caller; a subclass may observe or transform it.</summary>
    protected virtual ValueTask PutAsync(SharedCall call, object? item, TimeSpan? timeout, CancellationToken cancellationToken) =>
        Queue.PutAsync(item, timeout, cancellationToken);

    /// <summary>Takes an item for a remote caller; a subclass may observe it.</summary>
    protected virtual ValueTask<object?> GetAsync(SharedCall call, TimeSpan? timeout, CancellationToken cancellationToken) =>
        Queue.GetAsync(timeout, cancellationToken);

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
        double seconds = timeout switch
        {
            long l => l,
            double d => d,
            bool b => b ? 1 : 0,
            System.Numerics.BigInteger big => (double)big,
            _ => throw PythonErrorException.TypeError("'timeout' must be a number"),
        };
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
