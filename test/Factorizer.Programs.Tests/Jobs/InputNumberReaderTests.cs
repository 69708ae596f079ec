using System.Numerics;
using System.Text;
using Factorizer.Programs.Tests.Support;
using Factorizer.Work.Jobs;

namespace Factorizer.Programs.Tests.Jobs;

public class InputNumberReaderTests
{
    private static List<object> ReadAll(string text) => ReadAll(Encoding.UTF8.GetBytes(text));

    private static List<object> ReadAll(byte[] bytes)
    {
        var reader = new InputNumberReader(new MemoryStream(bytes));
        var numbers = new List<object>();
        while (reader.TryRead(out object n))
        {
            numbers.Add(n);
        }
        return numbers;
    }

    private static InvalidInputException Fails(string text) => Assert.Throws<InvalidInputException>(() => ReadAll(text));

    private static BigInteger Big(string digits) => BigInteger.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\n\n\n")]
    [InlineData(" \t\r\n\v\f")]
    public void TryRead_EmptyOrBlankInput_ReturnsFalse(string text)
    {
        Assert.Empty(ReadAll(text));
    }

    [Fact]
    public void TryRead_SmallNumbers_AreLongs()
    {
        Assert.Equal(new object[] { 0L, 1L, 2L, 42L, 999_999_999_999L }, ReadAll("0 1 2\n42\n999999999999\n"));
    }

    [Fact]
    public void TryRead_AnyWhitespace_Separates()
    {
        Assert.Equal(new object[] { 1L, 2L, 3L, 4L, 5L, 6L, 7L }, ReadAll("1\t2\r\n3\v4\f5  \t 6\r7"));
    }

    [Fact]
    public void TryRead_NoTrailingNewline_ReadsLastNumber()
    {
        Assert.Equal(new object[] { 10L, 20L }, ReadAll("10\n20"));
    }

