using Factorizer.Managers.Server;
using Factorizer.Pickle;

namespace Factorizer.Managers.Shared;

/// <summary>
/// SyncManager's <c>Semaphore(value=1)</c> and <c>BoundedSemaphore(value=1)</c> typeids: <c>acquire(blocking=True,
/// timeout=None)</c> and <c>release(n=1)</c>, as <c>threading.Semaphore</c>. A waiter holds no thread. A semaphore has
/// no owner (any connection may release), so, as in CPython, a connection that closes gives nothing back; an acquire
/// whose reply was lost is undone.
/// </summary>
public sealed class SharedSemaphore : ISharedObject
{
    private static readonly string[] Methods = ["acquire", "release"];

    private readonly SemaphoreSlim _count;
    private readonly Lock _releasing = new(); // serialises a bounded semaphore's check-then-release
    private readonly int _initial;
    private readonly string _typeName;

    /// <summary>Makes a semaphore of <paramref name="value"/>; a bounded one may never be released above it.</summary>
    public SharedSemaphore(int value, bool bounded)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        Bounded = bounded;
        _typeName = bounded ? "BoundedSemaphore" : "Semaphore";
        _initial = value;
        _count = new SemaphoreSlim(value, int.MaxValue);
    }

    /// <summary>True for a BoundedSemaphore.</summary>
    public bool Bounded { get; }

    /// <summary>The counter now (Python's <c>_value</c>).</summary>
    public int Value => _count.CurrentCount;

    /// <inheritdoc/>
    public IReadOnlyList<string> ExposedMethods => Methods;

    /// <summary>The factory for <c>Semaphore(value=1)</c> or <c>BoundedSemaphore(value=1)</c>.</summary>
    public static SharedObjectFactory Factory(bool bounded) => (args, kwargs) =>
    {
        var init = SharedCall.ForCreate(bounded ? "BoundedSemaphore" : "Semaphore", args, kwargs);
        init.CheckArity("value");
        object? value = init.Arg(0, "value", 1L);
        long count = PyErrors.Count(value, "semaphore values");
        if (count < 0)
        {
            throw PythonErrorException.ValueError("semaphore initial value must be >= 0");
        }
        if (count > int.MaxValue)
        {
            throw new PythonErrorException(PyException.Builtin("OverflowError", $"semaphore initial value must be at most {int.MaxValue} on this server"));
        }
        return new SharedSemaphore((int)count, bounded);
    };

    /// <inheritdoc/>
    public async ValueTask<object?> InvokeAsync(SharedCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        switch (call.Method)
        {
            case "acquire":
            {
                call.CheckArity("blocking", "timeout");
                bool blocking = PyErrors.Truthy(call.Arg(0, "blocking", true));
                object? timeout = call.Arg(1, "timeout", null);
                if (!blocking && timeout is not null)
                {
                    throw PythonErrorException.ValueError("can't specify timeout for non-blocking acquire");
                }
                TimeSpan? wait = !blocking ? TimeSpan.Zero : timeout is null ? null : PyErrors.Wait(PyErrors.Seconds(timeout, "a float"));
                return wait is { } w
                    ? await _count.WaitAsync(w, cancellationToken).ConfigureAwait(false)
                    : await _count.WaitAsync(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            case "release":
            {
                call.CheckArity("n");
                object? n = call.Arg(0, "n", 1L);
                long count = PyErrors.Count(n, "n");
                if (count < 1)
                {
                    throw PythonErrorException.ValueError("n must be one or more");
                }
                Release(count);
                return null;
            }
            default:
                throw PyErrors.NoMethod(_typeName, call.Method);
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
                Release(1);
            }
            catch (PythonErrorException)
            {
                // A bounded semaphore released by someone else meanwhile: already full.
            }
        }
        return ValueTask.CompletedTask;
    }

    private void Release(long n)
    {
        lock (_releasing)
        {
            // Acquirers only lower the count meanwhile, so the check stays true until the release.
            if (Bounded && _count.CurrentCount + n > _initial)
            {
                throw PythonErrorException.ValueError("Semaphore released too many times");
            }
            try
            {
                // SemaphoreSlim changes nothing when the count would pass its maximum.
                _count.Release(n > int.MaxValue ? int.MaxValue : (int)n);
            }
            catch (SemaphoreFullException)
            {
                throw new PythonErrorException(PyException.Builtin("OverflowError", $"a semaphore's value must stay at most {int.MaxValue} on this server"));
            }
        }
    }

    public override string ToString() => $"<threading.{_typeName} at value={Value}>";
}
