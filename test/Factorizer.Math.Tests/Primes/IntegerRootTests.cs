using System.Numerics;
using Factorizer.Math.Big;

namespace Factorizer.Math.Tests;

public class IntegerRootTests
{
    [Fact]
    public void Floor_AroundExactPowers_IsExactFloor()
    {
        var random = new Random(3);
        for (int i = 0; i < 500; i++)
        {
            int k = random.Next(2, 9);
            BigInteger r = TestNumbers.RandomBits(random, random.Next(2, 64));
            BigInteger power = BigInteger.Pow(r, k);
            Assert.Equal(r, IntegerRoot.Floor(power, k));
            Assert.Equal(r - 1, IntegerRoot.Floor(power - 1, k));
            Assert.Equal(r, IntegerRoot.Floor(power + 1, k));
        }
    }

    [Fact]
    public void TryPerfectPower_PowersAndNonPowers_DetectsOnlyPowers()
    {
        BigInteger p = (BigInteger.One << 89) - 1;
        Assert.True(IntegerRoot.TryPerfectPower(BigInteger.Pow(p, 6), 100, out BigInteger root, out int exponent));
        Assert.Equal((BigInteger.Pow(p, 3), 2), (root, exponent));
        Assert.True(IntegerRoot.TryPerfectPower(BigInteger.Pow(p, 5), 100, out root, out exponent));
        Assert.Equal((p, 5), (root, exponent));
        Assert.False(IntegerRoot.TryPerfectPower((p * p) + 2, 100, out _, out _));
        Assert.False(IntegerRoot.TryPerfectPower(p * ((BigInteger.One << 61) - 1), 100, out _, out _));
    }

    [Fact]
    public void IsSquare_SquaresAndNeighbours_Classified()
    {
        BigInteger p = (BigInteger.One << 127) - 1;
        Assert.True(IntegerRoot.IsSquare(p * p));
        Assert.False(IntegerRoot.IsSquare((p * p) - 1));
        Assert.False(IntegerRoot.IsSquare((p * p) + 1));
        Assert.True(IntegerRoot.IsSquare(0));
        Assert.True(IntegerRoot.IsSquare(1));
        Assert.False(IntegerRoot.IsSquare(2));
    }
}
