using System.Numerics;
using Factorizer.Math.Wide;

namespace Factorizer.Math.Tests;

/// <summary>ECM on 128-bit Montgomery arithmetic: the factors it returns divide, across factor sizes.</summary>
public class EcmTests
{
    [Theory]
    [InlineData(20, 100)]
    [InlineData(32, 64)]
    [InlineData(32, 90)]
    [InlineData(40, 80)]
    [InlineData(48, 60)]
    public void FindFactor_ProductsOfTwoPrimes_ReturnsOneOfThem(int smallBits, int largeBits)
    {
        var random = new Random((smallBits * 1000) + largeBits);
        for (int i = 0; i < 5; i++)
        {
            BigInteger p = TestNumbers.RandomPrime(random, smallBits);
            BigInteger q = largeBits > 64 ? NextPrime(((BigInteger)TestNumbers.RandomBits(random, largeBits - 40) << 40) + 1) : TestNumbers.RandomPrime(random, largeBits);
            var n = (UInt128)(p * q);
            UInt128 d = Ecm128.FindFactor(n, Ecm128Plan.Levels.Length - 1, CancellationToken.None);
            Assert.True(d == p || d == q, $"ECM returned {d} for {p} x {q}");
        }
    }

    [Fact]
    public void FindFactor_ThreeThirtyTwoBitPrimes_ReturnsAProperDivisor()
    {
        var random = new Random(96);
        for (int i = 0; i < 20; i++)
        {
            var n = (UInt128)TestNumbers.RandomPrime(random, 32) * TestNumbers.RandomPrime(random, 32) * TestNumbers.RandomPrime(random, 32);
            UInt128 d = Ecm128.FindFactor(n, Ecm128Plan.Levels.Length - 1, CancellationToken.None);
            Assert.True(d > 1 && d < n && n % d == 0, $"ECM returned {d} for {n}");
        }
    }

    [Fact]
    public void FindFactor_LevelsTooLowForTheFactors_ReturnsZero()
    {
        // Two ~63-bit primes: the first level (B1 = 85, a handful of curves) essentially never finds these.
        var n = (UInt128)18_446_744_073_709_551_557UL * 9_223_372_036_854_775_783UL;
        Assert.Equal(UInt128.Zero, Ecm128.FindFactor(n, 0, CancellationToken.None));
    }

    [Fact]
    public void FindFactor_CancelledToken_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Ecm128.FindFactor((UInt128)1_000_003 * 1_000_033, 0, cts.Token));
    }

    [Fact]
    public void Plans_Stage2Tables_MarkExactlyThePrimesBetweenB1AndB2()
    {
        foreach (Ecm128Plan plan in Ecm128Plan.Levels.Take(3))
        {
            var covered = new HashSet<long>();
            for (int g = 0; g * Ecm128Plan.BabySteps.Length < plan.Stage2Pairs.Length; g++)
            {
                for (int k = 0; k < Ecm128Plan.BabySteps.Length; k++)
                {
                    if (plan.Stage2Pairs[(g * Ecm128Plan.BabySteps.Length) + k])
                    {
                        long centre = (long)(plan.FirstGiant + g) * Ecm128Plan.D;
                        covered.Add(centre - Ecm128Plan.BabySteps[k]);
                        covered.Add(centre + Ecm128Plan.BabySteps[k]);
                    }
                }
            }
            for (int p = plan.B1 + 1; p <= plan.B2; p++)
            {
                if (TestNumbers.ReferencePrime(p))
                {
                    Assert.Contains(p, covered);
                }
            }
        }
    }

    private static BigInteger NextPrime(BigInteger n)
    {
        n |= 1;
        while (!TestNumbers.ReferencePrime(n))
        {
            n += 2;
        }
        return n;
    }
}
