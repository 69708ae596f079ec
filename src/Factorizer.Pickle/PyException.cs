namespace Factorizer.Pickle;

/// <summary>
/// A Python exception instance as it travels in a pickle: its class (module and qualified name), its
/// <c>args</c>, and the optional instance <c>__dict__</c>. Nothing of Python runs to make one; the reader
/// builds it only for classes on the whitelist (<see cref="PickleGlobals"/>).
/// </summary>
/// <param name="Module">Module of the class, e.g. <c>builtins</c> or <c>queue</c>.</param>
/// <param name="Name">Qualified class name, e.g. <c>ValueError</c> or <c>Empty</c>.</param>
/// <param name="Args">The exception's <c>args</c> tuple.</param>
/// <param name="State">The instance <c>__dict__</c> when the pickle carried one; otherwise null.</param>
public sealed record PyException(string Module, string Name, PyTuple Args, IReadOnlyDictionary<object, object?>? State = null)
    : IPyReducible
{
    /// <summary><c>queue.Empty</c>, written the way every CPython 3.x can read it.</summary>
    public static PyException QueueEmpty() => new("queue", "Empty", PyTuple.Empty);

    /// <summary><c>queue.Full</c>.</summary>
    public static PyException QueueFull() => new("queue", "Full", PyTuple.Empty);

    /// <summary>A <c>builtins</c> exception such as <c>ValueError</c> with one message argument.</summary>
    public static PyException Builtin(string name, string message) => new("builtins", name, new PyTuple(message));

    /// <summary>True for <c>queue.Empty</c> (CPython 3.7+ sends it as <c>_queue.Empty</c>).</summary>
    public bool IsQueueEmpty => Name == "Empty" && Module is "queue" or "_queue" or "Queue";

    /// <summary>True for <c>queue.Full</c>.</summary>
    public bool IsQueueFull => Name == "Full" && Module is "queue" or "Queue";

    /// <summary>The text Python's <c>str(e)</c> gives: the single arg, the args tuple, or empty.</summary>
    public string Message => Args.Count switch
    {
        0 => "",
        1 => Args[0] is string s ? s : PyRepr.Of(Args[0]),
        _ => PyRepr.Of(Args),
    };

    /// <summary><c>module.Name</c>, e.g. <c>builtins.ValueError</c>.</summary>
    public string QualifiedName => $"{Module}.{Name}";

    public PyReduction ToReduction() => new(Module, Name, Args, UseNewObj: false, State: State);

    public override string ToString() => Args.Count == 0 ? QualifiedName : $"{QualifiedName}: {Message}";
}
