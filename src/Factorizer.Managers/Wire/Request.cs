using Factorizer.Pickle;

namespace Factorizer.Managers.Wire;

/// <summary>
/// One request: <c>(ident, funcname, args, kwds)</c>. For control calls <see cref="Ident"/> is ignored
/// (CPython sends None); in the call loop it names the target object.
/// </summary>
/// <param name="Ident">Target object ident, or null.</param>
/// <param name="Method">Function or method name (Python's spelling).</param>
/// <param name="Args">Positional arguments.</param>
/// <param name="Kwargs">Keyword arguments (string keys).</param>
public sealed record Request(string? Ident, string Method, PyTuple Args, IReadOnlyDictionary<string, object?> Kwargs)
{
    private static readonly Dictionary<string, object?> NoKwargs = [];

    /// <summary>A request with positional arguments only.</summary>
    public static Request Of(string? ident, string method, params object?[] args) => new(ident, method, new PyTuple(args), NoKwargs);

    // The kwargs of most calls: pickled as an empty dict, never changed.
    private static readonly Dictionary<object, object?> NoPyKwargs = new(PyEqualityComparer.Instance);

    /// <summary>The pickle value: a 4-tuple with kwargs as a dict.</summary>
    public PyTuple ToValue()
    {
        if (Kwargs.Count == 0)
        {
            return new PyTuple(Ident, Method, Args, NoPyKwargs);
        }
        var kwargs = new Dictionary<object, object?>(PyEqualityComparer.Instance);
        foreach ((string k, object? v) in Kwargs)
        {
            kwargs[k] = v;
        }
        return new PyTuple(Ident, Method, Args, kwargs);
    }

    /// <summary>
    /// Parses a decoded request value; on a bad shape returns false with a Python-style error (CPython
    /// answers those with #TRACEBACK).
    /// </summary>
    public static bool TryParse(object? value, out Request? request, out string? error)
    {
        request = null;
        if (value is not PyTuple { Count: 4 } t)
        {
            error = value is PyTuple other
                ? $"ValueError: expected 4 values to unpack (got {other.Count})"
                : $"TypeError: cannot unpack non-sequence {PyRepr.Of(value, 60)}";
            return false;
        }
        if (t[0] is not (null or string) || t[1] is not string method)
        {
            error = "TypeError: request ident must be a str or None and the method name a str";
            return false;
        }
        PyTuple args = t[2] switch
        {
            PyTuple a => a,
            List<object?> list => new PyTuple([.. list]),
            _ => null!,
        };
        if (args is null)
        {
            error = "TypeError: request arguments must be a tuple";
            return false;
        }
        Dictionary<string, object?> kwargs = NoKwargs;
        if (t[3] is Dictionary<object, object?> { Count: > 0 } dict)
        {
            kwargs = new Dictionary<string, object?>(dict.Count);
            foreach ((object key, object? v) in dict)
            {
                if (key is not string name)
                {
                    error = "TypeError: keywords must be strings";
                    return false;
                }
                kwargs[name] = v;
            }
        }
        else if (t[3] is not (null or Dictionary<object, object?>))
        {
            error = "TypeError: request keywords must be a dict";
            return false;
        }
        request = new Request((string?)t[0], method, args, kwargs);
        error = null;
        return true;
    }
}
