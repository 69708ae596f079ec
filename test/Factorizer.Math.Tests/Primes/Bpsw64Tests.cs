using System.Numerics;
using Factorizer.Math.Word;

namespace Factorizer.Math.Tests;

/// <summary>The 64-bit Baillie-PSW test and its parts against independent references and known pseudoprimes.</summary>
public class Bpsw64Tests
{
    /// <summary>OEIS A217719: the extra strong Lucas pseudoprimes (Baillie's parameters) below 130000.</summary>
    private static readonly int[] ExtraStrongLucasPseudoprimes =
        [989, 3239, 5777, 10877, 27971, 29681, 30739, 31631, 39059, 72389, 73919, 75077, 100127, 113573, 125249];

    [Fact]
    public void IsExtraStrongLucasProbablePrime_OddNumbersTo130000_PassExactlyForPrimesAndKnownPseudoprimes()
    {
        const int Limit = 130_000;
        bool[] sieve = TestNumbers.Sieve(Limit);
        var pseudoprimes = new List<int>();
        for (int n = 3; n < Limit; n += 2)
        {
            bool passes = Bpsw64.IsExtraStrongLucasProbablePrime(new Montgomery64((ulong)n));
            if (sieve[n])
            {
                Assert.True(passes, $"prime {n} failed the extra strong Lucas test");
            }
            else if (passes)
            {
                pseudoprimes.Add(n);
            }
        }
        Assert.Equal(ExtraStrongLucasPseudoprimes, pseudoprimes);
    }

    [Fact]
    public void IsStrongProbablePrimeBase2_OddNumbersTo2000000_MatchesBigIntegerReference()
    {
        const int Limit = 2_000_000;
        bool[] sieve = TestNumbers.Sieve(Limit);
        int pseudoprimes = 0;
        for (int n = 3; n < Limit; n += 2)
        {
            bool expected = IsStrongProbablePrimeReference(n, 2);
            Assert.True(Bpsw64.IsStrongProbablePrimeBase2(new Montgomery64((ulong)n)) == expected, $"base-2 strong test of {n} should be {expected}");
            if (expected && !sieve[n])
            {
                // A strong pseudoprime to base 2 (2047, 3277, 4033, ...): the Lucas half must catch it.
                pseudoprimes++;
                Assert.False(Primality.IsPrime((ulong)n), $"{n} is a base-2 strong pseudoprime");
            }
        }
        Assert.InRange(pseudoprimes, 40, 100); // 46 below 2·10^6 (OEIS A001262)
    }

    [Fact]
    public void IsPrime_Base2StrongPseudoprimesNear2To64_ReturnsFalse()
    {
        // n = (k+1)(2k+1) with both factors prime is a base-2 strong pseudoprime for suitable k; collect those
        // that are, across 2^40 .. 2^64, and check BPSW rejects every one.
        var random = new Random(2);
        int found = 0;
        for (int i = 0; i < 200_000 && found < 200; i++)
        {
            ulong k = TestNumbers.RandomBits(random, random.Next(20, 32));
            ulong p = k + 1, q = (2 * k) + 1;
            if (!TestNumbers.ReferencePrime(p) || !TestNumbers.ReferencePrime(q) || (p & 1) == 0)
            {
                continue;
            }
            ulong n = p * q;
            if (IsStrongProbablePrimeReference(n, 2))
            {
                found++;
                Assert.False(Primality.IsPrime(n), $"{n} = {p}·{q}");
                Assert.Equal([System.Math.Min(p, q), System.Math.Max(p, q)], PrimeFactorizer.Factor(n));
            }
        }
        Assert.True(found >= 20, $"only {found} base-2 strong pseudoprimes generated");
    }

