using System.Text;
using Factorizer.Work.Cli;

namespace Factorizer.Programs.Tests.Cli;

public class DisplayTextTests
{
    private static void AssertNoControl(string text, bool newlineAllowed = false)
    {
        foreach (char c in text)
        {
            Assert.False((c < 0x20 && !(newlineAllowed && c is '\n' or '\t')) || c is (>= '\x7f' and <= '\x9f') or '\u202e',
                $"raw U+{(int)c:X4} in '{text.Replace("\u001b", "ESC", StringComparison.Ordinal)}'");
        }
    }

    [Theory]
    [InlineData("12345", "12345")]
    [InlineData("hello world ~!@#$%^&*()_+{}|:\"<>?", "hello world ~!@#$%^&*()_+{}|:\"<>?")]
    [InlineData("`-=[];',./ AZaz09", "`-=[];',./ AZaz09")]
    [InlineData("", "")]
    public void Escape_PrintableAscii_StaysAsItIs(string text, string shown)
    {
        Assert.Equal(shown, DisplayText.Escape(text));
    }

    [Theory]
    [InlineData("a\0b", @"a\0b")]
    [InlineData("a\tb", @"a\tb")]
    [InlineData("a\rb", @"a\rb")]
    [InlineData("a\nb", @"a\nb")]
    [InlineData("5\r", @"5\r")]
    public void Escape_NulTabCrLf_AreNamedEscapes(string text, string shown)
    {
        Assert.Equal(shown, DisplayText.Escape(text));
    }

    [Theory]
    [InlineData("\u0001", @"\x01")]
    [InlineData("\u0007", @"\x07")]
    [InlineData("\u000b\u000c", @"\x0b\x0c")]
    [InlineData("\u001f", @"\x1f")]
    [InlineData("\u007f", @"\x7f")]
    public void Escape_OtherAsciiControls_AreHex(string text, string shown)
    {
        Assert.Equal(shown, DisplayText.Escape(text));
    }

    [Fact]
    public void Escape_EscSequence_IsHexNeverRaw()
    {
        string shown = DisplayText.Escape("\u001b[2J\u001b]0;owned\u0007");
        Assert.Equal(@"\x1b[2J\x1b]0;owned\x07", shown);
        AssertNoControl(shown);
    }

    [Fact]
    public void Escape_Backslash_IsDoubled()
    {
        Assert.Equal(@"a\\x1b", DisplayText.Escape(@"a\x1b")); // a literal backslash cannot pass for an escape
        Assert.Equal(@"\\\\", DisplayText.Escape(@"\\"));
    }

    [Theory]
    [InlineData("héllo", "héllo")]
    [InlineData("数字", "数字")]
    [InlineData("٣", "٣")]
    [InlineData("😀", "😀")]
    public void Escape_VisibleNonAscii_StaysAsItIs(string text, string shown)
    {
        Assert.Equal(shown, DisplayText.Escape(text));
    }

    [Theory]
    [InlineData("\u0085", @"\xc2\x85")] // C1 control NEL
    [InlineData("\u009b2J", @"\xc2\x9b2J")] // C1 CSI: a terminal escape on its own
    [InlineData("\u202e", @"\xe2\x80\xae")] // right-to-left override
    [InlineData("\u200b", @"\xe2\x80\x8b")] // zero-width space
    [InlineData("\u00a0", @"\xc2\xa0")] // no-break space
    [InlineData("\u2028", @"\xe2\x80\xa8")] // line separator
    [InlineData("\ue000", @"\xee\x80\x80")] // private use
    public void Escape_InvisibleNonAscii_IsHexOfItsUtf8Bytes(string text, string shown)
    {
        Assert.Equal(shown, DisplayText.Escape(text));
    }

    [Fact]
    public void Escape_LoneSurrogate_IsUnicodeEscape()
    {
        Assert.Equal(@"a\u{D800}b", DisplayText.Escape("a\ud800b"));
    }

    [Fact]
    public void Escape_Over40Characters_IsCutWithEllipsis()
    {
        Assert.Equal(new string('7', 40), DisplayText.Escape(new string('7', 40)));
        Assert.Equal(new string('7', 40) + "…", DisplayText.Escape(new string('7', 41)));
        Assert.Equal(new string('7', 40) + "…", DisplayText.Escape(new string('7', 10_000_000)));
    }

