using Factorizer.Managers.Server;
using Factorizer.Pickle;

namespace Factorizer.Managers.Shared;

/// <summary>SyncManager's <c>Event</c> typeid: <c>is_set set clear wait(timeout=None)</c>, as <c>threading.Event</c>.</summary>
public sealed class SharedEvent : ISharedObject
{
    private static readonly string[] Methods = ["clear", "is_set", "set", "wait"];

    private readonly Lock _gate = new();
    private TaskCompletionSource _set = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Makes a cleared event; <c>Event()</c> takes no arguments.</summary>
    public SharedEvent(PyTuple args, IReadOnlyDictionary<string, object?> kwargs)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(kwargs);
        if (args.Count + kwargs.Count > 0)
        {
            throw PythonErrorException.TypeError("Event() takes no arguments");
        }
    }

    /// <summary>Whether the event is set.</summary>
    public bool IsSet
    {
        get
        {
            lock (_gate)
            {
                return _set.Task.IsCompleted;
            }
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> ExposedMethods => Methods;

    /// <inheritdoc/>
    public async ValueTask<object?> InvokeAsync(SharedCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        switch (call.Method)
        {
            case "is_set":
                call.CheckArity();
                return IsSet;
            case "set":
                call.CheckArity();
                lock (_gate)
                {
                    _set.TrySetResult();
                }
                return null;
            case "clear":
                call.CheckArity();
                lock (_gate)
                {
                    if (_set.Task.IsCompleted)
                    {
                        _set = new(TaskCreationOptions.RunContinuationsAsynchronously);
                    }
                }
                return null;
            case "wait":
            {
                call.CheckArity("timeout");
                object? timeout = call.Arg(0, "timeout", null);
                TimeSpan? wait = timeout is null ? null : PyErrors.Wait(PyErrors.Seconds(timeout, "a float"));
                Task set;
                lock (_gate)
                {
                    set = _set.Task;
                }
                if (set.IsCompleted)
                {
                    return true;
                }
                if (wait is { } w)
                {
                    if (w == TimeSpan.Zero)
                    {
                        return false;
                    }
                    try
                    {
                        await set.WaitAsync(w, cancellationToken).ConfigureAwait(false);
                    }
                    catch (TimeoutException)
                    {
                        return IsSet;
                    }
                    return true;
                }
                await set.WaitAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
            default:
                throw PyErrors.NoMethod("Event", call.Method);
        }
    }
}
