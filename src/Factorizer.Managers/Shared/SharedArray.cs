using Factorizer.Managers.Server;
using Factorizer.Pickle;

namespace Factorizer.Managers.Shared;

/// <summary>
/// SyncManager's <c>Array(typecode, sequence, lock=True)</c> typeid: an <c>array.array</c> behind ArrayProxy's
/// <c>__len__ __getitem__ __setitem__</c>, items checked against the typecode as <c>array.array</c> checks them
/// (TypeError, OverflowError). An index may be a slice: reading one answers an <c>array.array</c>; assigning one
/// takes an <c>array.array</c> of the same typecode, as CPython's does, and (more lenient) a list or tuple too.
/// </summary>
public sealed class SharedArray : LockedSharedObject
{
    private static readonly string[] Methods = ["__getitem__", "__len__", "__setitem__"];

    private readonly ArrayTypeCode _typeCode;
    private readonly List<object?> _items;

    /// <summary>Makes an array from <c>Array(typecode, sequence, lock=True)</c>'s arguments.</summary>
    public SharedArray(PyTuple args, IReadOnlyDictionary<string, object?> kwargs)
    {
        var init = SharedCall.ForCreate("Array", args, kwargs);
        init.CheckArity("typecode", "sequence", "lock");
        _typeCode = ArrayTypeCode.Of(PyErrors.Required(init, 0, "typecode"));
        _items = Items(PyErrors.Required(init, 1, "sequence"));
    }

    /// <summary>The typecode, e.g. <c>i</c>.</summary>
    public string TypeCode => _typeCode.Code;

    /// <summary>A copy of the items (long, BigInteger for large unsigned, double, or one-character strings).</summary>
    public List<object?> Snapshot() => Read(() => new List<object?>(_items));

    /// <inheritdoc/>
    public override IReadOnlyList<string> ExposedMethods => Methods;

    /// <inheritdoc/>
    protected override object? CopyValue() => _typeCode.ToPickle(_items);

    /// <inheritdoc/>
    protected override object? Invoke(SharedCall call)
    {
        switch (call.Method)
        {
            case "__len__":
                PyErrors.Positional(call, 0);
                return (long)_items.Count;
            case "__getitem__":
                PyErrors.Positional(call, 1);
                return PySlice.TryRead(call.Args[0], out PySlice read) ? _typeCode.ToPickle(read.Select(_items))
                    : _items[Index(call.Args[0], "array index out of range")];
            case "__setitem__":
                PyErrors.Positional(call, 2);
                if (PySlice.TryRead(call.Args[0], out PySlice write))
                {
                    write.Assign(_items, SliceValues(call.Args[1]), "array");
                }
                else
                {
                    int i = Index(call.Args[0], "array assignment index out of range");
                    _items[i] = _typeCode.Item(call.Args[1]);
                }
                return null;
            default:
                throw PyErrors.NoMethod("array.array", call.Method);
        }
    }

    /// <summary>The initial items: an iterable of items, a str for a character typecode, bytes for a byte typecode.</summary>
    private List<object?> Items(object? sequence) => sequence switch
    {
        string text when _typeCode.Code is "u" or "w" => [.. text.EnumerateRunes().Select(r => (object?)r.ToString())],
        string => throw PythonErrorException.TypeError($"cannot use a str to initialize an array with typecode '{_typeCode.Code}'"),
        byte[] bytes when _typeCode.Code is "B" => [.. bytes.Select(b => (object?)(long)b)],
        byte[] bytes when _typeCode.Code is "b" => [.. bytes.Select(b => (object?)(long)(sbyte)b)],
        byte[] => throw PythonErrorException.TypeError($"a bytes initializer is served for typecodes 'b' and 'B' only, not '{_typeCode.Code}'"),
        _ => [.. PyIterables.Items(sequence).Select(_typeCode.Item)],
    };

    private List<object?> SliceValues(object? value)
    {
        if (value is PyObject pickled && ArrayTypeCode.TryReadArray(pickled, out ArrayTypeCode code, out List<object?> items))
        {
            return code.Code == _typeCode.Code ? items : throw PythonErrorException.TypeError("bad argument type for built-in operation");
        }
        return value is List<object?> or PyTuple ? [.. PyIterables.Items(value).Select(_typeCode.Item)]
            : throw PythonErrorException.TypeError($"can only assign array (not \"{PyErrors.TypeName(value)}\") to array slice");
    }

    private int Index(object? value, string outOfRange) =>
        PyErrors.ItemIndex(value is System.Numerics.BigInteger ? long.MaxValue : PyErrors.Int(value, "array indices"), _items.Count, outOfRange);

    public override string ToString()
    {
        lock (Gate)
        {
            return $"array('{_typeCode.Code}', {PyErrors.Repr(_items)})";
        }
    }
}
