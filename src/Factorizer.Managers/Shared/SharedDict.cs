using Factorizer.Managers.Server;
using Factorizer.Pickle;

namespace Factorizer.Managers.Shared;

/// <summary>
/// SyncManager's <c>dict</c> typeid: a dict of pickle values with DictProxy's remote surface, keys compared
/// as Python compares them (<see cref="PyEqualityComparer"/>), insertion order kept. <c>keys</c>,
/// <c>values</c> and <c>items</c> answer lists; <c>__iter__</c> answers an <c>Iterator</c> proxy over the keys (#PROXY).
/// </summary>
public sealed class SharedDict : LockedSharedObject
{
    private static readonly string[] Methods =
        ["__contains__", "__delitem__", "__getitem__", "__iter__", "__len__", "__setitem__", "clear", "copy", "get", "items", "keys", "pop", "popitem", "setdefault", "update", "values"];

    private readonly OrderedDictionary<object, object?> _items = new(PyEqualityComparer.Instance);

    /// <summary>Makes a dict from <c>dict(*args, **kwargs)</c>'s arguments.</summary>
    public SharedDict(PyTuple args, IReadOnlyDictionary<string, object?> kwargs)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(kwargs);
        if (args.Count > 1)
        {
            throw PythonErrorException.TypeError($"dict expected at most 1 argument, got {args.Count}");
        }
        Update(args.Count == 1 ? args[0] : null, args.Count == 1, kwargs);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<string> ExposedMethods => Methods;

    /// <summary>A copy of the current entries, in order.</summary>
    public Dictionary<object, object?> Snapshot() => Read(Copy);

    /// <inheritdoc/>
    protected override object? CopyValue() => Copy();

    private Dictionary<object, object?> Copy() => new(_items, PyEqualityComparer.Instance);

    /// <summary>Python's repr of the dict (what <c>str(proxy)</c> shows).</summary>
    public override string ToString() => PyErrors.Repr(Snapshot());

    /// <inheritdoc/>
    protected override object? Invoke(SharedCall call)
    {
        switch (call.Method)
        {
            case "__len__":
                PyErrors.Positional(call, 0);
                return (long)_items.Count;
            case "__iter__":
            {
                PyErrors.Positional(call, 0);
                int size = _items.Count;
                return new ProxiedResult("Iterator", new SharedIterator("dict_keyiterator", [.. _items.Keys], () => SizeChanged(size)));
            }
            case "__contains__":
                PyErrors.Positional(call, 1);
                return _items.ContainsKey(PyErrors.Key(call.Args[0]));
            case "__getitem__":
            {
                PyErrors.Positional(call, 1);
                object key = PyErrors.Key(call.Args[0]);
                return _items.TryGetValue(key, out object? value) ? value : throw PyErrors.KeyError(key);
            }
            case "__setitem__":
                PyErrors.Positional(call, 2);
                _items[PyErrors.Key(call.Args[0])] = call.Args[1];
                return null;
            case "__delitem__":
            {
                PyErrors.Positional(call, 1);
                object key = PyErrors.Key(call.Args[0]);
                return _items.Remove(key) ? null : throw PyErrors.KeyError(key);
            }
            case "clear":
                PyErrors.Positional(call, 0);
                _items.Clear();
                return null;
            case "copy":
                PyErrors.Positional(call, 0);
                return new Dictionary<object, object?>(_items, PyEqualityComparer.Instance);
            case "keys":
                PyErrors.Positional(call, 0);
                return new List<object?>(_items.Keys);
            case "values":
                PyErrors.Positional(call, 0);
                return new List<object?>(_items.Values);
            case "items":
                PyErrors.Positional(call, 0);
                return _items.Select(e => (object?)new PyTuple(e.Key, e.Value)).ToList();
            case "get":
            {
                NoKeywords(call, 1, 2);
                object key = PyErrors.Key(call.Args[0]);
                return _items.TryGetValue(key, out object? value) ? value : call.Args.Count > 1 ? call.Args[1] : null;
            }
            case "setdefault":
            {
                NoKeywords(call, 1, 2);
                object key = PyErrors.Key(call.Args[0]);
                if (!_items.TryGetValue(key, out object? value))
                {
                    value = call.Args.Count > 1 ? call.Args[1] : null;
                    _items[key] = value;
                }
                return value;
            }
            case "pop":
            {
                NoKeywords(call, 1, 2);
                object key = PyErrors.Key(call.Args[0]);
                if (_items.Remove(key, out object? value))
                {
                    return value;
                }
                return call.Args.Count > 1 ? call.Args[1] : throw PyErrors.KeyError(key);
            }
            case "popitem":
            {
                PyErrors.Positional(call, 0);
                if (_items.Count == 0)
                {
                    throw PyErrors.KeyError("popitem(): dictionary is empty");
                }
                KeyValuePair<object, object?> last = _items.GetAt(_items.Count - 1);
                _items.RemoveAt(_items.Count - 1);
                return new PyTuple(last.Key, last.Value);
            }
            case "update":
                if (call.Args.Count > 1)
                {
                    throw PythonErrorException.TypeError($"update expected at most 1 argument, got {call.Args.Count}");
                }
                Update(call.Args.Count == 1 ? call.Args[0] : null, call.Args.Count == 1, call.Kwargs);
                return null;
            default:
                throw PyErrors.NoMethod("dict", call.Method);
        }
    }

    private PythonErrorException? SizeChanged(int size)
    {
        lock (Gate)
        {
            return _items.Count == size ? null : PyErrors.RuntimeError("dictionary changed size during iteration");
        }
    }

    private static void NoKeywords(SharedCall call, int min, int max)
    {
        if (call.Kwargs.Count > 0)
        {
            throw PythonErrorException.TypeError($"{call.Method}() takes no keyword arguments");
        }
        if (call.Args.Count < min || call.Args.Count > max)
        {
            throw PythonErrorException.TypeError($"{call.Method} expected at least {min} argument{(min == 1 ? "" : "s")} and at most {max}, got {call.Args.Count}");
        }
    }

    private void Update(object? source, bool hasSource, IReadOnlyDictionary<string, object?> kwargs)
    {
        if (hasSource)
        {
            switch (source)
            {
                case IReadOnlyDictionary<object, object?> dict:
                    foreach (KeyValuePair<object, object?> e in dict)
                    {
                        _items[e.Key] = e.Value;
                    }
                    break;
                case IEnumerable<object?> pairs when source is not string:
                    int index = 0;
                    foreach (object? pair in pairs)
                    {
                        IReadOnlyList<object?> kv = pair as PyTuple as IReadOnlyList<object?> ?? pair as List<object?>
                            ?? throw PythonErrorException.TypeError($"cannot convert dictionary update sequence element #{index} to a sequence");
                        if (kv.Count != 2)
                        {
                            throw PythonErrorException.ValueError($"dictionary update sequence element #{index} has length {kv.Count}; 2 is required");
                        }
                        _items[PyErrors.Key(kv[0])] = kv[1];
                        index++;
                    }
                    break;
                default:
                    throw PythonErrorException.TypeError($"'{PyErrors.TypeName(source)}' object is not iterable");
            }
        }
        foreach (KeyValuePair<string, object?> e in kwargs)
        {
            _items[e.Key] = e.Value;
        }
    }
}
