namespace Factorizer.Pickle;

/// <summary>
/// An inert Python object: what a pickle made by calling a global that is neither on the whitelist
/// (<see cref="PickleGlobals"/>) nor on the denylist (<see cref="PickleDenylist"/>), kept as data. Nothing
/// is looked up, imported or called: the reader records the global, the arguments it was called with, the
/// items APPENDS/SETITEMS added and the state BUILD gave, and the writer writes the same opcodes back, so a
/// Python consumer rebuilds an equal object (a <c>datetime.date</c>, a <c>Decimal</c>, a user's dataclass).
/// </summary>
/// <remarks>
/// Equality is structural: same global, call, arguments, keyword arguments, list and dict items and state,
/// containers compared by content (Python's own <c>==</c> of such objects is unknown here; two pickles of
/// equal values are equal). The hash covers the global and the scalar arguments only, so it never changes
/// when BUILD fills the state or items are added; an object used as a dict key or set member must not be
/// mutated afterwards, as with any C# key.
/// </remarks>
public sealed class PyObject : IEquatable<PyObject>
{
    private List<object?>? _listItems;
    private Dictionary<object, object?>? _dictItems;

    /// <summary>An object made by <paramref name="call"/> of <paramref name="type"/> with <paramref name="args"/>.</summary>
    public PyObject(PyGlobal type, PyObjectCall call, PyTuple args, IReadOnlyDictionary<object, object?>? kwargs = null)
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(args);
        if (call == PyObjectCall.NewObjEx != kwargs is not null)
        {
            throw new ArgumentException("keyword arguments go with NEWOBJ_EX, and only there", nameof(kwargs));
        }
        Type = type;
        Call = call;
        Args = args;
        Kwargs = kwargs;
    }

    /// <summary>The global that was called (a class, or a function such as <c>copyreg._reconstructor</c>).</summary>
    public PyGlobal Type { get; }

    /// <summary><c>module</c> of <see cref="Type"/>.</summary>
    public string Module => Type.Module;

    /// <summary>Qualified name of <see cref="Type"/>.</summary>
    public string Name => Type.Name;

    /// <summary>Which opcode made it.</summary>
    public PyObjectCall Call { get; }

    /// <summary>The positional arguments.</summary>
    public PyTuple Args { get; }

    /// <summary>The keyword arguments of NEWOBJ_EX; null otherwise.</summary>
    public IReadOnlyDictionary<object, object?>? Kwargs { get; }

    /// <summary>Whether BUILD gave a state (<see cref="State"/> may then still be None).</summary>
    public bool HasState { get; private set; }

    /// <summary>The BUILD state (often the instance <c>__dict__</c>, or a <c>(dict, slots)</c> tuple).</summary>
    public object? State { get; private set; }

    /// <summary>Items APPEND/APPENDS added (a list subclass, <c>deque</c> in some forms); empty when none.</summary>
    public List<object?> ListItems => _listItems ??= [];

    /// <summary>Items SETITEM/SETITEMS added (<c>OrderedDict</c>, dict subclasses); empty when none.</summary>
    public Dictionary<object, object?> DictItems => _dictItems ??= PyValues.NewDict();

    internal bool HasListItems => _listItems is { Count: > 0 };

    internal bool HasDictItems => _dictItems is { Count: > 0 };

    /// <summary>Sets the BUILD state, as the opcode does; returns this object.</summary>
    public PyObject WithState(object? state)
    {
        State = state;
        HasState = true;
        return this;
    }

    /// <summary>True when <paramref name="other"/> has the same global, call, arguments, items and state (by content).</summary>
    public bool Equals(PyObject? other) =>
        other is not null && (ReferenceEquals(this, other) || PyStructural.Equal(this, other, 0));

    public override bool Equals(object? obj) => obj is PyObject o && Equals(o);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Type);
        hash.Add(Call);
        hash.Add(Args.Count);
        foreach (object? arg in Args)
        {
            if (arg is null or bool or long or double or string or byte[] or System.Numerics.BigInteger)
            {
                hash.Add(PyEqualityComparer.Instance.GetHashCode(arg));
            }
        }
        return hash.ToHashCode();
    }

    /// <summary>A repr-like text: <c>module.name(args)</c>.</summary>
    public override string ToString() => $"{Type}{PyRepr.Of(Args)}";
}
