using System.Net;
using System.Numerics;
using Factorizer.Programs.Tests.Support;
using Factorizer.TestSupport;
using Factorizer.Work.Cli;

namespace Factorizer.Programs.Tests.Cli;

public class ServerSettingsTests
{
    private static Settings Parse(params string[] args) => Settings.Server(args);

    private static UsageException Fails(params string[] args) => Assert.Throws<UsageException>(() => Parse(args));

    [Fact]
    public void Parse_NoArguments_GivesTheSeedDefaults()
    {
        Settings s = Parse();
        Assert.False(s.Get<bool>("ShowHelp"));
        Assert.Equal(5000, s.Get<int>("Port"));
        Assert.Equal(IPAddress.Any, s.Get<IPAddress>("Bind"));
        Assert.Null(s.Get<string?>("AuthKey"));
        Assert.Null(s.Get<string?>("Input"));
        Assert.Null(s.Get<string?>("Output"));
        Assert.Equal(new BigInteger(999_999_999_999), s.Get<BigInteger>("Start"));
        Assert.Equal(new BigInteger(2), s.Get<BigInteger>("Step"));
        Assert.Equal(1000L, s.Get<long>("Count"));
        Assert.Equal(43, s.Get<int>("ChunkSize"));
        Assert.Equal(0, s.Get<int>("Procs"));
        Assert.Equal(TimeSpan.FromSeconds(5), s.Get<TimeSpan>("ProgressInterval"));
    }

    [Fact]
    public void Parse_EveryOption_IsApplied()
    {
        Settings s = Parse("--port", "0", "--bind", "127.0.0.1", "--authkey", "k", "--start", "123456789012345678901234567890",
            "--step", "-3", "--count", "7", "--chunk-size", "5", "--output", "out.txt", "--procs", "3", "--progress-interval", "0.5", "--verbose");
        Assert.Equal(0, s.Get<int>("Port"));
        Assert.Equal(IPAddress.Loopback, s.Get<IPAddress>("Bind"));
        Assert.Equal("k", s.Get<string>("AuthKey"));
        Assert.Equal(BigInteger.Parse("123456789012345678901234567890", System.Globalization.CultureInfo.InvariantCulture), s.Get<BigInteger>("Start"));
        Assert.Equal(new BigInteger(-3), s.Get<BigInteger>("Step"));
        Assert.Equal(7L, s.Get<long>("Count"));
        Assert.Equal(5, s.Get<int>("ChunkSize"));
        Assert.Equal("out.txt", s.Get<string>("Output"));
        Assert.Equal(3, s.Get<int>("Procs"));
        Assert.Equal(TimeSpan.FromMilliseconds(500), s.Get<TimeSpan>("ProgressInterval"));
    }

    [Theory]
    [InlineData("-")]
    [InlineData("numbers.txt")]
    public void Parse_Input_IsKept(string input)
    {
        Assert.Equal(input, Parse("--input", input).Get<string>("Input"));
    }

    [Theory]
    [InlineData("localhost", "127.0.0.1")]
    [InlineData("::1", "::1")]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("::", "::")]
    public void Parse_Bind_AcceptsAddresses(string text, string expected)
    {
        Assert.Equal(IPAddress.Parse(expected), Parse("--bind", text).Get<IPAddress>("Bind"));
    }

    [Fact]
    public void Parse_BindNotAnAddress_Throws()
    {
        Assert.Contains("--bind must be an IP address", Fails("--bind", "example.invalid").Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("--port", "1", "--help")]
    public void Parse_Help_ShowsHelp(params string[] args)
    {
        Assert.True(Parse(args).Get<bool>("ShowHelp"));
    }

    [Fact]
    public void Help_NamesEveryOptionAndTheExitCodes()
    {
        string help = Settings.Help(Settings.ServerType);
        Assert.StartsWith("Usage: factor-server", help, StringComparison.Ordinal);
        foreach (string option in new[] { "--input", "--start", "--step", "--count", "--port", "--bind", "--authkey", "--authkey-file", "--chunk-size", "--procs", "--output", "--progress-interval", "--verbose", "--help" })
        {
            Assert.Contains(option, help, StringComparison.Ordinal);
        }
        Assert.Contains("Exit codes: 0", help, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--count")]
    [InlineData("--start")]
    [InlineData("--step")]
    public void Parse_InputWithGeneratorOption_Throws(string option)
    {
        Assert.Equal("give --input or --start/--step/--count, not both", Fails("--input", "x.txt", option, "5").Message);
    }

    [Theory]
    [InlineData("--port", "-1")]
    [InlineData("--port", "65536")]
    [InlineData("--port", "http")]
    [InlineData("--count", "-1")]
    [InlineData("--count", "ten")]
    [InlineData("--chunk-size", "0")]
    [InlineData("--chunk-size", "1000001")]
    [InlineData("--procs", "-1")]
    [InlineData("--procs", "1025")]
    [InlineData("--procs", "two")]
    [InlineData("--progress-interval", "0")]
    [InlineData("--progress-interval", "-1")]
    [InlineData("--start", "-1")]
    [InlineData("--start", "+1")]
    [InlineData("--start", "1e3")]
    [InlineData("--start", "")]
    [InlineData("--step", "2.5")]
    public void Parse_BadNumber_ThrowsNamingTheOption(string option, string value)
    {
        Assert.Contains(option, Fails(option, value).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HugeStart_IsCutInTheMessage()
    {
        string text = "1" + new string('x', 100);
        string message = Fails("--start", text).Message;
        Assert.Equal("--start must be a non-negative integer, not '1" + new string('x', 39) + "…'", message);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("-p")]
    [InlineData("5000")]
    public void Parse_UnknownOrPositional_Throws(string arg)
    {
        Fails(arg);
    }

    [Theory]
    [InlineData("--port")]
    [InlineData("--input")]
    [InlineData("--authkey")]
    public void Parse_MissingValue_Throws(string option)
    {
        Assert.Equal($"{option} needs a value", Fails(option).Message);
    }

    [Fact]
    public void Parse_RepeatedOption_Throws()
    {
        Assert.Equal("--procs given more than once", Fails("--procs", "1", "--procs", "2").Message);
    }

    [Fact]
    public void Parse_KeyFromEnvironment_IsUsed()
    {
        Settings s = Settings.Server([], new Dictionary<string, string> { [AuthKeySource.EnvironmentVariable] = "envkey" });
        Assert.Equal("envkey", s.Get<string>("AuthKey"));
    }

    [Fact]
    public void Parse_KeyOptionAndEnvironment_OptionWins()
    {
        Settings s = Settings.Server(["--authkey", "opt"], new Dictionary<string, string> { [AuthKeySource.EnvironmentVariable] = "envkey" });
        Assert.Equal("opt", s.Get<string>("AuthKey"));
    }

    [Fact]
    public void Parse_KeyFile_IsRead()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("key"), "from-file\n");
        Settings s = Settings.Server(["--authkey-file", dir.File("key")], new Dictionary<string, string> { [AuthKeySource.EnvironmentVariable] = "envkey" });
        Assert.Equal("from-file", s.Get<string>("AuthKey"));
    }

    [Fact]
    public void Parse_KeyAndKeyFile_Throws()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("key"), "k");
        Assert.Equal("give --authkey or --authkey-file, not both", Fails("--authkey", "k", "--authkey-file", dir.File("key")).Message);
    }

    [Fact]
    public void Parse_KeyFileMissing_Throws()
    {
        using var dir = new TempDirectory();
        Assert.Contains("cannot read --authkey-file", Fails("--authkey-file", dir.File("missing")).Message, StringComparison.Ordinal);
    }
}
