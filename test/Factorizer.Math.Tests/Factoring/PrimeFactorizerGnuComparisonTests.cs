using System.Numerics;

namespace Factorizer.Math.Tests;

/// <summary>Our factorizations against GNU factor's, on thousands of numbers of each kind, one factor run per test.</summary>
public class PrimeFactorizerGnuComparisonTests
{
    private static readonly BigInteger TwoTo64 = BigInteger.One << 64;

    [Fact]
    public Task Factor_EveryNumberFrom0To200000_MatchesGnuFactor() =>
        FactorComparison.AssertMatchesGnuAsync([.. Enumerable.Range(0, 200_001).Select(i => (BigInteger)i)]);

    [Fact]
    public Task Factor_RandomSampleTo1000000_MatchesGnuFactor()
    {
        var random = new Random(1);
        return FactorComparison.AssertMatchesGnuAsync([.. Enumerable.Range(0, 20_000).Select(_ => (BigInteger)random.Next(200_000, 1_000_001))]);
    }

    [Fact]
    public Task Factor_ConsecutiveOddNumbersFrom999999999999_MatchesGnuFactor() =>
        FactorComparison.AssertMatchesGnuAsync([.. Enumerable.Range(0, 5_000).Select(i => 999_999_999_999 + (2 * (BigInteger)i))]);

    [Fact]
    public Task Factor_Random62To64BitNumbers_MatchesGnuFactor()
    {
        var random = new Random(62);
        return FactorComparison.AssertMatchesGnuAsync([.. Enumerable.Range(0, 5_000).Select(i => (BigInteger)TestNumbers.RandomBits(random, 62 + (i % 3)))]);
    }

    [Fact]
    public Task Factor_SemiprimesOfTwo32BitPrimes_MatchesGnuFactor()
    {
        var random = new Random(32);
        return FactorComparison.AssertMatchesGnuAsync([.. Enumerable.Range(0, 2_000).Select(_ =>
            (BigInteger)TestNumbers.RandomPrime(random, 32) * TestNumbers.RandomPrime(random, 32))]);
    }

    [Fact]
    public Task Factor_ProductsOfTwoPrimesOfEverySize_MatchesGnuFactor()
    {
        // Every split path below 2^64: rho under 48 bits, and each ECM plan (52, 56, 58, 62, 64 bits), with
        // balanced and unbalanced factors, and products of three primes whose cofactor goes round again.
        var random = new Random(4864);
        var numbers = new List<BigInteger>();
        for (int i = 0; i < 3_000; i++)
        {
            int bits = random.Next(22, 65);
            int small = random.Next(10, (bits / 2) + 1);
            BigInteger n = (BigInteger)TestNumbers.RandomPrime(random, small) * TestNumbers.RandomPrime(random, bits - small);
            if (i % 4 == 0 && n.GetBitLength() < 50)
            {
                n *= TestNumbers.RandomPrime(random, random.Next(11, 64 - (int)n.GetBitLength()));
            }
            numbers.Add(n);
        }
        return FactorComparison.AssertMatchesGnuAsync(numbers);
    }

    [Fact]
    public Task Factor_ProductsOfThree32BitPrimes_MatchesGnuFactor()
    {
        var random = new Random(96);
        return FactorComparison.AssertMatchesGnuAsync([.. Enumerable.Range(0, 300).Select(_ =>
            (BigInteger)TestNumbers.RandomPrime(random, 32) * TestNumbers.RandomPrime(random, 32) * TestNumbers.RandomPrime(random, 32))]);
    }

