namespace Factorizer.Pickle;

/// <summary>
/// How the reader builds an instance of one whitelisted Python global, without running any Python:
/// each opcode that would call the global in CPython (REDUCE, NEWOBJ, BUILD) calls one of these
/// instead. The defaults refuse, so a class only accepts the shapes it overrides.
/// </summary>
public abstract class PyClass
{
    /// <summary>Module and name this entry answers to, for messages.</summary>
    public string QualifiedName { get; }

    protected PyClass(string qualifiedName) => QualifiedName = qualifiedName;

    /// <summary>REDUCE: <c>global(*args)</c>.</summary>
    public virtual object? Reduce(PyTuple args) =>
        throw new UnpicklingException($"{QualifiedName} cannot be called with REDUCE");

    /// <summary>NEWOBJ / NEWOBJ_EX: <c>cls.__new__(cls, *args, **kwargs)</c>.</summary>
    public virtual object? NewObject(PyTuple args, IReadOnlyDictionary<object, object?>? kwargs) =>
        throw new UnpicklingException($"{QualifiedName} cannot be created with NEWOBJ");

    /// <summary>BUILD on an instance this class made: returns the finished object (may be a new one).</summary>
    public virtual object? Build(object? instance, object? state) =>
        throw new UnpicklingException($"{QualifiedName} does not accept BUILD state");
}
