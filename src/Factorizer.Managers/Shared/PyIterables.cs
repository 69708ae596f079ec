using System.Numerics;
using Factorizer.Managers.Server;
using Factorizer.Pickle;

namespace Factorizer.Managers.Shared;

/// <summary>The items of a value a Python caller passed where an iterable goes (<c>list(x)</c>, <c>l.extend(x)</c>, <c>Array(tc, x)</c>).</summary>
internal static class PyIterables
{
    /// <summary>
    /// Lists, tuples, sets, a dict's keys, a <c>range</c> (pickled inert, expanded here, at most
    /// <see cref="PyErrors.MaxItems"/> items) and an <c>array.array</c>; a str is refused (its characters are
    /// rarely what was meant), anything else is Python's TypeError.
    /// </summary>
    public static IEnumerable<object?> Items(object? value) => value switch
    {
        string => throw PythonErrorException.TypeError("a str is not served as an iterable of characters"),
        IReadOnlyDictionary<object, object?> dict => dict.Keys,
        IEnumerable<object?> items => items,
        PyObject { Module: "builtins", Name: "range", Call: PyObjectCall.Reduce } range => Range(range.Args),
        PyObject array when ArrayTypeCode.TryReadArray(array, out _, out List<object?> items) => items,
        _ => throw PythonErrorException.TypeError($"'{PyErrors.TypeName(value)}' object is not iterable"),
    };

    private static List<object?> Range(PyTuple args)
    {
        if (args.Count is < 1 or > 3 || args.Any(a => a is not (long or BigInteger)))
        {
            throw PythonErrorException.TypeError("range() arguments must be ints");
        }
        BigInteger start = args.Count == 1 ? 0 : ToBig(args[0]);
        BigInteger stop = ToBig(args[args.Count == 1 ? 0 : 1]);
        BigInteger step = args.Count == 3 ? ToBig(args[2]) : 1;
        if (step.IsZero)
        {
            throw PythonErrorException.ValueError("range() arg 3 must not be zero");
        }
        BigInteger count = step.Sign > 0
            ? (stop > start ? (stop - start - 1) / step + 1 : 0)
            : (stop < start ? (start - stop - 1) / -step + 1 : 0);
        if (count > PyErrors.MaxItems)
        {
            throw PyErrors.MemoryError($"a range of more than {PyErrors.MaxItems} items is not expanded here");
        }
        var items = new List<object?>((int)count);
        for (BigInteger i = start, k = 0; k < count; k++, i += step)
        {
            items.Add(i >= long.MinValue && i <= long.MaxValue ? (object)(long)i : i);
        }
        return items;
    }

    private static BigInteger ToBig(object? value) => value is long l ? l : (BigInteger)value!;
}
