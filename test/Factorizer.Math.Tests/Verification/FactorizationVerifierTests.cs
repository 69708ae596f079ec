using System.Numerics;

namespace Factorizer.Math.Tests;

public class FactorizationVerifierTests
{
    [Fact]
    public void Verify_CorrectFactorizationInAnyOrder_ReturnsTrue()
    {
        Assert.True(FactorizationVerifier.Verify(12, [2, 2, 3], out string? reason));
        Assert.Null(reason);
        Assert.True(FactorizationVerifier.Verify(12, [3, 2, 2], out reason));
        Assert.Null(reason);
        Assert.True(FactorizationVerifier.Verify(13, [13], out _));
    }

    [Fact]
    public void Verify_WrongProduct_ReturnsFalseWithProduct()
    {
        Assert.False(FactorizationVerifier.Verify(13, [2, 2, 3], out string? reason));
        Assert.Equal("product 12 != 13", reason);
    }

    [Fact]
    public void Verify_CompositeFactor_ReturnsFalseNamingIt()
    {
        Assert.False(FactorizationVerifier.Verify(12, [4, 3], out string? reason));
        Assert.Equal("4 is not prime", reason);
        Assert.False(FactorizationVerifier.Verify(12, [1, 2, 2, 3], out reason));
        Assert.Equal("1 is not prime", reason);
        Assert.False(FactorizationVerifier.Verify(-12, [-2, 2, 3], out _));
    }

    [Fact]
    public void Verify_UlongRepeatedOrZeroFactors_ChecksEachDistinctFactor()
    {
        Assert.True(FactorizationVerifier.Verify(1_024UL, [2, 2, 2, 2, 2, 2, 2, 2, 2, 2], out string? reason));
        Assert.Null(reason);
        Assert.False(FactorizationVerifier.Verify(16UL, [4, 4], out reason));
        Assert.Equal("4 is not prime", reason);
        Assert.False(FactorizationVerifier.Verify(12UL, [0, 0, 3], out reason));
        Assert.Equal("0 is not prime", reason);
        Assert.False(FactorizationVerifier.Verify(12UL, [1, 1, 2, 2, 3], out reason));
        Assert.Equal("1 is not prime", reason);
        Assert.True(FactorizationVerifier.Verify(18_446_743_979_220_271_189UL, [4_294_967_279, 4_294_967_291], out reason));
        Assert.False(FactorizationVerifier.Verify(3_825_123_056_546_413_051UL, [3_825_123_056_546_413_051], out reason));
        Assert.Equal("3825123056546413051 is not prime", reason);
    }

    [Theory]
    [InlineData(6_141UL, new ulong[] { 3, 2_047 }, "2047 is not prime")]                         // base-2 strong pseudoprime
    [InlineData(561UL, new ulong[] { 561 }, "561 is not prime")]                                 // Carmichael
    [InlineData(2_049_302UL, new ulong[] { 2, 1_024_651 }, "1024651 is not prime")]              // Carmichael past the bitmap
    [InlineData(9_518_246_282UL, new ulong[] { 2, 4_759_123_141 }, "4759123141 is not prime")]  // strong pseudoprime to 2, 7, 61
    [InlineData(3_366_014_008_899UL, new ulong[] { 3, 1_122_004_669_633 }, "1122004669633 is not prime")]
    [InlineData(1_000_006_000_009UL, new ulong[] { 1_000_006_000_009 }, "1000006000009 is not prime")] // 1000003²
    [InlineData(5_777UL, new ulong[] { 5_777 }, "5777 is not prime")]                            // extra strong Lucas pseudoprime
    public void Verify_UlongPseudoprimeClaimedAsFactor_IsRefusedThoughTheProductMatches(ulong n, ulong[] factors, string reason)
    {
        Assert.False(FactorizationVerifier.Verify(n, factors, out string? why));
        Assert.Equal(reason, why);
        Assert.False(FactorizationVerifier.Verify((BigInteger)n, [.. factors.Select(f => (BigInteger)f)], out why));
        Assert.Equal(reason, why);
    }

    [Fact]
    public void Verify_ZeroAndOne_OnlyEmptyListIsValid()
    {
        Assert.True(FactorizationVerifier.Verify(0, [], out string? reason));
        Assert.Null(reason);
        Assert.True(FactorizationVerifier.Verify(1, [], out reason));
        Assert.Null(reason);
        Assert.False(FactorizationVerifier.Verify(0, [0], out reason));
        Assert.NotNull(reason);
        Assert.False(FactorizationVerifier.Verify(1, [1], out reason));
        Assert.NotNull(reason);
    }

    [Fact]
    public void Verify_EmptyListForNumberAboveOne_ReturnsFalse()
    {
        Assert.False(FactorizationVerifier.Verify(7, [], out string? reason));
        Assert.Equal("product 1 != 7", reason);
    }

    [Fact]
    public void Verify_NegativeNumber_ReturnsFalse()
    {
        Assert.False(FactorizationVerifier.Verify(-6, [2, 3], out string? reason));
        Assert.Contains("negative", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_NullFactors_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => FactorizationVerifier.Verify(new BigInteger(6), (IReadOnlyList<BigInteger>)null!, out _));
    }

    [Fact]
    public void Verify_BigNumbers_UsesBpswBeyond64Bits()
    {
        BigInteger m89 = (BigInteger.One << 89) - 1, m127 = (BigInteger.One << 127) - 1;
        Assert.True(FactorizationVerifier.Verify(m89 * m127 * 2, [m127, 2, m89], out _));
        // A strong pseudoprime to every prime base up to 37 is still rejected as a factor.
        BigInteger spsp = BigInteger.Parse("318665857834031151167461", System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(FactorizationVerifier.Verify(spsp, [spsp], out string? reason));
        Assert.Equal("318665857834031151167461 is not prime", reason);
    }

    [Fact]
    public void Verify_OurFactorizations_AreAccepted()
    {
        var random = new Random(11);
        for (int i = 0; i < 500; i++)
        {
            BigInteger n = (BigInteger)TestNumbers.RandomBits(random, 64) * TestNumbers.RandomBits(random, random.Next(2, 30));
            Assert.True(FactorizationVerifier.Verify(n, PrimeFactorizer.Factor(n), out string? reason), reason);
        }
    }

    [Fact]
    public void Verify64_AgreesWithTheBigIntegerForm()
    {
        (ulong N, ulong[] Factors)[] cases =
        [
            (ulong.MaxValue, [3, 5, 17, 257, 641, 65537, 6700417]),
            (ulong.MaxValue, [3, 5, 17, 257, 641, 65537, 6700417, 2]), // product overflows 64 bits
            (999999999999, [3, 3, 3, 7, 11, 13, 37, 101, 9901]),
            (999999999999, [3, 3, 3, 7, 11, 13, 37, 101, 9901, 9901]),
            (18446744073709551557, [18446744073709551557]), // largest 64-bit prime
            (18446744073709551557, [18446744073709551556]),
            (1, []),
            (0, [2]),
            (4, [2]),
        ];
        foreach ((ulong n, ulong[] factors) in cases)
        {
            bool fast = FactorizationVerifier.Verify(n, factors.AsSpan(), out string? fastReason);
            bool big = FactorizationVerifier.Verify((BigInteger)n, [.. factors.Select(f => (BigInteger)f)], out string? bigReason);
            Assert.Equal(big, fast);
            Assert.Equal(bigReason, fastReason);
        }
    }
}