    [Fact]
    public Task Factor_PrimePowers_MatchesGnuFactor()
    {
        var random = new Random(7);
        var numbers = new List<BigInteger>();
        // Small primes to high powers, then larger primes squared and cubed, across 2^64. (GNU factor 9.1 runs
        // rho on prime powers too, which needs ~sqrt(p) steps, so p stays small enough for it here; larger
        // powers, which we detect as perfect powers, are in PrimeFactorizerTests.)
        foreach (int p in new[] { 2, 3, 5, 7, 11, 13, 1009, 4093, 4099, 65_521, 65_537 })
        {
            for (int k = 1; BigInteger.Pow(p, k) < BigInteger.Pow(2, 200); k++)
            {
                numbers.Add(BigInteger.Pow(p, k));
            }
        }
        foreach (int bits in new[] { 17, 20, 21, 31, 32, 33 })
        {
            for (int i = 0; i < 10; i++)
            {
                BigInteger p = TestNumbers.RandomPrime(random, bits);
                numbers.Add(p * p);
                numbers.Add(p * p * p);
                numbers.Add(p * p * 3);
            }
        }
        numbers.Add(BigInteger.Pow(4_294_967_291, 2)); // the largest prime below 2^32, squared
        return FactorComparison.AssertMatchesGnuAsync(numbers);
    }

    [Fact]
    public Task Factor_CarmichaelNumbers_MatchesGnuFactor()
    {
        var numbers = new List<BigInteger> { 561, 1105, 1729, 2465, 2821, 6601, 8911, 10585, 15841, 29341, 41041, 46657, 52633, 62745, 63973, 75361, 101101, 115921, 126217, 162401, 172081, 188461, 252601, 278545, 294409, 314821, 334153, 340561, 399001, 410041, 449065, 488881, 512461 };
        // Chernick's (6k+1)(12k+1)(18k+1) is a Carmichael number whenever all three factors are prime.
        // The first 150 reach ~50 bits; from k = 200000 on they are ~70 bits, across the 64-bit boundary.
        AddChernickNumbers(numbers, firstK: 1, count: 150);
        AddChernickNumbers(numbers, firstK: 200_000, count: 100);
        Assert.True(numbers.Count >= 280, $"only {numbers.Count} Carmichael numbers generated");
        return FactorComparison.AssertMatchesGnuAsync(numbers);
    }

    [Fact]
    public Task Factor_NumbersNearPowersOfTwo_MatchesGnuFactor()
    {
        var numbers = new List<BigInteger>();
        foreach (int k in new[] { 16, 31, 32, 33, 62, 63, 64, 65, 66 })
        {
            for (int d = -40; d <= 40; d++)
            {
                numbers.Add((BigInteger.One << k) + d);
            }
        }
        numbers.Add(ulong.MaxValue);      // 2^64 - 1 = 3·5·17·257·641·65537·6700417
        numbers.Add(TwoTo64 + 1);          // 274177 · 67280421310721
        numbers.Add((BigInteger.One << 127) - 1); // a Mersenne prime
        numbers.Add((BigInteger.One << 128) - 1); // F0·F1·...·F6
        numbers.Add(TwoTo64 * TwoTo64 * 3);
        return FactorComparison.AssertMatchesGnuAsync(numbers);
    }

    [Fact]
    public Task Factor_NumbersAbove2To128_MatchesGnuFactor()
    {
        var random = new Random(160);
        var numbers = new List<BigInteger>
        {
            // (Products of two large primes, like two Mersenne primes, are out: rho needs ~2^30+ steps on
            // them, for GNU factor as for us.)
            ((BigInteger.One << 521) - 1) * 1_000_003,
            ((BigInteger.One << 64) + 1) * ((BigInteger.One << 64) - 1) * 12_345,
            BigInteger.Pow(10, 40),
            BigInteger.Pow(4_294_967_291, 5),
        };
        // Products of primes with 20-26 bits, 140-220 bits overall: rho on BigInteger finds each quickly.
        for (int i = 0; i < 30; i++)
        {
            BigInteger n = BigInteger.One;
            while (n.GetBitLength() < 140 + (i * 3))
            {
                n *= TestNumbers.RandomPrime(random, random.Next(20, 27));
            }
            numbers.Add(n);
        }
        return FactorComparison.AssertMatchesGnuAsync(numbers);
    }

    private static void AddChernickNumbers(List<BigInteger> numbers, long firstK, int count)
    {
        for (long k = firstK; count > 0; k++)
        {
            BigInteger a = (6 * k) + 1, b = (12 * k) + 1, c = (18 * k) + 1;
            if (TestNumbers.ReferencePrime(a) && TestNumbers.ReferencePrime(b) && TestNumbers.ReferencePrime(c))
            {
                numbers.Add(a * b * c);
                count--;
            }
        }
    }
}
