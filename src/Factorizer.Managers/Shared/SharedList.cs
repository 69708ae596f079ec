using Factorizer.Managers.Server;
using Factorizer.Pickle;

namespace Factorizer.Managers.Shared;

/// <summary>
/// SyncManager's <c>list</c> typeid: a list of pickle values with ListProxy's remote surface, items compared
/// as Python compares them (<see cref="PyEqualityComparer"/>). Indexes are ints or slices (with steps, assignment and
/// deletion); <c>sort</c> takes no <c>key</c> (Python code) and orders numbers, strs or bytes; <c>__reversed__</c> answers a list.
/// </summary>
public sealed class SharedList : LockedSharedObject
{
    private static readonly string[] Methods =
        ["__add__", "__contains__", "__delitem__", "__getitem__", "__imul__", "__len__", "__mul__", "__reversed__", "__rmul__", "__setitem__",
         "append", "count", "extend", "index", "insert", "pop", "remove", "reverse", "sort"];

    private readonly List<object?> _items = [];

    /// <summary>Makes a list from <c>list(iterable=())</c>'s arguments.</summary>
    public SharedList(PyTuple args, IReadOnlyDictionary<string, object?> kwargs)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(kwargs);
        if (kwargs.Count > 0)
        {
            throw PythonErrorException.TypeError("list() takes no keyword arguments");
        }
        if (args.Count > 1)
        {
            throw PythonErrorException.TypeError($"list expected at most 1 argument, got {args.Count}");
        }
        if (args.Count == 1)
        {
            _items.AddRange(Iterable(args[0]));
        }
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> ExposedMethods => Methods;

    /// <summary>A copy of the current items.</summary>
    public List<object?> Snapshot() => Read(Copy);

    /// <inheritdoc/>
    protected override object? CopyValue() => Copy();

    private List<object?> Copy() => [.. _items];

    /// <summary>Python's repr of the list (what <c>str(proxy)</c> shows).</summary>
    public override string ToString() => PyErrors.Repr(Snapshot());

    /// <inheritdoc/>
    protected override object? Invoke(SharedCall call)
    {
        switch (call.Method)
        {
            case "__len__":
                PyErrors.Positional(call, 0);
                return (long)_items.Count;
            case "__contains__":
                PyErrors.Positional(call, 1);
                return _items.Contains(call.Args[0], PyEqualityComparer.Instance);
            case "__getitem__":
                PyErrors.Positional(call, 1);
                return PySlice.TryRead(call.Args[0], out PySlice read) ? read.Select(_items)
                    : _items[Index(call.Args[0], "list index out of range")];
            case "__setitem__":
                PyErrors.Positional(call, 2);
                if (PySlice.TryRead(call.Args[0], out PySlice write))
                {
                    write.Assign(_items, [.. Iterable(call.Args[1])], "sequence");
                }
                else
                {
                    _items[Index(call.Args[0], "list assignment index out of range")] = call.Args[1];
                }
                return null;
            case "__delitem__":
                PyErrors.Positional(call, 1);
                if (PySlice.TryRead(call.Args[0], out PySlice delete))
                {
                    delete.Remove(_items);
                }
                else
                {
                    _items.RemoveAt(Index(call.Args[0], "list assignment index out of range"));
                }
                return null;
            case "__add__":
                PyErrors.Positional(call, 1);
                return call.Args[0] is List<object?> other ? (object)new List<object?>([.. _items, .. other])
                    : throw PythonErrorException.TypeError($"can only concatenate list (not \"{PyErrors.TypeName(call.Args[0])}\") to list");
            case "__mul__" or "__rmul__":
                PyErrors.Positional(call, 1);
                return Repeat(call.Args[0]);
            case "__imul__":
            {
                PyErrors.Positional(call, 1);
                List<object?> repeated = Repeat(call.Args[0]);
                _items.Clear();
                _items.AddRange(repeated);
                return new List<object?>(_items);
            }
            case "__reversed__":
                PyErrors.Positional(call, 0);
                return Enumerable.Reverse(_items).ToList();
            case "append":
                PyErrors.Positional(call, 1);
                _items.Add(call.Args[0]);
                return null;
            case "extend":
                PyErrors.Positional(call, 1);
                _items.AddRange(Iterable(call.Args[0]).ToList());
                return null;
            case "insert":
            {
                PyErrors.Positional(call, 2);
                long at = PyErrors.Int(call.Args[0], "list indices");
                at = at < 0 ? Math.Max(0, at + _items.Count) : Math.Min(at, _items.Count);
                _items.Insert((int)at, call.Args[1]);
                return null;
            }
            case "count":
                PyErrors.Positional(call, 1);
                return (long)_items.Count(x => PyEqualityComparer.Instance.Equals(x, call.Args[0]));
            case "index":
            {
                if (call.Kwargs.Count > 0 || call.Args.Count is < 1 or > 3)
                {
                    throw PythonErrorException.TypeError($"index expected between 1 and 3 positional arguments, got {call.Args.Count}");
                }
                int start = call.Args.Count > 1 ? Clamp(PyErrors.Int(call.Args[1], "slice indices")) : 0;
                int stop = call.Args.Count > 2 ? Clamp(PyErrors.Int(call.Args[2], "slice indices")) : _items.Count;
                for (int i = start; i < stop; i++)
                {
                    if (PyEqualityComparer.Instance.Equals(_items[i], call.Args[0]))
                    {
                        return (long)i;
                    }
                }
                throw PythonErrorException.ValueError($"{PyRepr.Of(call.Args[0])} is not in list");
            }
            case "remove":
            {
                PyErrors.Positional(call, 1);
                int i = _items.FindIndex(x => PyEqualityComparer.Instance.Equals(x, call.Args[0]));
                if (i < 0)
                {
                    throw PythonErrorException.ValueError("list.remove(x): x not in list");
                }
                _items.RemoveAt(i);
                return null;
            }
            case "pop":
            {
                if (call.Kwargs.Count > 0 || call.Args.Count > 1)
                {
                    throw PythonErrorException.TypeError($"pop expected at most 1 argument, got {call.Args.Count}");
                }
                if (_items.Count == 0)
                {
                    throw PyErrors.IndexError("pop from empty list");
                }
                int i = Index(call.Args.Count == 1 ? call.Args[0] : -1L, "pop index out of range");
                object? item = _items[i];
                _items.RemoveAt(i);
                return item;
            }
            case "reverse":
                PyErrors.Positional(call, 0);
                _items.Reverse();
                return null;
            case "sort":
                Sort(call);
                return null;
            default:
                throw PyErrors.NoMethod("list", call.Method);
        }
    }

