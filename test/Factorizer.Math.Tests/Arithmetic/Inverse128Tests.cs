using System.Numerics;
using Factorizer.Math.Wide;

namespace Factorizer.Math.Tests;

/// <summary>The binary extended Euclid behind ECM's curve set-up, against BigInteger.</summary>
public class Inverse128Tests
{
    [Fact]
    public void TryInvert_RandomOddModuli_MatchesBigIntegerOrReportsTheGcd()
    {
        var random = new Random(1281);
        var moduli = new List<UInt128> { 3, UInt128.MaxValue, (UInt128.One << 127) + 1, 3 * (UInt128)1_000_003 * 1_000_033 };
        for (int i = 0; i < 200; i++)
        {
            moduli.Add(new UInt128((ulong)random.NextInt64() >> random.Next(64), (ulong)random.NextInt64()) | 1);
        }
        foreach (UInt128 n in moduli.Where(m => m >= 3))
        {
            for (int i = 0; i < 20; i++)
            {
                UInt128 a = (new UInt128((ulong)random.NextInt64(), (ulong)random.NextInt64()) % (n - 1)) + 1;
                UInt128 inverse = Inverse128.TryInvert(a, n, out UInt128 gcd);
                BigInteger expectedGcd = BigInteger.GreatestCommonDivisor(a, n);
                Assert.Equal(expectedGcd, (BigInteger)gcd);
                if (expectedGcd.IsOne)
                {
                    Assert.Equal(BigInteger.One, (BigInteger)a * inverse % n);
                }
                else
                {
                    Assert.Equal(UInt128.Zero, inverse);
                }
            }
        }
    }
}
