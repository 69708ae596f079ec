using System.Numerics;
using Factorizer.Math.Word;

namespace Factorizer.Math.Tests;

/// <summary>The 64-bit factoring pieces on their own: ECM per plan, modular inverse, integer roots.</summary>
public class WordPiecesTests
{
    [Theory]
    [InlineData(48, 16)]
    [InlineData(52, 20)]
    [InlineData(56, 26)]
    [InlineData(60, 28)]
    [InlineData(64, 32)]
    public void Ecm_SemiprimesOfEachPlanSize_FindsAProperFactor(int bits, int smallBits)
    {
        var random = new Random(bits);
        for (int i = 0; i < 40; i++)
        {
            ulong p = TestNumbers.RandomPrime(random, smallBits);
            ulong q = TestNumbers.RandomPrime(random, bits - smallBits);
            ulong n = p * q;
            EcmPlan plan = EcmPlans.For(n) ?? EcmPlan.For(47, 25 * 47);
            ulong d = Ecm64.FindFactor(n, plan, 2_000);
            Assert.True(d == p || d == q, $"ECM on {n} = {p}·{q} gave {d}");
        }
    }

    [Fact]
    public void Rho_SemiprimesUpToItsLimit_FindsAProperFactor()
    {
        var random = new Random(60);
        var numbers = new List<(ulong P, ulong Q)> { (1009, 1013), (1009, 1009 * 1009), (3, 5), (1_073_741_789, 1_073_741_783) };
        for (int i = 0; i < 300; i++)
        {
            int bits = random.Next(12, 61);
            int small = random.Next(2, (bits / 2) + 1);
            numbers.Add((TestNumbers.RandomPrime(random, small), TestNumbers.RandomPrime(random, bits - small)));
        }
        foreach ((ulong p, ulong q) in numbers.Where(pq => pq.P * pq.Q < PollardRho64.Limit && (pq.P & pq.Q & 1) == 1))
        {
            ulong n = p * q;
            ulong d = PollardRho64.FindFactor(n);
            Assert.True(d > 1 && d < n && n % d == 0, $"rho on {n} = {p}·{q} gave {d}");
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => PollardRho64.FindFactor(PollardRho64.Limit + 1));
    }

    [Fact]
    public void Ecm_ProductOfThreePrimes_FindsAProperFactor()
    {
        var random = new Random(3);
        for (int i = 0; i < 40; i++)
        {
            ulong n = TestNumbers.RandomPrime(random, 20) * TestNumbers.RandomPrime(random, 21) * TestNumbers.RandomPrime(random, 22);
            ulong d = Ecm64.FindFactor(n, EcmPlans.For(n) ?? EcmPlan.For(47, 25 * 47), 2_000);
            Assert.True(d > 1 && d < n && n % d == 0, $"ECM on {n} gave {d}");
        }
    }

    [Fact]
    public void EcmPlan_Stage2Pairs_CoverEveryPrimeBetweenTheBounds()
    {
        EcmPlan plan = EcmPlan.For(85, 25 * 85);
        var covered = new HashSet<int>();
        for (int k = 0; k <= plan.LastGiant; k++)
        {
            for (int i = plan.GiantStart[k]; i < plan.GiantStart[k + 1]; i++)
            {
                int j = EcmPlan.BabySteps[plan.PairBaby[i]];
                covered.Add((k * EcmPlan.GiantStep) + j);
                covered.Add((k * EcmPlan.GiantStep) - j);
            }
        }
        bool[] sieve = TestNumbers.Sieve(plan.B2);
        for (int q = plan.B1 + 1; q <= plan.B2; q++)
        {
            Assert.True(!sieve[q] || covered.Contains(q), $"prime {q} is not covered by stage 2");
        }
        BigInteger scalar = plan.Scalar.Select((w, i) => (BigInteger)w << (64 * i)).Aggregate(BigInteger.Zero, (a, b) => a + b);
        for (int p = 2; p <= plan.B1; p++)
        {
            Assert.True(!sieve[p] || (scalar % p).IsZero, $"stage 1 misses prime {p}");
        }
    }

    [Fact]
    public void Inverse_RandomPairs_MatchesBigInteger()
    {
        var random = new Random(5);
        for (int i = 0; i < 5_000; i++)
        {
            ulong n = TestNumbers.RandomBits(random, random.Next(2, 65)) | 1;
            ulong a = TestNumbers.RandomBits(random, 64);
            ulong inverse = Gcd64.Inverse(a, n, out ulong gcd);
            Assert.Equal((ulong)BigInteger.GreatestCommonDivisor(a, n), gcd);
            if (gcd == 1 && n > 1)
            {
                Assert.Equal(BigInteger.One % n, (BigInteger)a * inverse % n);
                Assert.True(inverse < n);
            }
        }
        Assert.Equal(0UL, Gcd64.Inverse(15, 35, out ulong g));
        Assert.Equal(5UL, g);
    }

    [Fact]
    public void IntegerRoots_AroundPerfectPowersAndTheTopOfTheRange_AreExact()
    {
        foreach (ulong r in new ulong[] { 1, 2, 3, 1009, 65_535, 65_536, 4_294_967_291, 4_294_967_295 })
        {
            ulong square = r * r;
            Assert.Equal(r, IntegerSquareRoot.FloorSqrt(square));
            Assert.True(IntegerSquareRoot.IsSquare(square));
            Assert.Equal(r - 1, IntegerSquareRoot.FloorSqrt(square - 1));
            Assert.False(square > 1 && IntegerSquareRoot.IsSquare(square - 1));
        }
        Assert.Equal(4_294_967_295UL, IntegerSquareRoot.FloorSqrt(ulong.MaxValue));
        foreach (ulong r in new ulong[] { 2, 3, 1009, 2_097_143, 2_642_245 })
        {
            Assert.Equal(r, IntegerSquareRoot.ExactCubeRoot(r * r * r));
            Assert.Equal(0UL, IntegerSquareRoot.ExactCubeRoot((r * r * r) + 1));
        }
        Assert.Equal(0UL, IntegerSquareRoot.ExactCubeRoot(ulong.MaxValue));
    }

