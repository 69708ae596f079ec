using System.Numerics;
using Factorizer.Pickle;

namespace Factorizer.Managers.Client;

/// <summary>
/// Converts between pickle values and the C# payload types of docs/protocol.md ("Values"):
/// a chunk (Python list of ints) ↔ <c>long[]</c>, <c>List&lt;long&gt;</c>, <c>BigInteger[]</c>; a result
/// (dict int → list of ints) ↔ <c>Dictionary&lt;long, long[]&gt;</c> or
/// <c>Dictionary&lt;BigInteger, BigInteger[]&gt;</c>; ints ↔ <c>long</c>/<c>int</c>/<c>BigInteger</c>;
/// <c>object?</c> gives the raw value. Anything else: <see cref="InvalidCastException"/> naming both types.
/// </summary>
public static class PyConvert
{
    /// <summary>The pickle value for <paramref name="value"/> (C# collections pickle as they are).</summary>
    public static object? FromValue<T>(T value) => value;

    /// <summary>Converts a received pickle value to <typeparamref name="T"/>.</summary>
    public static T ToValue<T>(object? value)
    {
        if (value is T same)
        {
            return same;
        }
        if (value is null && default(T) is null)
        {
            return default!; // None for a reference or nullable type
        }
        if (value is null && default(T) is null)
        {
            return default!; // None is null for object?, string?, arrays and other reference or Nullable<T> targets
        }
        object? converted = Type.GetTypeCode(typeof(T)) switch
        {
            TypeCode.Int64 => ToLong(value),
            TypeCode.Int32 => checked((int)ToLong(value)),
            TypeCode.UInt64 => checked((ulong)ToBig(value)),
            TypeCode.Double => value is long l ? (double)l : Fail<double>(value),
            _ => ConvertCollection(typeof(T), value),
        };
        return (T)converted!;
    }

    private static object ConvertCollection(Type target, object? value)
    {
        if (target == typeof(BigInteger))
        {
            return ToBig(value);
        }
        if (target == typeof(long[]))
        {
            return Items(value, target).Select(ToLong).ToArray();
        }
        if (target == typeof(List<long>))
        {
            return Items(value, target).Select(ToLong).ToList();
        }
        if (target == typeof(BigInteger[]))
        {
            return Items(value, target).Select(ToBig).ToArray();
        }
        if (target == typeof(List<BigInteger>))
        {
            return Items(value, target).Select(ToBig).ToList();
        }
        if (target == typeof(Dictionary<long, long[]>))
        {
            return Pairs(value, target).ToDictionary(p => ToLong(p.Key), p => Items(p.Value, target).Select(ToLong).ToArray());
        }
        if (target == typeof(Dictionary<BigInteger, BigInteger[]>))
        {
            return Pairs(value, target).ToDictionary(p => ToBig(p.Key), p => Items(p.Value, target).Select(ToBig).ToArray());
        }
        return Fail<object>(value, target);
    }

    /// <summary>
    /// The items of a Python list or tuple, or of a dict view as CPython's server sends one: a call of
    /// <c>builtins.list</c> on a list (<c>multiprocessing.reduction</c> registers the views that way), which
    /// the reader keeps inert.
    /// </summary>
    /// <exception cref="InvalidCastException"><paramref name="value"/> is none of these.</exception>
    public static IReadOnlyList<object?> Items(object? value) => value switch
    {
        List<object?> list => list,
        PyTuple tuple => tuple,
        PyObject { Module: "builtins", Name: "list", Args: [List<object?> list] } => list,
        _ => throw CannotConvert(value, typeof(IReadOnlyList<object?>)),
    };

    /// <summary>The exception for a received value that is not of the expected shape.</summary>
    public static InvalidCastException CannotConvert(object? value, Type target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new InvalidCastException($"cannot convert the Python value {PyRepr.Of(value, 60)} to {target.Name}");
    }

    private static IEnumerable<object?> Items(object? value, Type target) => value switch
    {
        List<object?> list => list,
        PyTuple tuple => tuple,
        _ => Fail<IEnumerable<object?>>(value, target),
    };

    private static IEnumerable<KeyValuePair<object, object?>> Pairs(object? value, Type target) =>
        value as Dictionary<object, object?> ?? Fail<Dictionary<object, object?>>(value, target);

    private static long ToLong(object? value) => value switch
    {
        long l => l,
        BigInteger big when big >= long.MinValue && big <= long.MaxValue => (long)big,
        BigInteger => throw new OverflowException("integer does not fit in 64 bits; use BigInteger"),
        _ => Fail<long>(value, typeof(long)),
    };

    private static BigInteger ToBig(object? value) => value switch
    {
        long l => l,
        BigInteger big => big,
        _ => Fail<BigInteger>(value, typeof(BigInteger)),
    };

    private static TResult Fail<TResult>(object? value, Type? target = null) =>
        throw CannotConvert(value, target ?? typeof(TResult));
}
