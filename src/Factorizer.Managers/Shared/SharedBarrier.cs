using Factorizer.Managers.Server;
using Factorizer.Pickle;

namespace Factorizer.Managers.Shared;

/// <summary>
/// SyncManager's <c>Barrier(parties, action=None, timeout=None)</c> typeid: <c>wait(timeout=None)</c>, <c>reset</c>,
/// <c>abort</c>, and <c>parties</c>, <c>n_waiting</c>, <c>broken</c> through <c>__getattribute__</c>, as
/// <c>threading.Barrier</c>. <c>wait</c> answers the arrival index (0 … parties-1); a timeout, <c>abort</c> or
/// <c>reset</c> breaks it for those waiting (<c>threading.BrokenBarrierError</c>). A waiter holds no thread, and one
/// whose connection closes leaves the barrier rather than counting as arrived. An <c>action</c> is Python code and is
/// refused.
/// </summary>
public sealed class SharedBarrier : ISharedObject
{
    private static readonly string[] Methods = ["__getattribute__", "abort", "reset", "wait"];

    private readonly Lock _gate = new();
    private readonly List<TaskCompletionSource<long>> _waiting = []; // this round's waiters, in arrival order
    private readonly TimeSpan? _defaultTimeout;
    private bool _broken;

    /// <summary>Makes a barrier for <paramref name="parties"/> (at least 1); <paramref name="defaultTimeout"/> when a wait names none.</summary>
    public SharedBarrier(int parties, TimeSpan? defaultTimeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parties, 1);
        Parties = parties;
        _defaultTimeout = defaultTimeout;
    }

    /// <summary>How many must wait for the barrier to let them through.</summary>
    public int Parties { get; }

    /// <summary>How many wait now.</summary>
    public int WaitingCount
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Whether the barrier is broken (until <c>reset</c>).</summary>
    public bool IsBroken
    {
        get
        {
            lock (_gate)
            {
                return _broken;
            }
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> ExposedMethods => Methods;

    /// <summary>The factory for <c>Barrier(parties, action=None, timeout=None)</c>.</summary>
    public static SharedObjectFactory Factory { get; } = (args, kwargs) =>
    {
        var init = SharedCall.ForCreate("Barrier", args, kwargs);
        init.CheckArity("parties", "action", "timeout");
        object? partiesArg = PyErrors.Required(init, 0, "parties");
        long parties = PyErrors.Count(partiesArg, "parties");
        if (parties < 1)
        {
            throw PythonErrorException.ValueError("parties must be > 0");
        }
        if (parties > int.MaxValue)
        {
            throw new PythonErrorException(PyException.Builtin("OverflowError", $"parties must be at most {int.MaxValue} on this server"));
        }
        if (init.Arg(1, "action", null) is not null)
        {
            throw PyErrors.NotImplemented("Barrier(action=...) is not served: the action is Python code, which this server cannot run");
        }
        object? timeout = init.Arg(2, "timeout", null);
        return new SharedBarrier((int)parties, timeout is null ? null : PyErrors.Wait(PyErrors.Seconds(timeout, "a float")));
    };

    /// <inheritdoc/>
    public async ValueTask<object?> InvokeAsync(SharedCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        switch (call.Method)
        {
            case "wait":
            {
                call.CheckArity("timeout");
                object? timeout = call.Arg(0, "timeout", null);
                TimeSpan? wait = timeout is null ? _defaultTimeout : PyErrors.Wait(PyErrors.Seconds(timeout, "a float"));
                return await WaitAsync(wait, cancellationToken).ConfigureAwait(false);
            }
            case "reset":
                call.CheckArity();
                Break(brokenAfter: false);
                return null;
            case "abort":
                call.CheckArity();
                Break(brokenAfter: true);
                return null;
            case "__getattribute__":
                PyErrors.Positional(call, 1);
                return call.Args[0] switch
                {
                    "parties" => (long)Parties,
                    "n_waiting" => (long)WaitingCount,
                    "broken" => IsBroken,
                    string name => throw PyErrors.AttributeError($"'Barrier' object has no attribute '{name}' (served: parties, n_waiting, broken)"),
                    var other => throw PythonErrorException.TypeError($"attribute name must be string, not '{PyErrors.TypeName(other)}'"),
                };
            default:
                throw PyErrors.NoMethod("Barrier", call.Method);
        }
    }

    private async ValueTask<object?> WaitAsync(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var arrival = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_broken)
            {
                throw BrokenBarrier();
            }
            _waiting.Add(arrival);
            if (_waiting.Count == Parties)
            {
                // The last to arrive lets this round through; each learns its arrival index.
                for (int i = 0; i < _waiting.Count; i++)
                {
                    _waiting[i].TrySetResult(i);
                }
                _waiting.Clear();
            }
        }
        try
        {
            return await (timeout is { } t ? arrival.Task.WaitAsync(t, cancellationToken) : arrival.Task.WaitAsync(cancellationToken)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Python: a wait that times out breaks the barrier, for itself and everyone waiting.
            lock (_gate)
            {
                if (arrival.Task.IsCompletedSuccessfully)
                {
                    return arrival.Task.Result; // let through at the last moment
                }
                BreakLocked(brokenAfter: true);
            }
            throw BrokenBarrier();
        }
        catch (OperationCanceledException)
        {
            // The connection went away: it leaves this round instead of counting as arrived.
            lock (_gate)
            {
                _waiting.Remove(arrival);
            }
            throw;
        }
    }

    /// <summary>Fails this round's waiters with BrokenBarrierError; the barrier stays broken (abort) or starts afresh (reset).</summary>
    private void Break(bool brokenAfter)
    {
        lock (_gate)
        {
            BreakLocked(brokenAfter);
        }
    }

    /// <summary><see cref="Break"/> with <c>_gate</c> held.</summary>
    private void BreakLocked(bool brokenAfter)
    {
        foreach (TaskCompletionSource<long> waiter in _waiting)
        {
            waiter.TrySetException(BrokenBarrier());
        }
        _waiting.Clear();
        _broken = brokenAfter;
    }

    private static PythonErrorException BrokenBarrier() => new(new PyException("threading", "BrokenBarrierError", PyTuple.Empty));

    public override string ToString() => $"<threading.Barrier at parties={Parties}, n_waiting={WaitingCount}, broken={IsBroken}>";
}
