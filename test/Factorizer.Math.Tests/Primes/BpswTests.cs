using System.Numerics;
using Factorizer.Math.Big;

namespace Factorizer.Math.Tests;

/// <summary>The BPSW pieces on their own, where exact answers are known (below 2^64 BPSW has no false positive).</summary>
public class BpswTests
{
    /// <summary>
    /// OEIS A217255: the strong Lucas pseudoprimes for Selfridge's method A parameters, all of them below 130140.
    /// </summary>
    private static readonly int[] StrongLucasPseudoprimes =
        [5459, 5777, 10877, 16109, 18971, 22499, 24569, 25199, 40309, 58519, 75077, 97439, 100127, 113573, 115639, 130139];

    [Fact]
    public void IsStrongLucasProbablePrime_OddNumbersTo130140_PassExactlyForPrimesAndKnownPseudoprimes()
    {
        const int Limit = 130_140;
        bool[] sieve = TestNumbers.Sieve(Limit);
        var pseudoprimes = new List<int>();
        for (int n = 3; n < Limit; n += 2)
        {
            bool passes = StrongLucas.IsStrongLucasProbablePrime(n);
            if (sieve[n])
            {
                // Every prime passes the Lucas test (except ones dividing D or Q, which are tiny).
                Assert.True(passes || n <= 13, $"prime {n} failed the strong Lucas test");
            }
            else if (passes)
            {
                pseudoprimes.Add(n);
            }
        }
        Assert.Equal(StrongLucasPseudoprimes, pseudoprimes);
    }

    [Fact]
    public void IsProbablePrime_EveryNumberTo200000_MatchesSieve()
    {
        const int Limit = 200_000;
        bool[] sieve = TestNumbers.Sieve(Limit);
        for (int n = 0; n <= Limit; n++)
        {
            Assert.True(Bpsw.IsProbablePrime(n) == sieve[n], $"BPSW({n}) should be {sieve[n]}");
        }
    }

    [Fact]
    public void IsProbablePrime_Random64BitNumbersAndBase2Pseudoprimes_MatchDeterministicTest()
    {
        var random = new Random(2);
        var numbers = new List<ulong> { 2047, 3277, 4033, 4681, 8321, 15841, 29341, 42799, 49141, 52633, 65281, 74665, 80581, 85489, 88357, 90751, 3_825_123_056_546_413_051 };
        for (int i = 0; i < 5_000; i++)
        {
            numbers.Add(TestNumbers.RandomBits(random, 20 + (i % 45)) | 1);
        }
        foreach (ulong n in numbers)
        {
            bool expected = TestNumbers.ReferencePrime(n);
            Assert.True(Bpsw.IsProbablePrime(n) == expected, $"BPSW({n}) should be {expected}");
        }
    }

    [Fact]
    public void IsStrongProbablePrimeBase2_Base2Pseudoprimes_ReturnTrueThoughComposite()
    {
        // These fool the base-2 test alone, which is why BPSW adds the Lucas test.
        foreach (long n in new long[] { 2047, 3277, 4033, 4681, 8321 })
        {
            Assert.True(Bpsw.IsStrongProbablePrimeBase2(n));
            Assert.False(Bpsw.IsProbablePrime(n));
        }
        // Above 2^128 the BigInteger.ModPow branch runs: 2^521 - 1 is prime, 2^523 - 1 is not.
        Assert.True(Bpsw.IsStrongProbablePrimeBase2((BigInteger.One << 521) - 1));
        Assert.False(Bpsw.IsStrongProbablePrimeBase2(((BigInteger.One << 521) - 1) * 3));
    }

    [Fact]
    public void JacobiSymbol_SmallArguments_MatchesEulerCriterionForPrimes()
    {
        foreach (int p in new[] { 3, 5, 7, 11, 13, 101, 1009, 65_537 })
        {
            for (long a = -60; a <= 60; a++)
            {
                long residue = ((a % p) + p) % p;
                int euler = residue == 0 ? 0 : BigInteger.ModPow(residue, (p - 1) / 2, p).IsOne ? 1 : -1;
                Assert.True(Jacobi.Symbol(a, p) == euler, $"({a}/{p})");
            }
        }
    }

    [Fact]
    public void JacobiSymbol_CompositeModulus_IsProductOverPrimeFactors()
    {
        // (a/15) = (a/3)(a/5), (a/21) = (a/3)(a/7).
        for (long a = -40; a <= 40; a++)
        {
            Assert.Equal(Jacobi.Symbol(a, 3) * Jacobi.Symbol(a, 5), Jacobi.Symbol(a, 15));
            Assert.Equal(Jacobi.Symbol(a, 3) * Jacobi.Symbol(a, 7), Jacobi.Symbol(a, 21));
        }
    }
}