    [Fact]
    public void BothHalves_AroundTheLazyLimit_MatchReferences()
    {
        // Below Montgomery64.LazyLimit (2^60) the base-2 power and the Lucas ladder keep values unreduced; above, they
        // reduce every step. Primes must pass both halves; composites must fail the base-2 test as the reference does.
        var random = new Random(60);
        for (int i = 0; i < 3_000; i++)
        {
            int bits = random.Next(56, 65);
            ulong prime = TestNumbers.RandomPrime(random, bits);
            var mont = new Montgomery64(prime);
            Assert.True(Bpsw64.IsStrongProbablePrimeBase2(mont), $"prime {prime} failed the base-2 test");
            Assert.True(Bpsw64.IsExtraStrongLucasProbablePrime(mont), $"prime {prime} failed the Lucas test");
            ulong odd = TestNumbers.RandomBits(random, bits) | 1;
            Assert.Equal(IsStrongProbablePrimeReference(odd, 2), Bpsw64.IsStrongProbablePrimeBase2(new Montgomery64(odd)));
            ulong composite = TestNumbers.RandomPrime(random, bits / 2) * TestNumbers.RandomPrime(random, bits - (bits / 2));
            Assert.False(Bpsw64.IsExtraStrongLucasProbablePrime(new Montgomery64(composite)), $"{composite} passed the Lucas test");
        }
        foreach (ulong n in new[] { Montgomery64.LazyLimit - 93, Montgomery64.LazyLimit + 7, Montgomery64.LazyLimit - 1, Montgomery64.LazyLimit + 1 })
        {
            Assert.Equal(TestNumbers.ReferencePrime(n), Primality.IsPrime(n));
        }
    }

    [Fact]
    public void IsPrime_RandomOddNumbersOfEverySize_MatchesReference()
    {
        var random = new Random(6400);
        for (int i = 0; i < 40_000; i++)
        {
            ulong n = TestNumbers.RandomBits(random, 2 + (i % 63)) | 1;
            Assert.True(Primality.IsPrime(n) == TestNumbers.ReferencePrime(n), $"IsPrime({n})");
        }
    }

    [Fact]
    public void JacobiSymbol_ProductsOfTwoPrimes_MatchesEulerCriterion()
    {
        var random = new Random(3);
        for (int i = 0; i < 2_000; i++)
        {
            ulong p = TestNumbers.RandomPrime(random, random.Next(3, 33));
            ulong q = TestNumbers.RandomPrime(random, random.Next(3, 32));
            ulong a = TestNumbers.RandomBits(random, random.Next(1, 64));
            Assert.Equal(Legendre(a, p) * Legendre(a, q), Jacobi64.Symbol(a, p * q));
        }
        Assert.Equal(0, Jacobi64.Symbol(21, 35));
        Assert.Equal(1, Jacobi64.Symbol(5, 1));
    }

    [Fact]
    public void IsPrime_SquaresOfPrimes_ReturnsFalse()
    {
        // No Lucas parameter D with (D/n) = -1 exists for a square; the parameter search must stop.
        var random = new Random(4);
        for (int i = 0; i < 2_000; i++)
        {
            ulong p = TestNumbers.RandomPrime(random, random.Next(11, 33));
            Assert.False(Primality.IsPrime(p * p), $"{p}²");
            Assert.False(Bpsw64.IsExtraStrongLucasProbablePrime(new Montgomery64(p * p)), $"{p}²");
        }
    }

    /// <summary>(a/p) for an odd prime p by Euler's criterion.</summary>
    private static int Legendre(ulong a, ulong p)
    {
        BigInteger r = BigInteger.ModPow(a, (p - 1) / 2, p);
        return r.IsZero ? 0 : r.IsOne ? 1 : -1;
    }

    private static bool IsStrongProbablePrimeReference(BigInteger n, int a)
    {
        BigInteger d = n - 1;
        int s = 0;
        while (d.IsEven)
        {
            d >>= 1;
            s++;
        }
        BigInteger x = BigInteger.ModPow(a, d, n);
        if (x.IsOne || x == n - 1)
        {
            return true;
        }
        for (int r = 1; r < s; r++)
        {
            x = x * x % n;
            if (x == n - 1)
            {
                return true;
            }
        }
        return false;
    }
}
