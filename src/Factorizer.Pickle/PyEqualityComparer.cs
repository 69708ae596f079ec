using System.Collections.Frozen;
using System.Numerics;

namespace Factorizer.Pickle;

/// <summary>
/// Python's equality for dict keys and set members: numbers compare by value whatever their C# type
/// (1 == 1L == BigInteger.One == 1.0, True == 1; an int equals a float only when exactly equal), bytes,
/// tuples and frozensets by content, everything else by Equals.
/// </summary>
public sealed class PyEqualityComparer : IEqualityComparer<object?>
{
    /// <summary>The one instance.</summary>
    public static PyEqualityComparer Instance { get; } = new();

    private PyEqualityComparer() { }

    public new bool Equals(object? x, object? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }
        if (x is null || y is null)
        {
            return false;
        }
        if (TryInteger(x, out BigInteger a) && TryInteger(y, out BigInteger b))
        {
            return a == b;
        }
        if (IsNumber(x) && IsNumber(y))
        {
            return NumbersEqual(x, y);
        }
        if (x is byte[] bx && y is byte[] by)
        {
            return bx.AsSpan().SequenceEqual(by);
        }
        if (x is FrozenSet<object> fx && y is FrozenSet<object> fy)
        {
            return fx.Count == fy.Count && fx.All(item => fy.Contains(item));
        }
        return x.Equals(y);
    }

    public int GetHashCode(object? obj)
    {
        switch (obj)
        {
            case null:
                return 0;
            case long l:
                return l.GetHashCode();
            case FrozenSet<object> set:
                // Order-independent, like Python's frozenset hash.
                return set.Aggregate(set.Count, (sum, item) => unchecked(sum + GetHashCode(item)));
            case byte[] bytes:
            {
                var hash = new HashCode();
                hash.AddBytes(bytes);
                return hash.ToHashCode();
            }
            case double d when d == Math.Floor(d) && !double.IsInfinity(d):
                return new BigInteger(d) is var bd && bd >= long.MinValue && bd <= long.MaxValue ? ((long)bd).GetHashCode() : bd.GetHashCode();
            default:
                if (TryInteger(obj, out BigInteger big))
                {
                    return big >= long.MinValue && big <= long.MaxValue ? ((long)big).GetHashCode() : big.GetHashCode();
                }
                return obj.GetHashCode();
        }
    }

    /// <summary>True for any C# integer type or bool (Python's bool is an int), with its value.</summary>
    public static bool TryInteger(object value, out BigInteger result)
    {
        switch (value)
        {
            case long v: result = v; return true;
            case int v: result = v; return true;
            case BigInteger v: result = v; return true;
            case bool v: result = v ? BigInteger.One : BigInteger.Zero; return true;
            case ulong v: result = v; return true;
            case uint v: result = v; return true;
            case short v: result = v; return true;
            case ushort v: result = v; return true;
            case byte v: result = v; return true;
            case sbyte v: result = v; return true;
            case Int128 v: result = v; return true;
            case UInt128 v: result = v; return true;
            default: result = default; return false;
        }
    }

    private static bool IsNumber(object value) => value is double or float || TryInteger(value, out _);

    // One side is a float: Python compares an int with a float exactly, not by rounding the int.
    private static bool NumbersEqual(object x, object y)
    {
        double dx = ToDouble(x);
        double dy = ToDouble(y);
        if (TryInteger(x, out BigInteger ix))
        {
            return IsIntegral(dy) && ix == new BigInteger(dy);
        }
        if (TryInteger(y, out BigInteger iy))
        {
            return IsIntegral(dx) && iy == new BigInteger(dx);
        }
        return dx == dy;
    }

    private static bool IsIntegral(double d) => double.IsFinite(d) && d == Math.Floor(d);

    private static double ToDouble(object value) => value switch
    {
        double d => d,
        float f => f,
        _ => double.NaN,
    };
}