    [Fact]
    public void TrialDivision_VectorAndScalarPaths_AgreeWithDivisionByEachPrime()
    {
        var random = new Random(167);
        var numbers = new List<ulong> { 1, 3, 997, 1009, 3UL * 997, 1UL << 20, (1UL << 20) + 1, 59_049UL * 59_049 * 3 * 3 * 3 * 3 * 3, 994_009UL * 994_009 * 997, ulong.MaxValue, ulong.MaxValue - 2 };
        for (int i = 0; i < 3_000; i++)
        {
            // Products of a few small primes (some repeated) and a random part, so most primes of the table divide some input.
            ulong n = TestNumbers.RandomBits(random, random.Next(2, 40)) | 1;
            for (int k = random.Next(0, 6); k > 0; k--)
            {
                ulong p = SmallPrimes.Odd[random.Next(0, TrialDivision64.Count)];
                if (n <= ulong.MaxValue / p)
                {
                    n *= p;
                }
            }
            numbers.Add(n);
            numbers.Add(TestNumbers.RandomBits(random, 64) | 1);
        }
        Span<ulong> expected = stackalloc ulong[64];
        Span<ulong> actual = stackalloc ulong[64];
        foreach (ulong n in numbers)
        {
            // Reference: every prime of the table divided out by %, all of them (no early stop).
            int expectedCount = 0;
            ulong rest = n;
            for (int i = 0; i < TrialDivision64.Count; i++)
            {
                ulong p = SmallPrimes.Odd[i];
                while (rest % p == 0)
                {
                    expected[expectedCount++] = p;
                    rest /= p;
                }
            }
            int scalarCount = 0;
            ulong scalarRest = TrialDivision64.DivideOutScalar(n, actual, ref scalarCount, TrialDivision64.Count);
            // The scalar loop stops once p² > n: what it leaves is 1 or a prime, and the rest of the table is absent.
            Assert.True(scalarRest == rest || (scalarRest % rest == 0 && TestNumbers.ReferencePrime(scalarRest)), $"scalar on {n}");
            int vectorCount = 0;
            ulong vectorRest = TrialDivision64.IsVectorized ? TrialDivision64.DivideOutVector(n, actual, ref vectorCount) : rest;
            if (TrialDivision64.IsVectorized)
            {
                Assert.Equal(rest, vectorRest);
                Assert.Equal(expected[..expectedCount].ToArray(), actual[..vectorCount].ToArray());
            }
            int count = 0;
            ulong cofactor = TrialDivision64.DivideOut(n, actual, ref count);
            ulong product = cofactor;
            foreach (ulong f in actual[..count])
            {
                product *= f;
            }
            Assert.Equal(n, product);
        }
    }

    [Fact]
    public void Rho_SemiprimesWithFactorsJustAboveTheTrialBound_FindsAProperFactor()
    {
        // Small factors close rho's cycle in the first rounds, where one GCD covers two rounds and a batch can overshoot.
        var random = new Random(1009);
        for (int i = 0; i < 2_000; i++)
        {
            ulong p = TestNumbers.RandomPrime(random, random.Next(10, 14));
            ulong q = TestNumbers.RandomPrime(random, random.Next(10, 40));
            ulong n = p * q;
            if (p < 1009 || q < 1009 || p == q)
            {
                continue;
            }
            ulong d = PollardRho64.FindFactor(n);
            Assert.True(d > 1 && d < n && n % d == 0, $"rho on {n} = {p}·{q} gave {d}");
        }
    }

    [Fact]
    public void Rho_ShortSearch_ReturnsZeroOrAProperFactor_AndFindsSmallFactors()
    {
        var random = new Random(256);
        int found = 0;
        for (int i = 0; i < 300; i++)
        {
            ulong p = TestNumbers.RandomPrime(random, random.Next(11, 15));
            ulong q = TestNumbers.RandomPrime(random, random.Next(40, 60 - 15));
            ulong n = p * q;
            ulong d = PollardRho64.FindSmallFactor(n, 256);
            Assert.True(d == 0 || (d > 1 && d < n && n % d == 0), $"short rho on {n} = {p}·{q} gave {d}");
            found += d == 0 ? 0 : 1;
            // Two large primes: the short search must give up, not return n or a wrong divisor.
            ulong big = TestNumbers.RandomPrime(random, 29) * TestNumbers.RandomPrime(random, 30);
            ulong e = PollardRho64.FindSmallFactor(big, 256);
            Assert.True(e == 0 || (e > 1 && e < big && big % e == 0), $"short rho on {big} gave {e}");
        }
        // Factors below 2^14 close rho's cycle within ~4·256 steps almost always.
        Assert.True(found > 250, $"the short search found only {found} of 300 small factors");
    }

    [Fact]
    public void Ecm_SmallPlan_ReturnsZeroOrAProperFactor()
    {
        var random = new Random(40);
        for (int i = 0; i < 100; i++)
        {
            ulong n = TestNumbers.RandomPrime(random, 14) * TestNumbers.RandomPrime(random, 47);
            ulong d = Ecm64.FindFactor(n, EcmPlans.Small, 1);
            Assert.True(d == 0 || (d > 1 && d < n && n % d == 0), $"small curve on {n} gave {d}");
        }
    }
}
