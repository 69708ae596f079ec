using System.Collections.Frozen;
using System.Numerics;
using Xunit.Sdk;

namespace Factorizer.Pickle.Tests.Support;

/// <summary>
/// Deep, type-strict comparison of a read value with an expected one from <see cref="PythonLiteral"/>:
/// an int must come back as long (BigInteger only beyond the long range), True as bool, a tuple as
/// PyTuple, dict order as inserted, and so on. A <see cref="PythonCall"/> expects an exception of that name.
/// </summary>
public static class ValueAssert
{
    public static void Equal(object? expected, object? actual) => Compare(expected, actual, "value");

    private static void Compare(object? expected, object? actual, string path)
    {
        switch (expected)
        {
            case null:
                Check(actual is null, path, expected, actual);
                break;
            case double d:
                Check(actual is double a && (double.IsNaN(d) ? double.IsNaN(a) : BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(d)), path, expected, actual);
                break;
            case bool or long or BigInteger or string or TestToken:
                Check(actual is not null && actual.GetType() == expected.GetType() && actual.Equals(expected), path, expected, actual);
                break;
            case byte[] bytes:
                Check(actual is byte[] b && b.AsSpan().SequenceEqual(bytes), path, expected, actual);
                break;
            case PyTuple tuple:
                Check(actual is PyTuple t && t.Count == tuple.Count, path, expected, actual);
                Items(tuple, (PyTuple)actual!, path);
                break;
            case List<object?> list:
                Check(actual is List<object?> l && l.Count == list.Count, path, expected, actual);
                Items(list, (List<object?>)actual!, path);
                break;
            case Dictionary<object, object?> dict:
                Dict(dict, actual, path);
                break;
            case HashSet<object> set:
                Check(actual is HashSet<object> s && s.Comparer == PyEqualityComparer.Instance && s.SetEquals(set), path, expected, actual);
                break;
            case FrozenSet<object> frozen:
                Check(actual is FrozenSet<object> f && f.Count == frozen.Count && frozen.All(f.Contains), path, expected, actual);
                break;
            case PythonCall call:
                Check(actual is PyException e && e.Name == call.ShortName && call.Kwargs.Count == 0, path, expected, actual);
                Items(call.Args, ((PyException)actual!).Args, path + ".args");
                break;
            default:
                throw new InvalidOperationException($"no comparison for {expected.GetType()}");
        }
    }

    private static void Dict(Dictionary<object, object?> dict, object? actual, string path)
    {
        Check(actual is Dictionary<object, object?> d && d.Count == dict.Count && d.Comparer == PyEqualityComparer.Instance, path, dict, actual);
        var pairs = ((Dictionary<object, object?>)actual!).ToList();
        int i = 0;
        foreach ((object key, object? value) in dict)
        {
            Compare(key, pairs[i].Key, $"{path} key #{i}");
            Compare(value, pairs[i].Value, $"{path}[{PyRepr.Of(key)}]");
            i++;
        }
    }

    private static void Items(IReadOnlyList<object?> expected, IReadOnlyList<object?> actual, string path)
    {
        Check(expected.Count == actual.Count, path, expected, actual);
        for (int i = 0; i < expected.Count; i++)
        {
            Compare(expected[i], actual[i], $"{path}[{i}]");
        }
    }

    private static void Check(bool ok, string path, object? expected, object? actual)
    {
        if (!ok)
        {
            throw new XunitException($"{path}: expected {Describe(expected)}, got {Describe(actual)}");
        }
    }

    private static string Describe(object? value) => value is null ? "None" : $"{PyRepr.Of(value)} ({value.GetType().Name})";
}