    [Theory]
    [InlineData("+5", 5L)]
    [InlineData("007", 7L)]
    [InlineData("0000000000000000000000000000000000000042", 42L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void TryRead_SignPlusOrLeadingZeros_ParseLikeGnuFactor(string text, long expected)
    {
        object n = Assert.Single(ReadAll(text));
        Assert.IsType<long>(n);
        Assert.Equal(expected, n);
    }

    [Theory]
    [InlineData("7\n", 7L)]
    [InlineData("999999999999999999 ", 999_999_999_999_999_999L)] // 18 digits: the short path's longest
    [InlineData("9223372036854775807\n", long.MaxValue)] // 19 digits: the general path
    [InlineData("000000000000000000000042\n", 42L)]
    public void TryRead_TokensEndedByWhitespace_AreLongs(string text, long expected)
    {
        object n = Assert.Single(ReadAll(text));
        Assert.IsType<long>(n);
        Assert.Equal(expected, n);
    }

    [Theory]
    [InlineData("1 2\n12a\n", "12a", 2)]
    [InlineData("1e3\n", "1e3", 1)]
    [InlineData("12345678901234567x 5\n", "12345678901234567x", 1)]
    [InlineData("5+\n", "5+", 1)]
    public void TryRead_DigitsThenJunkBeforeWhitespace_IsABadToken(string text, string token, long line)
    {
        var e = Fails(text);
        Assert.Equal(token, e.Token);
        Assert.Equal(line, e.LineNumber);
    }

    [Theory]
    [InlineData("9223372036854775808")]
    [InlineData("18446744073709551615")]
    [InlineData("18446744073709551616")]
    [InlineData("18446744073709551617")]
    [InlineData("99999999999999999999")]
    [InlineData("340282366920938463463374607431768211457")]
    public void TryRead_BeyondLong_IsBigInteger(string text)
    {
        object n = Assert.Single(ReadAll(text + "\n"));
        Assert.IsType<BigInteger>(n);
        Assert.Equal(Big(text), n);
    }

    [Fact]
    public void TryRead_ThousandDigitNumber_IsExact()
    {
        string digits = "1" + string.Concat(Enumerable.Range(0, 999).Select(i => (char)('0' + (i * 7 % 10))));
        Assert.Equal(Big(digits), Assert.Single(ReadAll(digits)));
    }

    [Fact]
    public void TryRead_HundredThousandDigits_IsAccepted()
    {
        string digits = "9" + new string('0', 99_999);
        Assert.Equal(BigInteger.Pow(10, 99_999) * 9, Assert.Single(ReadAll(digits)));
    }

    [Fact]
    public void TryRead_HugeToken_IsRejectedWithAShortMessage()
    {
        var e = Fails("1\n2\n" + new string('7', 100_001) + "\n");
        Assert.Equal(3, e.LineNumber);
        Assert.Equal(new string('7', 40) + "…", e.Token); // cut to 40 characters and "…"
        Assert.Equal($"line 3: '{e.Token}' is too long (100001 characters; a number may have at most 100000 digits)", e.Message);
    }

    [Fact]
    public void TryRead_TenMegabyteTokenWithoutWhitespace_GivesABoundedError()
    {
        // Not held in memory: a stream that makes its bytes as they are read.
        const long size = 10L << 20;
        foreach (byte fill in new[] { (byte)'9', (byte)'x', (byte)0x1B })
        {
            var reader = new InputNumberReader(new RepeatingStream(fill, size));
            long before = GC.GetAllocatedBytesForCurrentThread();
            var e = Assert.Throws<InvalidInputException>(() => reader.TryRead(out _));
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(1, e.LineNumber);
            Assert.True(e.Message.Length < 200, e.Message);
            Assert.EndsWith("…", e.Token, StringComparison.Ordinal);
            Assert.True(allocated < 4 << 20, $"{allocated} bytes allocated for a {size}-byte token");
        }
    }

    [Fact]
    public void TryRead_NulInToken_IsEscaped()
    {
        var e = Assert.Throws<InvalidInputException>(() => ReadAll([(byte)'1', 0, (byte)'2', (byte)'\n']));
        Assert.Equal(@"1\02", e.Token);
        Assert.Equal(@"line 1: '1\02' is not a non-negative integer", e.Message);
    }

    [Fact]
    public void TryRead_EscSequenceToken_IsEscapedWithItsLine()
    {
        var e = Fails("1\n2\n5\u001b[2J\u001b]0;title\u0007\n");
        Assert.Equal(3, e.LineNumber);
        Assert.Equal(@"5\x1b[2J\x1b]0;title\x07", e.Token);
        Assert.DoesNotContain('\u001b', e.Message);
        Assert.DoesNotContain('\u0007', e.Message);
    }

    [Fact]
    public void TryRead_InvalidUtf8Token_IsHexNotReplacementCharacter()
    {
        var e = Assert.Throws<InvalidInputException>(() => ReadAll([(byte)'4', (byte)'\n', (byte)'5', 0xFF, 0xC3, (byte)'\n']));
        Assert.Equal(2, e.LineNumber);
        Assert.Equal(@"5\xff\xc3", e.Token);
        Assert.DoesNotContain('\uFFFD', e.Message);
    }

    [Fact]
    public void TryRead_C1ControlAndBidiOverride_AreEscaped()
    {
        var e = Fails("7\u009b2J\u202e");
        Assert.Equal(@"7\xc2\x9b2J\xe2\x80\xae", e.Token);
    }

    [Fact]
    public void TryRead_LongHostileToken_IsCutAfterEscaping()
    {
        var e = Fails(string.Concat(Enumerable.Repeat("\u001b[2J", 1000)));
        // 5 × 7 characters, then "\x1b" and "[" fit in the 40: an escape is cut before or after, never inside.
        Assert.Equal(string.Concat(Enumerable.Repeat(@"\x1b[2J", 5)) + @"\x1b[…", e.Token);
    }

    [Fact]
    public void TryRead_CrlfLines_ReadLikeLfLines()
    {
        Assert.Equal(ReadAll("5\n6\n18446744073709551617\n"), ReadAll("5\r\n6\r\n18446744073709551617\r\n"));
        Assert.Equal(2, Fails("5\r\n6x\r\n").LineNumber);
        Assert.Equal("6x", Fails("5\r\n6x\r\n").Token); // the CR is a separator, not part of the token
    }

    [Fact]
    public void TryRead_TokensAcrossBufferBoundaries_AreIntact()
    {
        // 200,000+ bytes: tokens straddle the reader's 64 KiB buffer refills.
        var expected = new List<object>();
        var text = new StringBuilder();
        for (int i = 0; i < 20_000; i++)
        {
            BigInteger n = i % 3 == 0 ? BigInteger.Pow(3, 40 + (i % 17)) : new BigInteger(1_000_003L * i);
            expected.Add(n <= long.MaxValue ? (object)(long)n : n);
            text.Append(n.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(i % 5 == 0 ? "\r\n" : " ");
        }
        Assert.Equal(expected, ReadAll(text.ToString()));
    }

    [Theory]
    [InlineData("-5", "-5")]
    [InlineData("12a", "12a")]
    [InlineData("0x10", "0x10")]
    [InlineData("1.5", "1.5")]
    [InlineData("1e3", "1e3")]
    [InlineData("+", "+")]
    [InlineData("++5", "++5")]
    [InlineData("+-5", "+-5")]
    [InlineData("five", "five")]
    [InlineData("1,000", "1,000")]
    [InlineData("٣", "٣")] // an Arabic-Indic digit is not a decimal digit here
    public void TryRead_BadToken_ThrowsNamingIt(string token, string reported)
    {
        var e = Fails(token);
        Assert.Equal(1, e.LineNumber);
        Assert.Equal(reported, e.Token);
        Assert.Equal($"line 1: '{reported}' is not a non-negative integer", e.Message);
    }

    [Theory]
    [InlineData("1\n2\nx\n4\n", 3)]
    [InlineData("1\n2\n3 4 x\n", 3)]
    [InlineData("1\r\n2\r\nx\r\n", 3)]
    [InlineData("\n\n\n\n-1", 5)]
    [InlineData("1 2 3 x", 1)]
    [InlineData("1\n\n  \n\t7 8\n\n9z", 6)]
    [InlineData("x\n", 1)]
    public void TryRead_BadToken_ReportsItsLine(string text, long line)
    {
        Assert.Equal(line, Fails(text).LineNumber);
    }

    [Fact]
    public void TryRead_BadTokenAfterManyLines_ReportsItsLine()
    {
        string text = string.Concat(Enumerable.Repeat("123456789\n", 50_000)) + "12a\n";
        Assert.Equal(50_001, Fails(text).LineNumber);
    }

    [Fact]
    public void TryRead_ValidNumbersBeforeABadOne_AreReturnedFirst()
    {
        var reader = new InputNumberReader(new MemoryStream("1 2\nbad"u8.ToArray()));
        Assert.True(reader.TryRead(out object a));
        Assert.True(reader.TryRead(out object b));
        Assert.Equal(1L, a);
        Assert.Equal(2L, b);
        Assert.Equal(1, reader.Line);
        Assert.Throws<InvalidInputException>(() => reader.TryRead(out _));
        Assert.Equal(2, reader.Line);
    }

    [Fact]
    public void TryRead_NulAndInvalidUtf8_AreBadTokens()
    {
        Assert.Throws<InvalidInputException>(() => ReadAll([(byte)'1', 0, (byte)'2']));
        Assert.Throws<InvalidInputException>(() => ReadAll([(byte)'5', 0xFF, 0xFE]));
    }
}
