using Factorizer.Work.Cli;

namespace Factorizer.Programs.Tests.Cli;

public class CommandLineTests
{
    private static readonly string[] Values = ["port", "name", "wait"];
    private static readonly string[] Flags = ["help", "verbose"];

    private static CommandLine Parse(params string[] args) => CommandLine.Parse(args, Values, Flags);

    [Fact]
    public void Parse_NoArguments_HasNothing()
    {
        CommandLine line = Parse();
        Assert.False(line.Has("port"));
        Assert.Null(line.Text("port"));
        Assert.Equal(7, line.Integer("port", 7));
        Assert.Equal(TimeSpan.FromSeconds(3), line.Seconds("wait", TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void Parse_ValueAsNextArgument_ReturnsValue()
    {
        CommandLine line = Parse("--port", "5000", "--name", "x y");
        Assert.Equal("5000", line.Text("port"));
        Assert.Equal("x y", line.Text("name"));
        Assert.Equal(5000, line.Integer("port", 0));
    }

    [Fact]
    public void Parse_ValueAfterEquals_ReturnsValue()
    {
        CommandLine line = Parse("--port=17", "--name=a=b");
        Assert.Equal(17, line.Integer("port", 0));
        Assert.Equal("a=b", line.Text("name"));
    }

    [Fact]
    public void Parse_EmptyValueAfterEquals_IsEmptyText()
    {
        Assert.Equal("", Parse("--name=").Text("name"));
    }

    [Fact]
    public void Parse_ValueThatLooksLikeAnOption_IsTakenAsTheValue()
    {
        // GNU getopt_long does the same: a required argument is the next word, whatever it is.
        CommandLine line = Parse("--name", "--verbose");
        Assert.Equal("--verbose", line.Text("name"));
        Assert.False(line.Has("verbose"));
    }

    [Fact]
    public void Parse_Flag_IsPresentWithoutValue()
    {
        CommandLine line = Parse("--verbose");
        Assert.True(line.Has("verbose"));
        Assert.False(line.Has("help"));
        Assert.Null(line.Text("verbose"));
    }

    [Fact]
    public void Parse_FlagWithValue_Throws()
    {
        var e = Assert.Throws<UsageException>(() => Parse("--help=yes"));
        Assert.Contains("--help takes no value", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--bogus=1")]
    [InlineData("--Port")]
    public void Parse_UnknownOption_ThrowsNamingIt(string arg)
    {
        var e = Assert.Throws<UsageException>(() => Parse(arg));
        Assert.Contains("unknown option '--" + arg[2..].Split('=')[0] + "'", e.Message, StringComparison.Ordinal);
        Assert.Contains("--help", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingValue_Throws()
    {
        var e = Assert.Throws<UsageException>(() => Parse("--verbose", "--port"));
        Assert.Equal("--port needs a value", e.Message);
    }

    [Theory]
    [InlineData("--port 1 --port 2")]
    [InlineData("--port=1 --port 1")]
    [InlineData("--verbose --verbose")]
    public void Parse_RepeatedOption_Throws(string line)
    {
        string[] args = line.Split(' ');
        var e = Assert.Throws<UsageException>(() => Parse(args));
        Assert.Contains("given more than once", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("5000")]
    [InlineData("-p")]
    [InlineData("--")]
    [InlineData("port")]
    public void Parse_PositionalOrShortArgument_Throws(string arg)
    {
        var e = Assert.Throws<UsageException>(() => Parse(arg));
        Assert.Contains($"unexpected argument '{arg}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_QuoteUserTextEscaped()
    {
        var unexpected = Assert.Throws<UsageException>(() => Parse("\u001b[2J"));
        Assert.Contains(@"unexpected argument '\x1b[2J'", unexpected.Message, StringComparison.Ordinal);
        var unknown = Assert.Throws<UsageException>(() => Parse("--po\u0007rt=1"));
        Assert.Contains(@"unknown option '--po\x07rt'", unknown.Message, StringComparison.Ordinal);
        var integer = Assert.Throws<UsageException>(() => Parse("--port", "5\r\n" + new string('0', 100)).Integer("port", 0));
        Assert.Equal(@"--port must be an integer, not '5\r\n" + new string('0', 35) + "…'", integer.Message);
        foreach (string message in new[] { unexpected.Message, unknown.Message, integer.Message })
        {
            Assert.DoesNotContain(message, c => c < 0x20);
        }
    }

    [Fact]
    public void Parse_NullArguments_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => CommandLine.Parse(null!, Values, Flags));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("")]
    [InlineData(" 5")]
    [InlineData("99999999999999999999")]
    [InlineData("0x10")]
    public void Integer_NotAnInteger_Throws(string text)
    {
        var e = Assert.Throws<UsageException>(() => Parse("--port", text).Integer("port", 0));
        Assert.Equal($"--port must be an integer, not '{text}'", e.Message);
    }

    [Theory]
    [InlineData("+5", 5)]
    [InlineData("-3", -3)]
    [InlineData("007", 7)]
    public void Integer_SignedOrPadded_Parses(string text, long expected)
    {
        Assert.Equal(expected, Parse("--port", text).Integer("port", 0));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("11")]
    public void Integer_OutOfRange_ThrowsWithTheRange(string text)
    {
        var e = Assert.Throws<UsageException>(() => Parse("--port", text).Integer("port", 5, 1, 10));
        Assert.Equal($"--port must be between 1 and 10, not {text}", e.Message);
    }

    [Theory]
    [InlineData("1", 1000)]
    [InlineData("0.25", 250)]
    [InlineData("0", 0)]
    [InlineData("1e1", 10_000)]
    public void Seconds_Number_Parses(string text, int milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), Parse("--wait", text).Seconds("wait", TimeSpan.Zero));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e12")]
    [InlineData("soon")]
    [InlineData("")]
    public void Seconds_Invalid_Throws(string text)
    {
        var e = Assert.Throws<UsageException>(() => Parse("--wait", text).Seconds("wait", TimeSpan.Zero));
        Assert.Contains("--wait must be a non-negative number of seconds", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RepeatableOption_KeepsEveryValueInOrder()
    {
        CommandLine line = CommandLine.Parse(["--queue", "a", "--port", "1", "--queue=b", "--queue", "a"], Values, Flags, ["queue"]);
        Assert.Equal(["a", "b", "a"], line.All("queue"));
        Assert.True(line.Has("queue"));
        Assert.Equal("1", line.Text("port"));
    }

    [Fact]
    public void Parse_RepeatableOptionAbsent_AllIsEmpty()
    {
        CommandLine line = CommandLine.Parse(["--port", "1"], Values, Flags, ["queue"]);
        Assert.Empty(line.All("queue"));
        Assert.False(line.Has("queue"));
    }

    [Fact]
    public void Parse_RepeatableOptionWithoutValue_IsUsageError()
    {
        UsageException e = Assert.Throws<UsageException>(() => CommandLine.Parse(["--queue"], Values, Flags, ["queue"]));
        Assert.Equal("--queue needs a value", e.Message);
    }
}
