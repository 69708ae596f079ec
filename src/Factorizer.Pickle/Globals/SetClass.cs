namespace Factorizer.Pickle.Globals;

/// <summary>
/// <c>builtins.set</c> / <c>builtins.frozenset</c> called with no argument or one iterable (protocol 2
/// and 3 write a set as <c>set([items])</c>).
/// </summary>
internal sealed class SetClass(bool frozen) : PyClass(frozen ? "builtins.frozenset" : "builtins.set")
{
    public override object? Reduce(PyTuple args)
    {
        IEnumerable<object?> items = args.Count switch
        {
            0 => [],
            1 => Items(args[0]),
            _ => throw new UnpicklingException($"{QualifiedName} takes at most 1 argument ({args.Count} given)"),
        };
        if (frozen)
        {
            return PyValues.NewFrozenSet(items);
        }
        HashSet<object> set = PyValues.NewSet();
        foreach (object? item in items)
        {
            set.Add(PyValues.RequireKey(item, "set member"));
        }
        return set;
    }

    private IEnumerable<object?> Items(object? iterable) => iterable switch
    {
        List<object?> list => list,
        PyTuple tuple => tuple,
        HashSet<object> set => set,
        System.Collections.Frozen.FrozenSet<object> set => set,
        _ => throw new UnpicklingException($"{QualifiedName} needs a list, tuple or set, got {PyValues.TypeName(iterable)}"),
    };
}
