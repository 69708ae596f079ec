using Factorizer.Managers.Server;
using Factorizer.Managers.Wire;
using Factorizer.Pickle;

namespace Factorizer.Managers.Shared;

/// <summary>
/// SyncManager's <c>Condition(lock=None)</c> typeid: <c>acquire release wait(timeout=None) notify(n=1) notify_all</c>
/// over its own RLock or a shared Lock or RLock, as <c>threading.Condition</c> (ConditionProxy's <c>wait_for</c> runs on the client, on top of <c>wait</c>).
/// The lock is owned by the connection that acquired it, as CPython's is by its serving thread (for a plain Lock,
/// CPython lets any thread wait while it is held; here only the connection that acquired it); a connection that
/// closes releases it. A waiter holds no thread; one that leaves (its connection closed) after being notified passes
/// the notification on.
/// </summary>
public sealed class SharedCondition : ISharedObject
{
    private static readonly string[] Methods = ["acquire", "notify", "notify_all", "release", "wait"];

    private readonly SharedLock _lock;
    private readonly LinkedList<TaskCompletionSource> _waiters = []; // in arrival order; guarded by itself

    /// <inheritdoc/>
    public IReadOnlyList<string> ExposedMethods => Methods;

    /// <summary>Connections waiting now.</summary>
    public int WaitingCount
    {
        get
        {
            lock (_waiters)
            {
                return _waiters.Count;
            }
        }
    }

    /// <summary>A condition over <paramref name="sharedLock"/> (a Lock or RLock also shared on its own), or a new RLock.</summary>
    public SharedCondition(SharedLock? sharedLock = null) => _lock = sharedLock ?? new SharedLock(reentrant: true);

    /// <summary>
    /// The factory for <c>Condition(lock=None)</c>. A <c>lock</c> arrives as a pickled proxy (<c>m.Condition(m.Lock())</c>);
    /// <paramref name="findObject"/> finds the object behind its token's ident (null when unknown), which must be a
    /// Lock or RLock of this server.
    /// </summary>
    public static SharedObjectFactory Factory(Func<string, ISharedObject?> findObject) => (args, kwargs) =>
    {
        ArgumentNullException.ThrowIfNull(findObject);
        var init = SharedCall.ForCreate("Condition", args, kwargs);
        init.CheckArity("lock");
        return init.Arg(0, "lock", null) switch
        {
            null => new SharedCondition(),
            PyObject { Module: "multiprocessing.managers", Name: "RebuildProxy", Args: [_, Token token, ..] }
                when findObject(token.Id) is SharedLock sharedLock => new SharedCondition(sharedLock),
            var other => throw PythonErrorException.TypeError(
                $"Condition(lock): lock must be a Lock or RLock proxy of this manager, not {PyErrors.TypeName(other)}"),
        };
    };

    /// <inheritdoc/>
    public async ValueTask<object?> InvokeAsync(SharedCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        switch (call.Method)
        {
            case "acquire" or "release":
                return await _lock.InvokeAsync(call, cancellationToken).ConfigureAwait(false);
            case "wait":
            {
                call.CheckArity("timeout");
                object? timeout = call.Arg(0, "timeout", null);
                TimeSpan? wait = timeout is null ? null : PyErrors.Wait(PyErrors.Seconds(timeout, "a float"));
                return await WaitAsync(call.Caller, wait, cancellationToken).ConfigureAwait(false);
            }
            case "notify":
            {
                call.CheckArity("n");
                long n = PyErrors.Count(call.Arg(0, "n", 1L), "notify counts");
                if (n < 0)
                {
                    throw PythonErrorException.ValueError("Stop argument for islice() must be None or an integer: 0 <= x <= sys.maxsize.");
                }
                MustHold(call.Caller, "notify");
                Notify(n);
                return null;
            }
            case "notify_all":
                call.CheckArity();
                MustHold(call.Caller, "notify");
                Notify(long.MaxValue);
                return null;
            default:
                throw PyErrors.NoMethod("Condition", call.Method);
        }
    }

    /// <inheritdoc/>
    public ValueTask ReplyLostAsync(SharedCall call, object? result) => _lock.ReplyLostAsync(call, result);

    /// <inheritdoc/>
    public ValueTask SessionClosedAsync(SessionInfo session) => _lock.SessionClosedAsync(session);

    /// <summary>Releases the lock, waits for a notify or the timeout, takes the lock back; true when notified.</summary>
    private async ValueTask<bool> WaitAsync(SessionInfo caller, TimeSpan? wait, CancellationToken cancellationToken)
    {
        MustHold(caller, "wait");
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        LinkedListNode<TaskCompletionSource> node;
        lock (_waiters)
        {
            node = _waiters.AddLast(waiter);
        }
        long depth = _lock.ReleaseForWait(caller);
        try
        {
            try
            {
                await (wait is { } w ? waiter.Task.WaitAsync(w, cancellationToken) : waiter.Task.WaitAsync(cancellationToken)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Not notified in time: take the lock back all the same, as Python's wait does.
            }
            Leave(node);
            await _lock.ReacquireAsync(caller, depth, cancellationToken).ConfigureAwait(false);
            return waiter.Task.IsCompletedSuccessfully;
        }
        catch (OperationCanceledException)
        {
            // The connection went away (or the server stops): it no longer waits and takes nothing back. A
            // notification it got would be lost with it, so it goes to the next waiter.
            Leave(node);
            if (waiter.Task.IsCompletedSuccessfully)
            {
                Notify(1);
            }
            throw;
        }
    }

    /// <summary>Takes a waiter out of the list if no notify did; it cannot be notified after this.</summary>
    private void Leave(LinkedListNode<TaskCompletionSource> node)
    {
        lock (_waiters)
        {
            if (node.List is not null)
            {
                _waiters.Remove(node);
                node.Value.TrySetCanceled();
            }
        }
    }

    private void Notify(long n)
    {
        lock (_waiters)
        {
            for (long k = 0; k < n && _waiters.First is { } first; k++)
            {
                _waiters.RemoveFirst();
                first.Value.TrySetResult();
            }
        }
    }

    private void MustHold(SessionInfo caller, string what)
    {
        if (!_lock.IsHeldBy(caller))
        {
            throw PyErrors.RuntimeError($"cannot {what} on un-acquired lock");
        }
    }

    public override string ToString() => $"<Condition(<RLock>, {WaitingCount})>";
}
