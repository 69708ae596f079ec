using Factorizer.Pickle;

namespace Factorizer.Managers.Client.Proxies;

/// <summary>Arguments as the proxies send them.</summary>
internal static class ProxyArgs
{
    /// <summary>A timeout as Python takes it: seconds, or None for forever (null or <see cref="Timeout.InfiniteTimeSpan"/>).</summary>
    public static object? Seconds(TimeSpan? timeout)
    {
        if (timeout is not { } t || t == Timeout.InfiniteTimeSpan)
        {
            return null;
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(t, TimeSpan.Zero, nameof(timeout));
        return t.TotalSeconds;
    }

    /// <summary>A Python dict of the converted pairs (keys compared as Python compares them).</summary>
    public static Dictionary<object, object?> Dict<TKey, TValue>(IEnumerable<KeyValuePair<TKey, TValue>> items)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(items);
        var dict = new Dictionary<object, object?>(PyEqualityComparer.Instance);
        foreach ((TKey key, TValue value) in items)
        {
            dict[PyConvert.FromValue<object>(key)!] = PyConvert.FromValue(value);
        }
        return dict;
    }

    /// <summary>A Python list of the converted items.</summary>
    public static List<object?> List<T>(IEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return [.. items.Select(item => PyConvert.FromValue(item))];
    }
}
