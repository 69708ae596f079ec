namespace Factorizer.Pickle;

/// <summary>
/// A whitelisted Python exception class: REDUCE (or NEWOBJ) with the args tuple makes a
/// <see cref="PyException"/>, and BUILD with a dict sets its <see cref="PyException.State"/>, which is how
/// <c>BaseException.__reduce__</c> pickles every exception. Register one for an application exception
/// class, e.g. <c>PickleGlobals.Default.With("multiprocessing.managers", "RemoteError",
/// new PyExceptionClass("multiprocessing.managers", "RemoteError"))</c>.
/// </summary>
public class PyExceptionClass : PyClass
{
    /// <summary>The class <paramref name="module"/>.<paramref name="name"/>.</summary>
    public PyExceptionClass(string module, string name) : base($"{module}.{name}")
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(name);
        Module = module;
        Name = name;
    }

    /// <summary>Module the made exceptions carry.</summary>
    public string Module { get; }

    /// <summary>Class name the made exceptions carry (unless <see cref="ClassNameFor"/> picks another).</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public override object? Reduce(PyTuple args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return new PyException(Module, ClassNameFor(args), args);
    }

    /// <inheritdoc/>
    public override object? NewObject(PyTuple args, IReadOnlyDictionary<object, object?>? kwargs)
    {
        if (kwargs is { Count: > 0 })
        {
            throw new UnpicklingException($"{QualifiedName} takes no keyword arguments");
        }
        return Reduce(args);
    }

    /// <summary>BUILD with the instance <c>__dict__</c> (merged into any earlier state), or None.</summary>
    public override object? Build(object? instance, object? state)
    {
        if (instance is not PyException exception)
        {
            throw new UnpicklingException($"{QualifiedName}: BUILD on something that is not an exception");
        }
        switch (state)
        {
            case null:
                return exception;
            case Dictionary<object, object?> dict:
                var merged = new Dictionary<object, object?>(PyEqualityComparer.Instance);
                foreach ((object key, object? value) in exception.State ?? new Dictionary<object, object?>())
                {
                    merged[key] = value;
                }
                foreach ((object key, object? value) in dict)
                {
                    merged[key] = value;
                }
                return exception with { State = merged };
            default:
                throw new UnpicklingException($"{QualifiedName}: BUILD state must be a dict or None, got {PyValues.TypeName(state)}");
        }
    }

    /// <summary>The class name for an instance made from <paramref name="args"/> (OSError picks a subclass by errno).</summary>
    protected virtual string ClassNameFor(PyTuple args) => Name;
}
