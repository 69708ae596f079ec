using System.Numerics;
using Factorizer.Math.Word;

namespace Factorizer.Math.Tests;

/// <summary>
/// The verifier's primality test (<see cref="Primality.IsPrimeExpectingPrime"/>: a bitmap below 2^20, BPSW with
/// both halves interleaved above) against a sieve, an independent reference and the composites that fool weaker
/// tests: base-2 strong pseudoprimes, Carmichael numbers, extra strong Lucas pseudoprimes, squares.
/// </summary>
public class InterleavedBpsw64Tests
{
    [Fact]
    public void IsPrimeExpectingPrime_EveryNumberPastTheBitmap_MatchesSieve()
    {
        const int Limit = (1 << 20) + (1 << 16); // the bitmap, its edge, and a stretch of BPSW beyond it
        bool[] sieve = TestNumbers.Sieve(Limit);
        for (int n = 0; n <= Limit; n++)
        {
            if (Primality.IsPrimeExpectingPrime((ulong)n) != sieve[n])
            {
                Assert.Fail($"IsPrimeExpectingPrime({n}) should be {sieve[n]}");
            }
        }
    }

    [Fact]
    public void IsPrimeOdd_EveryOddNumberTo2000000_MatchesSieve()
    {
        // Below the bitmap too: the interleaved test alone is exact for every odd n >= 3, and this range holds
        // the base-2 strong pseudoprimes 2047, 3277, 4033, ... and the extra strong Lucas ones 989, 3239, 5777, ...
        const int Limit = 2_000_000;
        bool[] sieve = TestNumbers.Sieve(Limit);
        for (int n = 3; n < Limit; n += 2)
        {
            if (InterleavedBpsw64.IsPrimeOdd((ulong)n) != sieve[n])
            {
                Assert.Fail($"IsPrimeOdd({n}) should be {sieve[n]}");
            }
        }
    }

    [Theory]
    [InlineData(3_215_031_751UL)]             // strong pseudoprime to bases 2, 3, 5, 7
    [InlineData(4_759_123_141UL)]             // strong pseudoprime to bases 2, 7, 61
    [InlineData(1_122_004_669_633UL)]         // strong pseudoprime to bases 2, 13, 23, 1662803
    [InlineData(2_152_302_898_747UL)]         // strong pseudoprime to bases 2, 3, 5, 7, 11
    [InlineData(3_474_749_660_383UL)]         // strong pseudoprime to bases 2 .. 13
    [InlineData(341_550_071_728_321UL)]       // strong pseudoprime to bases 2 .. 17
    [InlineData(3_825_123_056_546_413_051UL)] // strong pseudoprime to bases 2 .. 23
    [InlineData(1_024_651UL)]                 // Carmichael numbers just past the bitmap
    [InlineData(1_152_271UL)]
    [InlineData(4_294_967_297UL)]             // F5 = 641 · 6700417
    [InlineData(1_000_006_000_009UL)]         // 1000003²
    [InlineData(ulong.MaxValue)]
    [InlineData(18_446_744_073_709_551_559UL)]
    public void IsPrimeExpectingPrime_KnownComposite_ReturnsFalse(ulong n)
    {
        Assert.False(Primality.IsPrimeExpectingPrime(n));
    }

    [Theory]
    [InlineData(1_048_573UL)]                  // largest prime below 2^20 (the bitmap's last)
    [InlineData(1_048_583UL)]                  // smallest prime above it (the first for BPSW)
    [InlineData(4_294_967_291UL)]
    [InlineData(4_294_967_311UL)]
    [InlineData(999_999_999_989UL)]
    [InlineData(2_305_843_009_213_693_951UL)]  // 2^61 - 1
    [InlineData(18_446_744_073_709_551_557UL)] // largest prime below 2^64
    public void IsPrimeExpectingPrime_KnownPrime_ReturnsTrue(ulong n)
    {
        Assert.True(Primality.IsPrimeExpectingPrime(n));
    }

    [Fact]
    public void IsPrimeExpectingPrime_Base2StrongPseudoprimesUpTo2To64_ReturnsFalse()
    {
        // n = (k+1)(2k+1) with both factors prime is often a base-2 strong pseudoprime: the base-2 half passes
        // it, so only the Lucas half, run in the same loop, can refuse it.
        var random = new Random(21);
        int found = 0;
        for (int i = 0; i < 400_000 && found < 300; i++)
        {
            ulong k = TestNumbers.RandomBits(random, random.Next(10, 32));
            ulong p = k + 1, q = (2 * k) + 1;
            if ((p & 1) == 0 || !TestNumbers.ReferencePrime(p) || !TestNumbers.ReferencePrime(q))
            {
                continue;
            }
            ulong n = p * q;
            if (Bpsw64.IsStrongProbablePrimeBase2(new Montgomery64(n)))
            {
                found++;
                Assert.False(Primality.IsPrimeExpectingPrime(n), $"{n} = {p}·{q}");
            }
        }
        Assert.True(found >= 50, $"only {found} base-2 strong pseudoprimes generated");
    }

    [Fact]
    public void IsPrimeExpectingPrime_ChernickCarmichaelNumbers_ReturnsFalse()
    {
        // (6k+1)(12k+1)(18k+1) with all three prime is a Carmichael number: a Fermat pseudoprime to every base
        // prime to it, across the whole range above the bitmap.
        int found = 0;
        for (ulong k = 1; k < 800_000 && found < 400; k++)
        {
            ulong a = (6 * k) + 1, b = (12 * k) + 1, c = (18 * k) + 1;
            if (!TestNumbers.ReferencePrime(a) || !TestNumbers.ReferencePrime(b) || !TestNumbers.ReferencePrime(c))
            {
                continue;
            }
            found++;
            ulong n = a * b * c;
            Assert.True(BigInteger.ModPow(2, n - 1, n).IsOne, $"{n} should be a Carmichael number");
            Assert.False(Primality.IsPrimeExpectingPrime(n), $"{n} = {a}·{b}·{c}");
        }
        Assert.True(found >= 100, $"only {found} Carmichael numbers generated");
    }

    [Fact]
    public void IsPrimeExpectingPrime_SquaresAndCubesOfPrimes_ReturnFalse()
    {
        // A square has no Lucas parameter with (D/n) = -1: the search must stop and say composite.
        var random = new Random(22);
        for (int i = 0; i < 3_000; i++)
        {
            ulong p = TestNumbers.RandomPrime(random, random.Next(3, 33));
            Assert.False(Primality.IsPrimeExpectingPrime(p * p), $"{p}²");
            if (p < 2_642_245)
            {
                Assert.False(Primality.IsPrimeExpectingPrime(p * p * p), $"{p}³");
            }
        }
    }

    [Fact]
    public void IsPrimeExpectingPrime_RandomNumbersAndPrimesOfEverySize_MatchReferenceAndIsPrime()
    {
        var random = new Random(23);
        int primes = 0;
        for (int i = 0; i < 60_000; i++)
        {
            int bits = 2 + (i % 63);
            ulong n = i % 3 == 0 ? TestNumbers.RandomPrime(random, bits) : TestNumbers.RandomBits(random, bits) | (uint)(i & 1);
            bool expected = TestNumbers.ReferencePrime(n);
            primes += expected ? 1 : 0;
            Assert.True(Primality.IsPrimeExpectingPrime(n) == expected, $"IsPrimeExpectingPrime({n}) should be {expected}");
            Assert.True(Primality.IsPrime(n) == expected, $"IsPrime({n}) should be {expected}");
        }
        Assert.True(primes >= 20_000, $"only {primes} primes in the sample");
    }
}
