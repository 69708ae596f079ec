using System.Numerics;
using Factorizer.Math.Wide;
using Factorizer.Math.Word;

namespace Factorizer.Math.Tests;

/// <summary>Montgomery arithmetic against plain (slow) modular arithmetic, including moduli next to the word size.</summary>
public class MontgomeryTests
{
    [Fact]
    public void Montgomery64_MultiplyAddSubtractPower_MatchPlainModularArithmetic()
    {
        var random = new Random(64);
        var moduli = new List<ulong> { 3, 5, 1_000_003, ulong.MaxValue, ulong.MaxValue - 2, (1UL << 63) + 1, (1UL << 63) - 1 };
        for (int i = 0; i < 200; i++)
        {
            moduli.Add(TestNumbers.RandomBits(random, random.Next(2, 65)) | 1);
        }
        foreach (ulong n in moduli.Where(m => m >= 3))
        {
            var mont = new Montgomery64(n);
            for (int i = 0; i < 50; i++)
            {
                ulong a = TestNumbers.RandomBits(random, 64) % n, b = TestNumbers.RandomBits(random, 64) % n;
                ulong e = TestNumbers.RandomBits(random, random.Next(2, 65));
                ulong am = mont.ToMontgomery(a), bm = mont.ToMontgomery(b);
                Assert.Equal(a, mont.FromMontgomery(am));
                Assert.Equal((ulong)((UInt128)a * b % n), mont.FromMontgomery(mont.Multiply(am, bm)));
                Assert.Equal((ulong)(((UInt128)a + b) % n), mont.FromMontgomery(mont.Add(am, bm)));
                Assert.Equal((ulong)(((UInt128)a + n - b) % n), mont.FromMontgomery(mont.Subtract(am, bm)));
                Assert.Equal((ulong)BigInteger.ModPow(a, e, n), mont.FromMontgomery(mont.Power(am, e)));
            }
        }
    }

    [Fact]
    public void Montgomery128_MultiplyAddPower_MatchBigInteger()
    {
        var random = new Random(128);
        UInt128 max = UInt128.MaxValue;
        var moduli = new List<UInt128> { 3, 1_000_003, max, max - 2, (UInt128.One << 127) + 1, ulong.MaxValue, (UInt128)ulong.MaxValue + 2 };
        for (int i = 0; i < 200; i++)
        {
            moduli.Add(Random128(random, random.Next(2, 129)) | 1);
        }
        foreach (UInt128 n in moduli.Where(m => m >= 3))
        {
            var mont = new Montgomery128(n);
            BigInteger bn = n;
            for (int i = 0; i < 30; i++)
            {
                UInt128 a = Random128(random, 128) % n, b = Random128(random, 128) % n;
                UInt128 e = Random128(random, random.Next(2, 129));
                UInt128 am = mont.ToMontgomery(a), bm = mont.ToMontgomery(b);
                Assert.Equal(a, mont.FromMontgomery(am));
                Assert.Equal((UInt128)((BigInteger)a * b % bn), mont.FromMontgomery(mont.Multiply(am, bm)));
                Assert.Equal((UInt128)(((BigInteger)a + b) % bn), mont.FromMontgomery(mont.Add(am, bm)));
                Assert.Equal((UInt128)BigInteger.ModPow(a, e, bn), mont.FromMontgomery(mont.Power(am, e)));
            }
        }
    }

    [Fact]
    public void Montgomery128_LargestOperandsNear2To128_MatchBigInteger()
    {
        // The REDC intermediate needs a 129th bit exactly when N and the operands are close to 2^128.
        foreach (UInt128 n in new[] { UInt128.MaxValue, UInt128.MaxValue - 2, (UInt128.One << 127) + 1, (UInt128.One << 127) - 1 })
        {
            var mont = new Montgomery128(n);
            foreach (UInt128 a in new[] { n - 1, n - 2, (n / 2) + 1, UInt128.One, UInt128.Zero })
            {
                UInt128 am = mont.ToMontgomery(a);
                Assert.Equal((UInt128)((BigInteger)a * a % n), mont.FromMontgomery(mont.Multiply(am, am)));
                Assert.Equal((UInt128)((BigInteger)a * (n - 1) % n), mont.FromMontgomery(mont.Multiply(am, mont.ToMontgomery(n - 1))));
            }
        }
    }

    [Fact]
    public void Constructor_EvenModulus_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Montgomery64(10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Montgomery128(UInt128.One << 100));
    }

    [Fact]
    public void Gcd_RandomPairs_MatchesBigInteger()
    {
        var random = new Random(9);
        for (int i = 0; i < 2_000; i++)
        {
            ulong common = TestNumbers.RandomBits(random, random.Next(1, 20));
            ulong a = TestNumbers.RandomBits(random, 40) * common, b = TestNumbers.RandomBits(random, 40) * common;
            Assert.Equal((ulong)BigInteger.GreatestCommonDivisor(a, b), Gcd64.Of(a, b));
            UInt128 wa = (UInt128)a * TestNumbers.RandomBits(random, 60), wb = (UInt128)b * TestNumbers.RandomBits(random, 60);
            Assert.Equal((UInt128)BigInteger.GreatestCommonDivisor(wa, wb), Gcd128.Of(wa, wb));
        }
        Assert.Equal(7UL, Gcd64.Of(0, 7));
        Assert.Equal(7UL, Gcd64.Of(7, 0));
    }

    private static UInt128 Random128(Random random, int bits)
    {
        UInt128 value = new(TestNumbers.RandomBits(random, 64), TestNumbers.RandomBits(random, 64));
        value >>= 128 - bits;
        return value | (UInt128.One << (bits - 1));
    }
}
