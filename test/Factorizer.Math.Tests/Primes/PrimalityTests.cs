using System.Numerics;

namespace Factorizer.Math.Tests;

public class PrimalityTests
{
    [Fact]
    public void IsPrime_EveryNumberTo1000000_MatchesSieve()
    {
        const int Limit = 1_000_000;
        bool[] sieve = TestNumbers.Sieve(Limit);
        for (int n = 0; n <= Limit; n++)
        {
            if (Primality.IsPrime((ulong)n) != sieve[n])
            {
                Assert.Fail($"IsPrime({n}) should be {sieve[n]}");
            }
        }
    }

    [Theory]
    [InlineData(2047UL)]                 // strong pseudoprimes to base 2
    [InlineData(3277UL)]
    [InlineData(4033UL)]
    [InlineData(4681UL)]
    [InlineData(8321UL)]
    [InlineData(3_215_031_751UL)]        // strong pseudoprime to bases 2, 3, 5, 7
    [InlineData(3_825_123_056_546_413_051UL)] // strong pseudoprime to bases 2..23
    [InlineData(4_759_123_141UL)]             // strong pseudoprime to bases 2, 7, 61
    [InlineData(1_122_004_669_633UL)]         // strong pseudoprime to bases 2, 13, 23, 1662803
    [InlineData(561UL)]                  // Carmichael numbers
    [InlineData(41_041UL)]
    [InlineData(ulong.MaxValue)]
    [InlineData(18_446_744_073_709_551_559UL)]
    [InlineData(4_294_967_297UL)]        // F5 = 641 · 6700417
    [InlineData(1_018_081UL)]            // 1009²
    public void IsPrime_KnownComposite_ReturnsFalse(ulong n)
    {
        Assert.False(Primality.IsPrime(n));
        Assert.False(Primality.IsProbablePrime(n));
    }

    [Theory]
    [InlineData(2UL)]
    [InlineData(1009UL)]
    [InlineData(4_294_967_291UL)]             // largest prime below 2^32
    [InlineData(4_294_967_311UL)]             // smallest prime above 2^32
    [InlineData(2_305_843_009_213_693_951UL)] // 2^61 - 1
    [InlineData(18_446_744_073_709_551_557UL)] // largest prime below 2^64
    public void IsPrime_KnownPrime_ReturnsTrue(ulong n)
    {
        Assert.True(Primality.IsPrime(n));
        Assert.True(Primality.IsProbablePrime(n));
    }

    [Fact]
    public void IsPrime_Random64BitNumbers_MatchesReference()
    {
        var random = new Random(64);
        int primes = 0;
        for (int i = 0; i < 20_000; i++)
        {
            ulong n = TestNumbers.RandomBits(random, 33 + (i % 32)) | 1;
            bool expected = TestNumbers.ReferencePrime(n);
            primes += expected ? 1 : 0;
            Assert.True(Primality.IsPrime(n) == expected, $"IsPrime({n}) should be {expected}");
        }
        Assert.InRange(primes, 200, 2_000); // the sample really contains primes (~1 in 22 odd numbers)
    }

    [Theory]
    [InlineData(89)]
    [InlineData(107)]
    [InlineData(127)]
    [InlineData(521)]
    [InlineData(607)]
    public void IsProbablePrime_MersennePrime_ReturnsTrue(int exponent)
    {
        Assert.True(Primality.IsProbablePrime((BigInteger.One << exponent) - 1));
    }

    [Theory]
    [InlineData("318665857834031151167461")]     // strong pseudoprime to all prime bases up to 37
    [InlineData("3317044064679887385961981")]    // strong pseudoprime to all prime bases up to 41
    [InlineData("340282366920938463463374607431768211457")] // 2^128 + 1 (composite Fermat number)
    [InlineData("170141183460469231731687303715884105727170141183460469231731687303715884105727")] // (2^127-1)·(10^39+1)
    [InlineData("27606985387162255149739023449107931668458716142620601169954803000803329")] // (2^127-1)·(2^107-1)
    public void IsProbablePrime_KnownBigComposite_ReturnsFalse(string text)
    {
        BigInteger n = BigInteger.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(Primality.IsProbablePrime(n));
    }

    [Fact]
    public void IsProbablePrime_SquareOfBigPrime_ReturnsFalse()
    {
        BigInteger p = (BigInteger.One << 89) - 1;
        Assert.False(Primality.IsProbablePrime(p * p));
        Assert.False(Primality.IsProbablePrime(p * ((BigInteger.One << 107) - 1)));
    }

    [Fact]
    public void IsProbablePrime_NegativeZeroOne_ReturnFalse()
    {
        Assert.False(Primality.IsProbablePrime(-7));
        Assert.False(Primality.IsProbablePrime(0));
        Assert.False(Primality.IsProbablePrime(1));
    }

    [Fact]
    public void IsProbablePrime_Random65To80BitNumbers_MatchesReference()
    {
        var random = new Random(80);
        for (int i = 0; i < 3_000; i++)
        {
            BigInteger n = ((BigInteger)TestNumbers.RandomBits(random, 64) << random.Next(1, 17)) | 1;
            bool expected = TestNumbers.ReferencePrime(n);
            Assert.True(Primality.IsProbablePrime(n) == expected, $"IsProbablePrime({n}) should be {expected}");
        }
    }
}