    [Fact]
    public void Escape_CutNeverSplitsAnEscape()
    {
        // 38 characters, then an escape of 4 that does not fit: it is left out whole.
        string shown = DisplayText.Escape(new string('a', 38) + "\u001b" + "b");
        Assert.Equal(new string('a', 38) + "…", shown);
        // 40 NUL bytes show as 20 escapes of 2 characters.
        Assert.Equal(string.Concat(Enumerable.Repeat(@"\0", 20)) + "…", DisplayText.Escape(new string('\0', 40)));
    }

    [Fact]
    public void Escape_OtherLength_IsHonoured()
    {
        Assert.Equal("abc…", DisplayText.Escape("abcdef", 3));
        Assert.Equal("abcdef", DisplayText.Escape("abcdef", 6));
    }

    [Fact]
    public void Quote_AddsSingleQuotes()
    {
        Assert.Equal(@"'5\x1b[2J'", DisplayText.Quote("5\u001b[2J"));
        Assert.Equal(@"'\xff'", DisplayText.Quote([0xFF]));
    }

    [Fact]
    public void QuotePath_KeepsLongPaths()
    {
        string path = "/tmp/" + new string('d', 100) + "/numbers.txt";
        Assert.Equal("'" + path + "'", DisplayText.QuotePath(path));
        Assert.EndsWith("…'", DisplayText.QuotePath(path + new string('x', 200)), StringComparison.Ordinal);
    }

    [Fact]
    public void EscapeBytes_ValidUtf8_ReadsAsText()
    {
        Assert.Equal("héllo 数字 😀", DisplayText.Escape(Encoding.UTF8.GetBytes("héllo 数字 😀")));
    }

    [Theory]
    [InlineData(new byte[] { 0xFF }, @"\xff")]
    [InlineData(new byte[] { (byte)'5', 0xFF, 0xFE }, @"5\xff\xfe")]
    [InlineData(new byte[] { 0xC3 }, @"\xc3")] // cut-off sequence at the end
    [InlineData(new byte[] { 0xC3, (byte)'a' }, @"\xc3a")] // cut-off sequence before ASCII
    [InlineData(new byte[] { 0xE2, 0x82 }, @"\xe2\x82")]
    [InlineData(new byte[] { 0xC0, 0x80 }, @"\xc0\x80")] // overlong NUL
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, @"\xed\xa0\x80")] // a surrogate in UTF-8
    [InlineData(new byte[] { 0x80, 0x80 }, @"\x80\x80")] // lone continuation bytes
    public void EscapeBytes_InvalidUtf8_IsHexPerByteNeverReplacementCharacter(byte[] bytes, string shown)
    {
        string escaped = DisplayText.Escape(bytes);
        Assert.Equal(shown, escaped);
        Assert.DoesNotContain('\uFFFD', escaped);
    }

    [Fact]
    public void EscapeBytes_ControlsAndC1_FollowTheTextRules()
    {
        Assert.Equal(@"1\02\x1b[2J\r\n\t\\", DisplayText.Escape("1\u00002\u001b[2J\r\n\t\\"u8));
        Assert.Equal(@"\xc2\x9b", DisplayText.Escape([0xC2, 0x9B]));
    }

    [Fact]
    public void EscapeBytes_Truncated_AppendsEllipsisEvenWhenShort()
    {
        Assert.Equal("abc…", DisplayText.Escape("abc"u8, truncated: true));
        Assert.Equal(new string('9', 40) + "…", DisplayText.Escape(Encoding.ASCII.GetBytes(new string('9', 300))));
    }

    [Fact]
    public void Clean_KeepsNewlinesTabsAndBackslashes_EscapesTheRest()
    {
        string cleaned = DisplayText.Clean("line 1\tx\nC:\\dir \u001b[31mred\u001b[0m \u009b \u202e\r");
        Assert.Equal("line 1\tx\nC:\\dir \\x1b[31mred\\x1b[0m \\xc2\\x9b \\xe2\\x80\\xae\\r", cleaned);
        AssertNoControl(cleaned, newlineAllowed: true);
    }

    [Fact]
    public void Clean_PlainText_IsTheSameString()
    {
        string text = "connection from 127.0.0.1:5000 (worker)";
        Assert.Same(text, DisplayText.Clean(text));
        Assert.Equal("fine: é 数", DisplayText.Clean("fine: é 数"));
    }
}