    private int Index(object? value, string outOfRange) => PyErrors.ItemIndex(PyErrors.Int(value, "list indices"), _items.Count, outOfRange);

    private int Clamp(long i) => (int)(i < 0 ? Math.Max(0, i + _items.Count) : Math.Min(i, _items.Count));

    private List<object?> Repeat(object? times)
    {
        long n = PyErrors.Int(times, "sequence repeat counts");
        var result = new List<object?>();
        if (n > 0 && (long)_items.Count * n > PyErrors.MaxItems)
        {
            throw PyErrors.MemoryError($"a list of more than {PyErrors.MaxItems} items is not made here");
        }
        for (long k = 0; k < n; k++)
        {
            result.AddRange(_items);
        }
        return result;
    }

    private void Sort(SharedCall call)
    {
        if (call.Args.Count > 0)
        {
            throw PythonErrorException.TypeError("sort() takes no positional arguments");
        }
        call.CheckArity("key", "reverse");
        if (call.Arg(99, "key", null) is not null)
        {
            // The key is Python code (a function, a lambda does not even pickle), which this server cannot run.
            throw PyErrors.NotImplemented(
                "list.sort(key=...) is not served: the key is Python code, which this server cannot run; sort on the client instead: l[:] = sorted(l, key=...)");
        }
        bool reverse = PyErrors.Truthy(call.Arg(99, "reverse", false));
        Comparison<object?> compare = Compare;
        // Both stable, as Python's: a reverse sort keeps equal items in their original order.
        List<object?> sorted;
        try
        {
            sorted = reverse ? [.. _items.OrderDescending(Comparer<object?>.Create(compare))] : [.. _items.Order(Comparer<object?>.Create(compare))];
        }
        catch (InvalidOperationException e) when (e.InnerException is PythonErrorException error)
        {
            // The sort wraps a comparer's exception; the caller sees Python's TypeError, the list unchanged.
            throw error;
        }
        _items.Clear();
        _items.AddRange(sorted);
    }

    private static int Compare(object? x, object? y)
    {
        switch (x, y)
        {
            case (string a, string b):
                return string.CompareOrdinal(a, b);
            case (byte[] a, byte[] b):
                return a.AsSpan().SequenceCompareTo(b);
            default:
                if (Number(x) is { } p && Number(y) is { } q)
                {
                    return p.CompareTo(q);
                }
                throw PythonErrorException.TypeError($"'<' not supported between instances of '{PyErrors.TypeName(y)}' and '{PyErrors.TypeName(x)}'");
        }
    }

    private static double? Number(object? value) => value switch
    {
        bool b => b ? 1 : 0,
        long l => l,
        int i => i,
        double d => d,
        System.Numerics.BigInteger big => (double)big,
        _ => null,
    };

    private static IEnumerable<object?> Iterable(object? value) => PyIterables.Items(value);
}
