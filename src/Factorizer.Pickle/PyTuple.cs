using System.Collections;

namespace Factorizer.Pickle;

/// <summary>
/// A Python tuple: an immutable sequence with value equality, so it can be a dict key or set member
/// the way it can in Python. Lists come back as <see cref="List{T}"/> of <c>object?</c>; tuples as this.
/// </summary>
public sealed class PyTuple : IReadOnlyList<object?>, IEquatable<PyTuple>
{
    private readonly object?[] _items;

    /// <summary>The empty tuple <c>()</c>.</summary>
    public static PyTuple Empty { get; } = new();

    /// <summary>Makes a tuple of the given items (the array is copied).</summary>
    public PyTuple(params object?[] items) => _items = (object?[])items.Clone();

    private PyTuple(object?[] items, bool _) => _items = items;

    /// <summary>Wraps an array the caller will not touch again (no copy).</summary>
    internal static PyTuple Adopt(object?[] items) => items.Length == 0 ? Empty : new PyTuple(items, false);

    public object? this[int index] => _items[index];

    public int Count => _items.Length;

    public IEnumerator<object?> GetEnumerator() => ((IEnumerable<object?>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    public bool Equals(PyTuple? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }
        if (other is null || other.Count != Count)
        {
            return false;
        }
        long mine = Volatile.Read(ref _hash);
        long theirs = Volatile.Read(ref other._hash);
        if (mine != 0 && theirs != 0 && mine != theirs)
        {
            return false;
        }
        for (int i = 0; i < _items.Length; i++)
        {
            if (!PyEqualityComparer.Instance.Equals(_items[i], other._items[i]))
            {
                return false;
            }
        }
        return true;
    }

    public override bool Equals(object? obj) => obj is PyTuple t && Equals(t);

    // The hash, computed once (tagged in bit 32 so 0 means "not yet"; a long is read and written whole). A tuple
    // that shares nested tuples (a pickle's memo makes that cheap) would otherwise cost its whole expansion per hash.
    private long _hash;

    public override int GetHashCode()
    {
        long cached = Volatile.Read(ref _hash);
        if (cached != 0)
        {
            return (int)cached;
        }
        var hash = new HashCode();
        foreach (object? item in _items)
        {
            hash.Add(PyEqualityComparer.Instance.GetHashCode(item!));
        }
        int result = hash.ToHashCode();
        Volatile.Write(ref _hash, (1L << 32) | (uint)result);
        return result;
    }

    /// <summary>Python's repr-like text, for messages and debugging.</summary>
    public override string ToString() => PyRepr.Of(this);
}
