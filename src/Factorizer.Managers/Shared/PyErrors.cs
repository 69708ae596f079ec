using Factorizer.Managers.Server;
using Factorizer.Pickle;

namespace Factorizer.Managers.Shared;

/// <summary>Python exceptions and argument checks shared by the SyncManager types.</summary>
internal static class PyErrors
{
    /// <summary>
    /// The most items a call may make a new sequence of (<c>l * n</c>): beyond it
    /// the caller gets <c>MemoryError</c>, so one request cannot make the server allocate without bound.
    /// </summary>
    public const int MaxItems = 1 << 24;

    public static PythonErrorException KeyError(object? key) => new(new PyException("builtins", "KeyError", new PyTuple(key)));

    public static PythonErrorException IndexError(string message) => new(PyException.Builtin("IndexError", message));

    public static PythonErrorException AttributeError(string message) => new(PyException.Builtin("AttributeError", message));

    public static PythonErrorException RuntimeError(string message) => new(PyException.Builtin("RuntimeError", message));

    public static PythonErrorException NotImplemented(string message) => new(PyException.Builtin("NotImplementedError", message));

    public static PythonErrorException MemoryError(string message) => new(PyException.Builtin("MemoryError", message));

    public static PythonErrorException NoMethod(string type, string method) => AttributeError($"'{type}' object has no attribute '{method}'");

    /// <summary>A required parameter, positional or keyword.</summary>
    public static object? Required(SharedCall call, int position, string name)
    {
        if (position >= call.Args.Count && !call.Kwargs.ContainsKey(name))
        {
            throw PythonErrorException.TypeError($"{call.Method}() missing required argument '{name}' (pos {position + 1})");
        }
        return call.Arg(position, name, null);
    }

    /// <summary>Exactly <paramref name="count"/> positional arguments and no keywords (a slot method).</summary>
    public static void Positional(SharedCall call, int count)
    {
        if (call.Kwargs.Count > 0)
        {
            throw PythonErrorException.TypeError($"{call.Method}() takes no keyword arguments");
        }
        if (call.Args.Count != count)
        {
            throw PythonErrorException.TypeError($"{call.Method}() takes exactly {count} argument{(count == 1 ? "" : "s")} ({call.Args.Count} given)");
        }
    }

    /// <summary>A hashable key (None cannot be one here: C# collections have no null keys).</summary>
    public static object Key(object? value)
    {
        return value switch
        {
            null => throw PythonErrorException.TypeError("None cannot be a key here (C# collections have no null keys)"),
            List<object?> or Dictionary<object, object?> or HashSet<object?> or HashSet<object> => throw PythonErrorException.TypeError($"unhashable type: '{TypeName(value)}'"),
            PyTuple tuple => tuple.All(item => item is null || Key(item) is not null) ? tuple : tuple,
            _ => value,
        };
    }

    /// <summary>Python's repr of a value for <c>str(proxy)</c>, cut at a megabyte of text.</summary>
    public static string Repr(object? value) => PyRepr.Of(value, maxLength: 1 << 20);

    /// <summary>Python's name for an argument's type, for error messages.</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "NoneType",
        bool => "bool",
        long or int or System.Numerics.BigInteger => "int",
        double => "float",
        string => "str",
        byte[] => "bytes",
        PyTuple => "tuple",
        List<object?> => "list",
        Dictionary<object, object?> => "dict",
        HashSet<object?> or HashSet<object> => "set",
        PyObject inert => inert.Name,
        PyGlobal global => global.Name.Contains('.', StringComparison.Ordinal) || char.IsLower(global.Name[0]) ? "function" : "type",
        _ => value.GetType().Name,
    };

    /// <summary>Index <paramref name="i"/> of a sequence of <paramref name="count"/> items, negative counting from the end, as Python resolves it.</summary>
    public static int ItemIndex(long i, int count, string outOfRange)
    {
        if (i < 0)
        {
            i += count;
        }
        return i >= 0 && i < count ? (int)i : throw IndexError(outOfRange);
    }

    /// <summary>A Python int that fits a long (bool counts, as in Python).</summary>
    public static long Int(object? value, string what) => value switch
    {
        long l => l,
        int i => i,
        bool b => b ? 1 : 0,
        System.Numerics.BigInteger big when big >= long.MinValue && big <= long.MaxValue => (long)big,
        System.Numerics.BigInteger => throw IndexError($"cannot fit 'int' into an index-sized integer"),
        _ => throw PythonErrorException.TypeError($"{what} must be integers, not {TypeName(value)}"),
    };

    /// <summary>
    /// A Python int as a count, clamped to the long range (beyond it only its sign matters to a caller that checks
    /// its own bounds: <c>Semaphore(10**30)</c> is too large, <c>Semaphore(-10**30)</c> negative).
    /// </summary>
    public static long Count(object? value, string what) => value switch
    {
        System.Numerics.BigInteger big => big.Sign < 0 ? long.MinValue : long.MaxValue,
        _ => Int(value, what),
    };

    /// <summary>Seconds as a double (int or float).</summary>
    public static double Seconds(object? value, string what) => value switch
    {
        double d => d,
        long l => l,
        int i => i,
        bool b => b ? 1 : 0,
        System.Numerics.BigInteger big => (double)big,
        _ => throw PythonErrorException.TypeError($"'{TypeName(value)}' object cannot be interpreted as {what}"),
    };

    /// <summary>Python truthiness for the simple values an argument can be.</summary>
    public static bool Truthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        int i => i != 0,
        double d => d != 0,
        string s => s.Length > 0,
        _ => true,
    };

    /// <summary>A wait of <paramref name="seconds"/> as a timer can take it; null for forever.</summary>
    public static TimeSpan? Wait(double seconds)
    {
        if (double.IsNaN(seconds))
        {
            throw PythonErrorException.ValueError("timeout is NaN");
        }
        if (seconds <= 0)
        {
            return TimeSpan.Zero;
        }
        // Beyond what a timer takes (about 49 days) is as good as forever.
        return seconds >= 4_000_000 ? null : TimeSpan.FromSeconds(seconds);
    }
}
