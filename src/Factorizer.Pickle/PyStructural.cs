namespace Factorizer.Pickle;

/// <summary>
/// Equality by content for what an inert <see cref="PyObject"/> holds: lists, dicts and sets compare by
/// their items (C#'s own Equals of those is by reference), everything else as <see cref="PyEqualityComparer"/>.
/// </summary>
internal static class PyStructural
{
    // Values the reader makes nest at most MaxDepth (200) deep; a C#-built cycle stops here instead of
    // overflowing the stack.
    private const int MaxDepth = 1000;

    public static bool Equal(object? x, object? y, int depth)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }
        if (x is null || y is null)
        {
            return false;
        }
        if (depth > MaxDepth)
        {
            throw new InvalidOperationException($"values nested more than {MaxDepth} deep (or cyclic) cannot be compared");
        }
        switch (x)
        {
            case PyObject a when y is PyObject b:
                return a.Type.Equals(b.Type) && a.Call == b.Call && a.HasState == b.HasState
                    && Equal(a.Args, b.Args, depth + 1)
                    && Equal(a.Kwargs, b.Kwargs, depth + 1)
                    && Equal(a.State, b.State, depth + 1)
                    && a.HasListItems == b.HasListItems && (!a.HasListItems || Equal(a.ListItems, b.ListItems, depth + 1))
                    && a.HasDictItems == b.HasDictItems && (!a.HasDictItems || Equal(a.DictItems, b.DictItems, depth + 1));
            case PyTuple a when y is PyTuple b:
                return Sequences(a, b, depth);
            case List<object?> a when y is List<object?> b:
                return Sequences(a, b, depth);
            case IReadOnlyDictionary<object, object?> a when y is IReadOnlyDictionary<object, object?> b:
                if (a.Count != b.Count)
                {
                    return false;
                }
                foreach (KeyValuePair<object, object?> entry in a)
                {
                    if (!b.TryGetValue(entry.Key, out object? other) || !Equal(entry.Value, other, depth + 1))
                    {
                        return false;
                    }
                }
                return true;
            case HashSet<object> a when y is HashSet<object> b:
                return a.SetEquals(b);
            default:
                return PyEqualityComparer.Instance.Equals(x, y);
        }
    }

    private static bool Sequences(IReadOnlyList<object?> a, IReadOnlyList<object?> b, int depth)
    {
        if (a.Count != b.Count)
        {
            return false;
        }
        for (int i = 0; i < a.Count; i++)
        {
            if (!Equal(a[i], b[i], depth + 1))
            {
                return false;
            }
        }
        return true;
    }
}
