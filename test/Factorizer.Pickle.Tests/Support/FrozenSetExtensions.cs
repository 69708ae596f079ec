using System.Collections.Frozen;

namespace Factorizer.Pickle.Tests.Support;

/// <summary>Shorthand for a frozenset of boxed values with Python equality.</summary>
public static class FrozenSetExtensions
{
    public static FrozenSet<object> ToFrozenSetOfObjects(this IEnumerable<object> items) => items.ToFrozenSet(PyEqualityComparer.Instance);
}
