using System.Globalization;
using System.Numerics;

namespace Factorizer.Math.Tests;

/// <summary>
/// PrimeFactorizer beyond 64 bits, where ECM and the quadratic sieve do the splitting: products of known primes,
/// and GNU factor where it answers quickly.
/// </summary>
public class WideFactorizationTests
{
    private static readonly BigInteger TwoTo64 = BigInteger.One << 64, TwoTo128 = BigInteger.One << 128;

    [Fact]
    public void Factor_TwoTo128PlusOne_ReturnsBothPrimes()
    {
        Assert.Equal(
            [59_649_589_127_497_217, BigInteger.Parse("5704689200685129054721", CultureInfo.InvariantCulture)],
            PrimeFactorizer.Factor(TwoTo128 + 1));
    }

    [Theory]
    [InlineData(40)]
    [InlineData(45)]
    [InlineData(48)]
    [InlineData(52)]
    [InlineData(58)]
    [InlineData(64)]
    public void Factor_BalancedSemiprimes_ReturnBothPrimes(int bits)
    {
        var random = new Random(bits);
        for (int i = 0; i < 2; i++)
        {
            BigInteger p = TestNumbers.RandomPrime(random, bits), q = TestNumbers.RandomPrime(random, bits);
            Assert.Equal(new[] { p, q }.Order(), PrimeFactorizer.Factor(p * q));
        }
    }

    [Fact]
    public void Factor_ProductsOfThreeAndFourLargePrimes_ReturnAll()
    {
        var random = new Random(34);
        foreach ((int bits, int count) in new[] { (30, 3), (32, 3), (45, 3), (50, 3), (36, 4), (44, 4) })
        {
            BigInteger[] primes = [.. Enumerable.Range(0, count).Select(_ => (BigInteger)TestNumbers.RandomPrime(random, bits)).Order()];
            BigInteger n = primes.Aggregate(BigInteger.One, (a, b) => a * b);
            Assert.Equal(primes, PrimeFactorizer.Factor(n));
        }
    }

    [Fact]
    public void Factor_SemiprimeAbove2To128_ReturnsBothPrimes()
    {
        // Two 66-bit primes: past the 128-bit ECM, so the quadratic sieve splits it.
        BigInteger p = NextPrime((BigInteger.One << 65) + 12_345), q = NextPrime((BigInteger.One << 65) + 987_654_321);
        Assert.Equal([p, q], PrimeFactorizer.Factor(p * q));
    }

    [Fact]
    public void Factor_SmallFactorOfLargeNumber_IsFoundBeforeTheSieve()
    {
        // A 24-bit prime times a ~146-bit prime: the short rho run finds it (the sieve would take far longer).
        BigInteger p = NextPrime(BigInteger.One << 23), q = NextPrime((BigInteger.One << 145) + 3);
        Assert.Equal([p, q], PrimeFactorizer.Factor(p * q));
    }

    [Fact]
    public void Factor_SquareCofactors_ReturnPrimesWithMultiplicity()
    {
        var random = new Random(22);
        // p²·q with p, q well past trial division: the cofactor after one split is a square (or p²q is split first).
        foreach ((int pBits, int qBits) in new[] { (40, 40), (50, 30), (60, 60), (64, 50) })
        {
            BigInteger p = TestNumbers.RandomPrime(random, pBits), q = TestNumbers.RandomPrime(random, qBits);
            Assert.Equal(new[] { p, p, q }.Order(), PrimeFactorizer.Factor(p * p * q));
        }
    }

    [Fact]
    public void Factor_PrimePowersTimesAnotherLargePrime_ReturnAll()
    {
        BigInteger p = 1_000_000_007, q = 18_446_744_073_709_551_557UL;
        Assert.Equal([p, p, p, q], PrimeFactorizer.Factor(BigInteger.Pow(p, 3) * q));
        Assert.Equal([p, q, q], PrimeFactorizer.Factor(p * q * q));
    }

    [Fact]
    public Task Factor_NumbersJustAbove2To64_MatchGnuFactor() =>
        FactorComparison.AssertMatchesGnuAsync([.. Enumerable.Range(1, 300).Select(i => TwoTo64 + i)]);

    [Fact]
    public void Factor_NumbersJustAbove2To128_AreProductsOfPrimes()
    {
        // GNU factor takes minutes on some of these (two large factors), so the check is product and primality.
        for (int i = 1; i <= 60; i++)
        {
            BigInteger n = TwoTo128 + i;
            BigInteger[] factors = PrimeFactorizer.Factor(n);
            Assert.Equal(n, factors.Aggregate(BigInteger.One, (a, b) => a * b));
            Assert.All(factors, f => Assert.True(TestNumbers.ReferencePrime(f), $"{f} (a factor of 2^128 + {i}) is not prime"));
            Assert.Equal(factors.Order(), factors);
        }
    }

    [Fact]
    public Task Factor_ProductsOfThree32BitPrimesAndMixedSizes_MatchGnuFactor()
    {
        var random = new Random(9632);
        var numbers = new List<BigInteger>();
        for (int i = 0; i < 100; i++)
        {
            numbers.Add((BigInteger)TestNumbers.RandomPrime(random, 32) * TestNumbers.RandomPrime(random, 32) * TestNumbers.RandomPrime(random, 32));
            numbers.Add((BigInteger)TestNumbers.RandomPrime(random, 20) * TestNumbers.RandomPrime(random, 36) * TestNumbers.RandomPrime(random, 44));
        }
        return FactorComparison.AssertMatchesGnuAsync(numbers);
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

    [Fact]
    public void Factor_SemiprimeOfTwo64BitPrimes_CancelledMidwayThrows()
    {
        // The sieve runs for a while on this; a token that fires soon after the start must end it.
        BigInteger n = (BigInteger)18_446_744_073_709_551_557UL * 18_446_744_073_709_551_533UL;
        using var cts = new CancellationTokenSource();
        cts.CancelAfter(TimeSpan.FromMilliseconds(1));
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            // Repeat so the token fires during some run even on a fast machine; each run is independent.
            for (int i = 0; i < 1000; i++)
            {
                PrimeFactorizer.Factor(n, cts.Token);
            }
        });
    }
}
