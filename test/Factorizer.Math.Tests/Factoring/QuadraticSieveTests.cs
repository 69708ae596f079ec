using System.Numerics;
using Factorizer.Math.Siqs;

namespace Factorizer.Math.Tests;

/// <summary>The self-initialising quadratic sieve and its stages: factor base, GF(2) dependencies, the whole run.</summary>
public class QuadraticSieveTests
{
    [Theory]
    [InlineData(50, 1)]
    [InlineData(56, 2)]
    [InlineData(64, 3)]
    public void FindFactor_BalancedSemiprime_ReturnsOneOfThePrimes(int bits, int seed)
    {
        var random = new Random(bits);
        BigInteger p = TestNumbers.RandomPrime(random, bits), q = TestNumbers.RandomPrime(random, bits);
        BigInteger d = QuadraticSieve.FindFactor(p * q, CancellationToken.None, seed);
        Assert.True(d == p || d == q, $"SIQS returned {d} for {p} x {q}");
    }

    [Fact]
    public void FindFactor_TwoTo128PlusOne_ReturnsAFactorOfTheFermatNumber()
    {
        BigInteger n = (BigInteger.One << 128) + 1;
        BigInteger d = QuadraticSieve.FindFactor(n, CancellationToken.None);
        Assert.Contains(d, new BigInteger[] { 59_649_589_127_497_217, BigInteger.Parse("5704689200685129054721", System.Globalization.CultureInfo.InvariantCulture) });
    }

    [Fact]
    public void FindFactor_160BitSemiprime_ReturnsOneOfThePrimes()
    {
        // k·N is above 2^160 here, so A (about √(2kN)/M) passes 2^64 and the root set-up reduces 128-bit A and B_l.
        BigInteger p = BigInteger.Parse("795019647520322814881147", System.Globalization.CultureInfo.InvariantCulture);
        BigInteger q = BigInteger.Parse("723495335358801304237793", System.Globalization.CultureInfo.InvariantCulture);
        BigInteger d = QuadraticSieve.FindFactor(p * q, CancellationToken.None);
        Assert.True(d == p || d == q, $"SIQS returned {d} for {p} x {q}");
    }

    [Fact]
    public void ModularWord_Reduce_MatchesBigIntegerRemainder()
    {
        var random = new Random(7);
        uint[] moduli = [3, 65_521, 131_071, 2_147_483_647];
        for (int i = 0; i < 2000; i++)
        {
            var x = new UInt128((ulong)random.NextInt64() >> random.Next(64), (ulong)random.NextInt64() * 2 + (ulong)random.Next(2));
            if (i % 3 == 0)
            {
                x = (UInt128)(ulong)x; // high word zero
            }
            foreach (uint p in moduli)
            {
                Assert.Equal((uint)((BigInteger)x % p), ModularWord.Reduce(x, p));
            }
        }
        Assert.Equal(0U, ModularWord.Reduce(UInt128.MaxValue, 3));
        Assert.Equal((uint)((BigInteger)UInt128.MaxValue % 2_147_483_647), ModularWord.Reduce(UInt128.MaxValue, 2_147_483_647));
    }

    [Fact]
    public void FindFactor_ThreePrimes_ReturnsAProperDivisor()
    {
        var random = new Random(3);
        BigInteger n = (BigInteger)TestNumbers.RandomPrime(random, 40) * TestNumbers.RandomPrime(random, 40) * TestNumbers.RandomPrime(random, 40);
        BigInteger d = QuadraticSieve.FindFactor(n, CancellationToken.None);
        Assert.True(d > 1 && d < n && (n % d).IsZero);
    }

