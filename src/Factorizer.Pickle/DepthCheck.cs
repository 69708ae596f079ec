using System.Collections;
using System.Collections.Frozen;

namespace Factorizer.Pickle;

/// <summary>
/// Measures how deeply a finished value nests, without recursion, for the rare pickle whose containers
/// grew after being put inside another (through the memo), where the reader's running count can fall
/// short. Cycles (legal in Python: a list that contains itself) are not followed twice.
/// </summary>
internal static class DepthCheck
{
    /// <summary>Throws when <paramref name="root"/> nests deeper than <paramref name="maxDepth"/>.</summary>
    public static void Verify(object? root, int maxDepth)
    {
        if (Children(root) is not { } rootChildren)
        {
            return;
        }
        var heights = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
        var onPath = new HashSet<object>(ReferenceEqualityComparer.Instance) { root! };
        var path = new Stack<Frame>();
        path.Push(new Frame(root!, rootChildren.GetEnumerator()));
        while (path.Count > 0)
        {
            Frame frame = path.Peek();
            if (frame.Children.MoveNext())
            {
                object? child = frame.Children.Current;
                if (child is null || onPath.Contains(child))
                {
                    continue;
                }
                if (heights.TryGetValue(child, out int known))
                {
                    frame.Best = Math.Max(frame.Best, known);
                }
                else if (Children(child) is { } grandChildren)
                {
                    if (path.Count >= maxDepth)
                    {
                        throw TooDeep(maxDepth);
                    }
                    onPath.Add(child);
                    path.Push(new Frame(child, grandChildren.GetEnumerator()));
                }
                continue;
            }
            path.Pop();
            onPath.Remove(frame.Node);
            int height = (int)frame.Best + 1;
            heights[frame.Node] = height;
            if (path.TryPeek(out Frame? parent))
            {
                parent.Best = Math.Max(parent.Best, height);
            }
        }
    }

    /// <summary>
    /// Throws when <paramref name="root"/> stands for more than <paramref name="maxValues"/> values with every
    /// shared reference counted each time it occurs (what a writer without a memo writes, and what deep
    /// equality visits). Each distinct node is walked once; a reference back into the path counts as one.
    /// </summary>
    public static void VerifyExpanded(object? root, long maxValues)
    {
        if (Children(root) is not { } rootChildren)
        {
            return;
        }
        var sizes = new Dictionary<object, long>(ReferenceEqualityComparer.Instance);
        var onPath = new HashSet<object>(ReferenceEqualityComparer.Instance) { root! };
        var path = new Stack<Frame>();
        path.Push(new Frame(root!, rootChildren.GetEnumerator()));
        while (path.Count > 0)
        {
            Frame frame = path.Peek();
            if (frame.Children.MoveNext())
            {
                object? child = frame.Children.Current;
                if (child is not null && !onPath.Contains(child) && !sizes.ContainsKey(child) && Children(child) is { } grandChildren)
                {
                    onPath.Add(child);
                    path.Push(new Frame(child, grandChildren.GetEnumerator()));
                    continue;
                }
                long size = child is not null && sizes.TryGetValue(child, out long known) ? known : 1;
                frame.Best = Add(frame.Best, size, maxValues);
                continue;
            }
            path.Pop();
            onPath.Remove(frame.Node);
            long total = Add(frame.Best, 1, maxValues);
            sizes[frame.Node] = total;
            if (path.TryPeek(out Frame? parent))
            {
                parent.Best = Add(parent.Best, total, maxValues);
            }
        }
    }

    private static long Add(long a, long b, long maxValues) =>
        a + b <= maxValues
            ? a + b
            : throw new UnpicklingException($"value would expand to more than {maxValues} values through shared references (MaxExpandedValues)");

    private static UnpicklingException TooDeep(int maxDepth) =>
        new($"containers nested more than {maxDepth} deep (MaxDepth)");

    private static IEnumerable? Children(object? value) => value switch
    {
        PyTuple or List<object?> or HashSet<object> or FrozenSet<object> => (IEnumerable)value,
        Dictionary<object, object?> dict => dict.Keys.Concat(dict.Values),
        PyException e => e.State is null ? e.Args : e.Args.Concat(e.State.Values),
        PyObject o => InertChildren(o),
        _ => null,
    };

    private static IEnumerable<object?> InertChildren(PyObject o)
    {
        IEnumerable<object?> children = o.Args;
        if (o.Kwargs is not null)
        {
            children = children.Concat(o.Kwargs.Keys).Concat(o.Kwargs.Values);
        }
        if (o.HasListItems)
        {
            children = children.Concat(o.ListItems);
        }
        if (o.HasDictItems)
        {
            children = children.Concat(o.DictItems.Keys).Concat(o.DictItems.Values);
        }
        return o.HasState ? children.Append(o.State) : children;
    }

    private sealed class Frame(object node, IEnumerator children)
    {
        public object Node { get; } = node;

        public IEnumerator Children { get; } = children;

        /// <summary>The deepest child so far (depth walk), or the sum of the children so far (expansion walk).</summary>
        public long Best { get; set; }
    }
}
