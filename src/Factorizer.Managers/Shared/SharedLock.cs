using Factorizer.Managers.Server;
using Factorizer.Pickle;

namespace Factorizer.Managers.Shared;

/// <summary>
/// SyncManager's <c>Lock</c> and <c>RLock</c> typeids: <c>acquire(blocking=True, timeout=-1)</c> and
/// <c>release()</c>, as <c>threading.Lock</c> and <c>threading.RLock</c>. An RLock is owned by the connection
/// that acquired it (CPython's server gives each connection its own thread). A connection that closes
/// releases what it holds, and an acquire whose reply was lost is undone.
/// </summary>
public sealed class SharedLock : ISharedObject
{
    private static readonly string[] Methods = ["acquire", "release"];

    private readonly SemaphoreSlim _mutex = new(1, 1);
    private readonly Lock _gate = new();
    private SessionInfo? _owner;
    private long _depth;

    /// <summary>Makes an unlocked lock; reentrant (an RLock) when <paramref name="reentrant"/>.</summary>
    public SharedLock(bool reentrant) => Reentrant = reentrant;

    /// <summary>True for an RLock.</summary>
    public bool Reentrant { get; }

    /// <summary>Whether some connection holds the lock.</summary>
    public bool IsLocked
    {
        get
        {
            lock (_gate)
            {
                return _depth > 0;
            }
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> ExposedMethods => Methods;

    /// <summary>The factory for <c>Lock()</c> or <c>RLock()</c> (no arguments).</summary>
    public static SharedObjectFactory Factory(bool reentrant) => (args, kwargs) => args.Count + kwargs.Count == 0 ? new SharedLock(reentrant)
        : throw PythonErrorException.TypeError($"{(reentrant ? "RLock" : "Lock")}() takes no arguments");

    /// <inheritdoc/>
    public async ValueTask<object?> InvokeAsync(SharedCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        switch (call.Method)
        {
            case "acquire":
                return await AcquireAsync(call, cancellationToken).ConfigureAwait(false);
            case "release":
                call.CheckArity();
                Release(call.Caller, all: false);
                return null;
            default:
                throw PyErrors.NoMethod(Reentrant ? "RLock" : "Lock", call.Method);
        }
    }

    /// <summary>An acquire the caller never heard of is undone.</summary>
    public ValueTask ReplyLostAsync(SharedCall call, object? result)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.Method == "acquire" && result is true)
        {
            try
            {
                Release(call.Caller, all: false);
            }
            catch (PythonErrorException)
            {
                // Released meanwhile.
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>A closed connection's hold ends.</summary>
    public ValueTask SessionClosedAsync(SessionInfo session)
    {
        ArgumentNullException.ThrowIfNull(session);
        lock (_gate)
        {
            if (_depth > 0 && ReferenceEquals(_owner, session))
            {
                Release(session, all: true);
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Whether <paramref name="caller"/> holds the lock (a Condition's ownership test).</summary>
    internal bool IsHeldBy(SessionInfo caller)
    {
        lock (_gate)
        {
            return _depth > 0 && ReferenceEquals(_owner, caller);
        }
    }

    /// <summary>
    /// Releases every level <paramref name="caller"/> holds, for a Condition's wait; returns the depth to give back to
    /// <see cref="ReacquireAsync"/>. The caller must hold the lock.
    /// </summary>
    internal long ReleaseForWait(SessionInfo caller)
    {
        lock (_gate)
        {
            long depth = _depth;
            Release(caller, all: true);
            return depth;
        }
    }

    /// <summary>Takes the lock back after a Condition's wait, at the depth <see cref="ReleaseForWait"/> returned.</summary>
    internal async ValueTask ReacquireAsync(SessionInfo caller, long depth, CancellationToken cancellationToken)
    {
        await _mutex.WaitAsync(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _owner = caller;
            _depth = depth;
        }
    }

    private async ValueTask<object?> AcquireAsync(SharedCall call, CancellationToken cancellationToken)
    {
        call.CheckArity("blocking", "timeout");
        bool blocking = PyErrors.Truthy(call.Arg(0, "blocking", true));
        object? timeoutArg = call.Arg(1, "timeout", -1L);
        double timeout = timeoutArg is null ? -1 : PyErrors.Seconds(timeoutArg, "an integer or float");
        if (!blocking && timeout != -1)
        {
            throw PythonErrorException.ValueError("can't specify a timeout for a non-blocking call");
        }
        if (timeout < 0 && timeout != -1)
        {
            throw PythonErrorException.ValueError("timeout value must be a non-negative number");
        }
        lock (_gate)
        {
            if (Reentrant && _depth > 0 && ReferenceEquals(_owner, call.Caller))
            {
                _depth++;
                return true;
            }
        }
        TimeSpan? wait = !blocking ? TimeSpan.Zero : timeout == -1 ? null : PyErrors.Wait(timeout);
        bool got = wait is { } w ? await _mutex.WaitAsync(w, cancellationToken).ConfigureAwait(false)
            : await _mutex.WaitAsync(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        if (got)
        {
            lock (_gate)
            {
                _owner = call.Caller;
                _depth = 1;
            }
        }
        return got;
    }

    private void Release(SessionInfo caller, bool all)
    {
        lock (_gate)
        {
            if (_depth == 0)
            {
                throw PyErrors.RuntimeError(Reentrant ? "cannot release un-acquired lock" : "release unlocked lock");
            }
            if (Reentrant && !ReferenceEquals(_owner, caller))
            {
                throw PyErrors.RuntimeError("cannot release un-acquired lock");
            }
            _depth = all ? 0 : _depth - 1;
            if (_depth == 0)
            {
                _owner = null;
                _mutex.Release();
            }
        }
    }
}