    [Fact]
    public void FindFactor_CancelledToken_Throws()
    {
        BigInteger n = (BigInteger)18_446_744_073_709_551_557UL * 18_446_744_073_709_551_533UL;
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => QuadraticSieve.FindFactor(n, cts.Token));
    }

    [Theory]
    [InlineData(200)]
    [InlineData(4000)] // past the shared table of primes below 2^16
    public void FactorBase_Primes_HaveKNAsQuadraticResidueWithCorrectRoots(int size)
    {
        BigInteger n = (BigInteger)4_294_967_291UL * 4_294_967_279UL * 4_294_967_231UL;
        FactorBase? factorBase = FactorBase.Create(n, size, out _);
        Assert.NotNull(factorBase);
        Assert.Equal(size, factorBase.Primes.Length);
        Assert.True(factorBase.Primes[^1] > (size > 3500 ? 65_536U : 0U));
        Assert.Equal(factorBase.Primes.Order(), factorBase.Primes);
        for (int i = FactorBase.TwoIndex + 1; i < factorBase.Primes.Length; i++)
        {
            uint p = factorBase.Primes[i];
            Assert.True(TestNumbers.ReferencePrime(p));
            BigInteger r = factorBase.Roots[i];
            Assert.Equal(factorBase.KN % p, r * r % p);
        }
    }

    [Fact]
    public void FactorBase_PrimeDividingN_IsReturnedAsAFactor()
    {
        BigInteger n = (BigInteger)5_003 * 18_446_744_073_709_551_557UL * 4_294_967_291UL;
        Assert.Null(FactorBase.Create(n, 1000, out uint factor));
        Assert.Equal(5_003U, factor);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void PrimesHitting_FindsExactlyThePrimesWithARootAtTheOffset(bool wide)
    {
        BigInteger n = (BigInteger)18_446_744_073_709_551_557UL * 18_446_744_073_709_551_533UL;
        FactorBase? factorBase = FactorBase.Create(n, 1500, out _);
        Assert.NotNull(factorBase);
        var random = new Random(5);
        int length = factorBase.PaddedLength;
        var roots1 = new int[length];
        var roots2 = new int[length];
        Array.Fill(roots1, FactorBase.UnmatchedRoot);
        Array.Fill(roots2, FactorBase.UnmatchedRoot);
        for (int i = FactorBase.TwoIndex + 1; i < factorBase.Primes.Length; i++)
        {
            int p = (int)factorBase.Primes[i];
            roots1[i] = random.Next(p);
            roots2[i] = random.Next(p);
        }
        var hits = new int[length];
        // Offsets across the widest sieve interval, with p - 1, p, p + 1 and multiples of large primes among them.
        int[] offsets = [0, 1, 2, 196_607, .. Enumerable.Range(0, 400).Select(_ => random.Next(196_608)),
            .. factorBase.Primes.Skip(2).SelectMany(p => new[] { (int)p - 1, (int)p, (int)p + 1, 13 * (int)p })];
        foreach (int offset in offsets)
        {
            int[] expected = [.. Enumerable.Range(FactorBase.TwoIndex + 1, factorBase.Primes.Length - FactorBase.TwoIndex - 1)
                .Where(i => offset % factorBase.Primes[i] == roots1[i] || offset % factorBase.Primes[i] == roots2[i])];
            int count = PolynomialSieve.PrimesHitting(factorBase, roots1, roots2, offset, hits, wide);
            Assert.Equal(expected, hits[..count]);
        }
    }

    [Fact]
    public void Gf2Solver_Dependencies_CombineToEvenExponents()
    {
        var random = new Random(2);
        const int columns = 70;
        var relations = new List<Relation>();
        for (int r = 0; r < columns + 10; r++)
        {
            relations.Add(new Relation(BigInteger.One, [.. Enumerable.Range(0, 6).Select(_ => random.Next(columns))], BigInteger.One));
        }
        List<int[]> dependencies = [.. Gf2Solver.Dependencies(relations, columns, CancellationToken.None)];
        Assert.True(dependencies.Count >= 10);
        foreach (int[] dependency in dependencies)
        {
            Assert.NotEmpty(dependency);
            var parity = new int[columns];
            foreach (int r in dependency)
            {
                foreach (int f in relations[r].Factors)
                {
                    parity[f] ^= 1;
                }
            }
            Assert.All(parity, bit => Assert.Equal(0, bit));
        }
    }
}
