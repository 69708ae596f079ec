using Factorizer.Managers.Server;
using Factorizer.Pickle;

namespace Factorizer.Managers.Shared;

/// <summary>
/// SyncManager's <c>Namespace</c> typeid: attributes as pickle values, served as NamespaceProxy calls them
/// (<c>__getattribute__ __setattr__ __delattr__</c>).
/// </summary>
public sealed class SharedNamespace : LockedSharedObject
{
    private static readonly string[] Methods = ["__delattr__", "__getattribute__", "__setattr__"];

    private readonly Dictionary<string, object?> _attributes = new(StringComparer.Ordinal);

    /// <summary>Makes a namespace from <c>Namespace(**kwds)</c>'s arguments.</summary>
    public SharedNamespace(PyTuple args, IReadOnlyDictionary<string, object?> kwargs)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(kwargs);
        if (args.Count > 0)
        {
            throw PythonErrorException.TypeError($"Namespace.__init__() takes 1 positional argument but {args.Count + 1} were given");
        }
        foreach (KeyValuePair<string, object?> e in kwargs)
        {
            _attributes[e.Key] = e.Value;
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> ExposedMethods => Methods;

    /// <summary>A copy of the attributes.</summary>
    public Dictionary<string, object?> Snapshot() => Read(() => new Dictionary<string, object?>(_attributes, StringComparer.Ordinal));

    /// <summary>A <c>multiprocessing.managers.Namespace</c> as CPython pickles one (NEWOBJ, then its <c>__dict__</c>).</summary>
    protected override object? CopyValue()
    {
        var state = new Dictionary<object, object?>(PyEqualityComparer.Instance);
        foreach (KeyValuePair<string, object?> e in _attributes)
        {
            state[e.Key] = e.Value;
        }
        return new PyObject(new PyGlobal("multiprocessing.managers", "Namespace"), PyObjectCall.NewObj, PyTuple.Empty).WithState(state);
    }

    /// <summary>Python's repr: <c>Namespace(x=1, y='two')</c>, public names sorted.</summary>
    public override string ToString() =>
        "Namespace(" + string.Join(", ", Snapshot().Where(e => !e.Key.StartsWith('_')).Select(e => $"{e.Key}={PyErrors.Repr(e.Value)}").Order(StringComparer.Ordinal)) + ")";

    /// <inheritdoc/>
    protected override object? Invoke(SharedCall call)
    {
        switch (call.Method)
        {
            case "__getattribute__":
            {
                PyErrors.Positional(call, 1);
                string name = Name(call.Args[0]);
                return _attributes.TryGetValue(name, out object? value) ? value : throw Missing(name);
            }
            case "__setattr__":
                PyErrors.Positional(call, 2);
                _attributes[Name(call.Args[0])] = call.Args[1];
                return null;
            case "__delattr__":
            {
                PyErrors.Positional(call, 1);
                string name = Name(call.Args[0]);
                return _attributes.Remove(name) ? null : throw PyErrors.AttributeError(name);
            }
            default:
                throw PyErrors.NoMethod("Namespace", call.Method);
        }
    }

    private static string Name(object? value) => value as string
        ?? throw PythonErrorException.TypeError($"attribute name must be string, not '{PyErrors.TypeName(value)}'");

    private static PythonErrorException Missing(string name) => PyErrors.AttributeError($"'Namespace' object has no attribute '{name}'");
}
