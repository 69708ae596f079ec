using System.Collections.Frozen;
using System.Numerics;

namespace Factorizer.Pickle.Tests;

public sealed class PyEqualityComparerTests
{
    private static readonly PyEqualityComparer Comparer = PyEqualityComparer.Instance;

    public static TheoryData<object, object> EqualPairs() => new()
    {
        { 1L, 1 },
        { 1L, BigInteger.One },
        { 1L, 1.0 },
        { true, 1L },
        { (byte)7, 7UL },
        { new byte[] { 1, 2 }, new byte[] { 1, 2 } },
        { new PyTuple(1L, "a"), new PyTuple(1, "a") },
        { new[] { 1L, 2L }.Cast<object>().ToFrozenSet(Comparer), new[] { 2L, 1L }.Cast<object>().ToFrozenSet(Comparer) },
        { BigInteger.Pow(2, 70), Math.Pow(2, 70) },
    };

    [Theory]
    [MemberData(nameof(EqualPairs))]
    public void Equals_PythonEqualValues_AreEqualWithEqualHashes(object x, object y)
    {
        Assert.True(Comparer.Equals(x, y));
        Assert.Equal(Comparer.GetHashCode(x), Comparer.GetHashCode(y));
    }

    [Fact]
    public void Equals_IntAndNearbyFloat_AreNotEqual()
    {
        // 2**53 + 1 rounds to 2**53 as a double; Python compares exactly.
        Assert.False(Comparer.Equals((1L << 53) + 1, (double)(1L << 53)));
        Assert.False(Comparer.Equals(1L, 1.5));
        Assert.False(Comparer.Equals(double.NaN, double.NaN));
    }
}
