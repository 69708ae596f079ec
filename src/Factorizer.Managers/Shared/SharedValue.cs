using Factorizer.Managers.Server;
using Factorizer.Pickle;

namespace Factorizer.Managers.Shared;

/// <summary>
/// SyncManager's <c>Value</c> typeid, <c>Value(typecode, value, lock=True)</c>: one pickle value behind
/// ValueProxy's <c>get</c> and <c>set</c> (its <c>value</c> property uses them). As in CPython, the typecode is
/// kept but not enforced.
/// </summary>
public sealed class SharedValue : LockedSharedObject
{
    private static readonly string[] Methods = ["get", "set"];

    private object? _value;

    /// <summary>Makes a value from <c>Value(typecode, value, lock=True)</c>'s arguments.</summary>
    public SharedValue(PyTuple args, IReadOnlyDictionary<string, object?> kwargs)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(kwargs);
        var init = SharedCall.ForCreate("Value", args, kwargs);
        init.CheckArity("typecode", "value", "lock");
        TypeCode = PyErrors.Required(init, 0, "typecode");
        _value = PyErrors.Required(init, 1, "value");
    }

    /// <summary>The typecode given at creation (e.g. <c>'i'</c>).</summary>
    public object? TypeCode { get; }

    /// <summary>The current value.</summary>
    public object? Value => Read(() => _value);

    /// <inheritdoc/>
    public override IReadOnlyList<string> ExposedMethods => Methods;

    /// <summary>A <c>multiprocessing.managers.Value</c> as CPython pickles one (NEWOBJ, then its <c>__dict__</c>).</summary>
    protected override object? CopyValue()
    {
        var state = new Dictionary<object, object?>(PyEqualityComparer.Instance);
        state["_typecode"] = TypeCode;
        state["_value"] = _value;
        return new PyObject(new PyGlobal("multiprocessing.managers", "Value"), PyObjectCall.NewObj, PyTuple.Empty).WithState(state);
    }

    /// <summary>Python's repr: <c>Value('i', 5)</c>.</summary>
    public override string ToString() => $"Value({PyErrors.Repr(TypeCode)}, {PyErrors.Repr(Value)})";

    /// <inheritdoc/>
    protected override object? Invoke(SharedCall call)
    {
        switch (call.Method)
        {
            case "get":
                call.CheckArity();
                return _value;
            case "set":
                call.CheckArity("value");
                _value = PyErrors.Required(call, 0, "value");
                return null;
            default:
                throw PyErrors.NoMethod("Value", call.Method);
        }
    }
}
