using System.Numerics;

namespace Factorizer.Math.Tests;

/// <summary>Edge cases and contracts of <see cref="PrimeFactorizer"/> that do not need GNU factor.</summary>
public class PrimeFactorizerTests
{
    [Fact]
    public void Factor_ZeroAndOne_ReturnEmpty()
    {
        Assert.Empty(PrimeFactorizer.Factor(0UL));
        Assert.Empty(PrimeFactorizer.Factor(1UL));
        Assert.Empty(PrimeFactorizer.Factor(BigInteger.Zero));
        Assert.Empty(PrimeFactorizer.Factor(BigInteger.One));
    }

    [Fact]
    public void Factor_NegativeBigInteger_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PrimeFactorizer.Factor(BigInteger.MinusOne));
        Assert.Throws<ArgumentOutOfRangeException>(() => PrimeFactorizer.Factor(-(BigInteger.One << 100)));
    }

    [Theory]
    [InlineData(4UL, new ulong[] { 2, 2 })]
    [InlineData(ulong.MaxValue, new ulong[] { 3, 5, 17, 257, 641, 65_537, 6_700_417 })]
    [InlineData(18_446_744_073_709_551_557UL, new ulong[] { 18_446_744_073_709_551_557 })]
    [InlineData(9_223_372_036_854_775_808UL, new ulong[] { 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2 })]
    [InlineData(18_446_743_979_220_271_189UL, new ulong[] { 4_294_967_279, 4_294_967_291 })]
    [InlineData(1_018_081UL, new ulong[] { 1009, 1009 })]
    [InlineData(3_825_123_056_546_413_051UL, new ulong[] { 149_491, 747_451, 34_233_211 })]
    public void Factor_KnownUlong_ReturnsExpectedFactors(ulong n, ulong[] expected)
    {
        Assert.Equal(expected, PrimeFactorizer.Factor(n));
    }

    [Fact]
    public void Factor_TwoTo64PlusOne_ReturnsBothPrimes()
    {
        Assert.Equal([274_177, 67_280_421_310_721], PrimeFactorizer.Factor((BigInteger.One << 64) + 1));
    }

    [Fact]
    public void Factor_MersennePrime127_ReturnsItself()
    {
        BigInteger m127 = (BigInteger.One << 127) - 1;
        Assert.Equal([m127], PrimeFactorizer.Factor(m127));
    }

    [Fact]
    public void Factor_RandomProducts_VerifyAndAreAscending()
    {
        var random = new Random(5);
        for (int i = 0; i < 200; i++)
        {
            BigInteger n = BigInteger.One;
            int parts = random.Next(1, 6);
            for (int j = 0; j < parts; j++)
            {
                n *= TestNumbers.RandomBits(random, random.Next(2, 30));
            }
            BigInteger[] factors = PrimeFactorizer.Factor(n);
            Assert.True(FactorizationVerifier.Verify(n, factors, out string? reason), $"{n}: {reason}");
            Assert.Equal(factors.Order(), factors);
        }
    }

    [Fact]
    public void Factor_CancelledToken_ThrowsForHardNumber()
    {
        // Two ~100-bit primes: far beyond rho, so only cancellation can end this call.
        BigInteger hard = ((BigInteger.One << 107) - 1) * ((BigInteger.One << 89) - 1) * ((BigInteger.One << 127) - 1);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => PrimeFactorizer.Factor(hard, cts.Token));
    }

    [Theory]
    [InlineData("18446744073709551557", 2)]          // largest 64-bit prime: the square is 128 bits
    [InlineData("18446744073709551557", 3)]
    [InlineData("618970019642690137449562111", 2)]   // 2^89 - 1
    [InlineData("618970019642690137449562111", 7)]
    [InlineData("1125899906842597", 4)]              // largest prime below 2^50
    public void Factor_PowersOfLargePrimes_ReturnsPrimeRepeated(string primeText, int exponent)
    {
        // Rho would need ~sqrt(p) steps here; the perfect-power check makes these immediate.
        BigInteger p = BigInteger.Parse(primeText, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(TestNumbers.ReferencePrime(p));
        Assert.Equal(Enumerable.Repeat(p, exponent), PrimeFactorizer.Factor(BigInteger.Pow(p, exponent)));
        // With other factors beside it, rho splits those off first and the power is what remains.
        BigInteger[] expected = [2, 3, 1_000_003, 1_000_033, .. Enumerable.Repeat(p, exponent)];
        Assert.Equal(expected.Order(), PrimeFactorizer.Factor(BigInteger.Pow(p, exponent) * 6 * 1_000_003 * 1_000_033));
    }
}
