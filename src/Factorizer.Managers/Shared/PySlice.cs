using System.Numerics;
using Factorizer.Managers.Server;
using Factorizer.Pickle;

namespace Factorizer.Managers.Shared;

/// <summary>
/// A Python <c>slice(start, stop, step)</c> as it arrives on the wire (an inert <c>builtins.slice</c>, whose
/// arguments are ints or None), resolved against a length the way <c>slice.indices</c> does.
/// </summary>
internal readonly record struct PySlice(BigInteger? Start, BigInteger? Stop, BigInteger? Step)
{
    /// <summary>True when <paramref name="value"/> is a pickled slice; its parts must then be ints or None.</summary>
    public static bool TryRead(object? value, out PySlice slice)
    {
        slice = default;
        if (value is not PyObject { Module: "builtins", Name: "slice", Call: PyObjectCall.Reduce } obj)
        {
            return false;
        }
        if (obj.Args.Count is < 1 or > 3)
        {
            throw PythonErrorException.TypeError($"slice expected at least 1 argument and at most 3, got {obj.Args.Count}");
        }
        // slice(stop) has one argument; slice(start, stop[, step]) two or three.
        slice = obj.Args.Count == 1
            ? new PySlice(null, Part(obj.Args[0]), null)
            : new PySlice(Part(obj.Args[0]), Part(obj.Args[1]), obj.Args.Count > 2 ? Part(obj.Args[2]) : null);
        return true;
    }

    /// <summary>
    /// <c>slice.indices(length)</c> plus the number of items the slice selects: start, step, and count
    /// (the indexes are start, start + step, … count of them, all inside 0..length-1).
    /// </summary>
    public (int Start, int Step, int Count) Resolve(int length)
    {
        BigInteger step = Step ?? 1;
        if (step.IsZero)
        {
            throw PythonErrorException.ValueError("slice step cannot be zero");
        }
        bool back = step.Sign < 0;
        BigInteger lower = back ? -1 : 0;
        BigInteger upper = back ? length - 1 : length;
        BigInteger start = Start is { } s ? Clip(s, length, lower, upper) : back ? upper : lower;
        BigInteger stop = Stop is { } e ? Clip(e, length, lower, upper) : back ? lower : upper;
        BigInteger count = back
            ? (stop < start ? (start - stop - 1) / -step + 1 : 0)
            : (start < stop ? (stop - start - 1) / step + 1 : 0);
        // A step beyond the length selects at most one item; keep it in int range for the caller's loops.
        int smallStep = (int)BigInteger.Clamp(step, -(BigInteger)length - 1, (BigInteger)length + 1);
        return ((int)start, smallStep, (int)count);
    }

    /// <summary>The items the slice selects, in its order (<c>l[a:b:c]</c>).</summary>
    public List<object?> Select(List<object?> items)
    {
        (int start, int step, int count) = Resolve(items.Count);
        if (step == 1)
        {
            return items.GetRange(start, count);
        }
        var result = new List<object?>(count);
        for (int k = 0, i = start; k < count; k++, i += step)
        {
            result.Add(items[i]);
        }
        return result;
    }

    /// <summary>
    /// <c>l[a:b] = values</c> replaces the range by any number of values; an extended slice (a step other than 1)
    /// needs exactly as many values as it selects (<paramref name="what"/> names them in the error: sequence, array).
    /// </summary>
    public void Assign(List<object?> items, List<object?> values, string what)
    {
        (int start, int step, int count) = Resolve(items.Count);
        if (step == 1)
        {
            items.RemoveRange(start, count);
            items.InsertRange(start, values);
            return;
        }
        if (values.Count != count)
        {
            throw PythonErrorException.ValueError($"attempt to assign {what} of size {values.Count} to extended slice of size {count}");
        }
        for (int k = 0, i = start; k < count; k++, i += step)
        {
            items[i] = values[k];
        }
    }

    /// <summary><c>del l[a:b:c]</c>.</summary>
    public void Remove(List<object?> items)
    {
        (int start, int step, int count) = Resolve(items.Count);
        if (step == 1)
        {
            items.RemoveRange(start, count);
            return;
        }
        // Mark the selected indexes, then keep the rest in order (one pass, whatever the step's sign).
        var doomed = new bool[items.Count];
        for (int k = 0, i = start; k < count; k++, i += step)
        {
            doomed[i] = true;
        }
        int at = 0;
        items.RemoveAll(_ => doomed[at++]);
    }

    private static BigInteger Clip(BigInteger index, int length, BigInteger lower, BigInteger upper)
    {
        if (index.Sign < 0)
        {
            index += length;
        }
        return BigInteger.Clamp(index, lower, upper);
    }

    private static BigInteger? Part(object? value) => value switch
    {
        null => null,
        long l => l,
        bool b => b ? 1 : 0,
        BigInteger big => big,
        _ => throw PythonErrorException.TypeError("slice indices must be integers or None or have an __index__ method"),
    };
}
