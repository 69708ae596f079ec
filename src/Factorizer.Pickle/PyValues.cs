using System.Collections.Frozen;
using System.Numerics;

namespace Factorizer.Pickle;

/// <summary>Small facts about pickle values shared by the reader and the standard globals.</summary>
internal static class PyValues
{
    /// <summary>A new dict with Python key equality.</summary>
    public static Dictionary<object, object?> NewDict() => new(PyEqualityComparer.Instance);

    /// <summary>A new set with Python member equality.</summary>
    public static HashSet<object> NewSet() => new(PyEqualityComparer.Instance);

    /// <summary>A frozenset of <paramref name="items"/>, each checked with <see cref="RequireKey"/>.</summary>
    public static FrozenSet<object> NewFrozenSet(IEnumerable<object?> items) =>
        items.Select(i => RequireKey(i, "frozenset member")).ToFrozenSet(PyEqualityComparer.Instance);

    /// <summary>
    /// Checks that <paramref name="value"/> can be a dict key or set member: Python refuses unhashable
    /// values (list, dict, set, or a tuple holding one), and C# collections cannot hold a null key.
    /// </summary>
    public static object RequireKey(object? value, string role)
    {
        if (value is null)
        {
            throw new UnpicklingException($"a {role} is None, which this reader cannot represent (C# collections have no null keys)");
        }
        if (UnhashablePart(value) is { } part)
        {
            throw new UnpicklingException($"unhashable type: '{TypeName(part)}' used as a {role}");
        }
        return value;
    }

    // Tuples are built bottom-up from finished items, so this recursion is bounded by the reader's depth limit.
    private static object? UnhashablePart(object value) => value switch
    {
        List<object?> or Dictionary<object, object?> or HashSet<object> => value,
        PyTuple t => t.Where(i => i is not null).Select(i => UnhashablePart(i!)).FirstOrDefault(p => p is not null),
        _ => null,
    };

    /// <summary>Python's name for the type of a value, for messages.</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "NoneType",
        bool => "bool",
        long or BigInteger => "int",
        double => "float",
        string => "str",
        byte[] => "bytes",
        PyTuple => "tuple",
        List<object?> => "list",
        Dictionary<object, object?> => "dict",
        HashSet<object> => "set",
        FrozenSet<object> => "frozenset",
        PyException e => e.QualifiedName,
        PyGlobal g => $"global {g}",
        PyObject o => o.Type.ToString(),
        System.Numerics.Complex => "complex",
        _ => value.GetType().Name,
    };
}
