using Factorizer.Programs.Tests.Support;
using Factorizer.TestSupport;
using Factorizer.Work.Cli;

namespace Factorizer.Programs.Tests.Cli;

public class ClientSettingsTests
{
    private static Settings Parse(params string[] args) => Settings.Client(args);

    private static UsageException Fails(params string[] args) => Assert.Throws<UsageException>(() => Parse(args));

    [Fact]
    public void Parse_OnlyKey_GivesDefaults()
    {
        Settings s = Parse("--authkey", "k");
        Assert.False(s.Get<bool>("ShowHelp"));
        Assert.Equal("127.0.0.1", s.Get<string>("Host"));
        Assert.Equal(5000, s.Get<int>("Port"));
        Assert.Equal("k", s.Get<string>("AuthKey"));
        Assert.Equal(Environment.ProcessorCount, s.Get<int>("Procs"));
        Assert.Equal(TimeSpan.FromSeconds(60), s.Get<TimeSpan>("ReconnectFor"));
    }

    [Fact]
    public void Parse_EveryOption_IsApplied()
    {
        Settings s = Parse("--ip", "factor.example", "--port", "6000", "--authkey", "k", "--procs", "3", "--reconnect-for", "2.5", "--verbose");
        Assert.Equal("factor.example", s.Get<string>("Host"));
        Assert.Equal(6000, s.Get<int>("Port"));
        Assert.Equal(3, s.Get<int>("Procs"));
        Assert.Equal(TimeSpan.FromSeconds(2.5), s.Get<TimeSpan>("ReconnectFor"));
    }

    [Fact]
    public void Parse_NoKeyAnywhere_ThrowsSayingWhereToPutIt()
    {
        string message = Fails("--ip", "h").Message;
        Assert.Contains("no authkey", message, StringComparison.Ordinal);
        Assert.Contains("--authkey", message, StringComparison.Ordinal);
        Assert.Contains(AuthKeySource.EnvironmentVariable, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Help_NeedsNoKey()
    {
        Assert.True(Parse("--help").Get<bool>("ShowHelp"));
    }

    [Fact]
    public void Parse_Version_NeedsNoKey()
    {
        Settings s = Parse("--version");
        Assert.True(s.Get<bool>("ShowVersion"));
        Assert.False(s.Get<bool>("ShowHelp"));
    }

    [Fact]
    public void Help_NamesEveryOption()
    {
        string help = Settings.Help(Settings.ClientType);
        Assert.StartsWith("Usage: factor-client", help, StringComparison.Ordinal);
        foreach (string option in new[] { "--ip", "--port", "--authkey", "--authkey-file", "--procs", "--reconnect-for", "--verbose", "--help", "--version" })
        {
            Assert.Contains(option, help, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Parse_KeyFromEnvironment_IsUsed()
    {
        Settings s = Settings.Client([], new Dictionary<string, string> { [AuthKeySource.EnvironmentVariable] = "envkey" });
        Assert.Equal("envkey", s.Get<string>("AuthKey"));
    }

    [Fact]
    public void Parse_KeyFileAndEnvironment_FileWins()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("key"), "filekey\r\n");
        Settings s = Settings.Client(["--authkey-file", dir.File("key")], new Dictionary<string, string> { [AuthKeySource.EnvironmentVariable] = "envkey" });
        Assert.Equal("filekey", s.Get<string>("AuthKey"));
    }

    [Fact]
    public void Parse_KeyFileEmpty_Throws()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("key"), "");
        Assert.Contains("is empty", Fails("--authkey-file", dir.File("key")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_KeyAndKeyFile_Throws()
    {
        Assert.Equal("give --authkey or --authkey-file, not both", Fails("--authkey", "a", "--authkey-file", "b").Message);
    }

    [Theory]
    [InlineData("--port", "0")]
    [InlineData("--port", "65536")]
    [InlineData("--port", "x")]
    [InlineData("--procs", "0")]
    [InlineData("--procs", "-2")]
    [InlineData("--procs", "many")]
    [InlineData("--reconnect-for", "-1")]
    [InlineData("--reconnect-for", "later")]
    public void Parse_BadNumber_ThrowsNamingTheOption(string option, string value)
    {
        Assert.Contains(option, Fails("--authkey", "k", option, value).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EmptyIp_Throws()
    {
        Assert.Equal("--ip must not be empty", Fails("--authkey", "k", "--ip", "").Message);
    }

    [Theory]
    [InlineData("--input", "x")]
    [InlineData("--count", "5")]
    [InlineData("--host", "h")]
    public void Parse_ServerOnlyOrUnknownOption_Throws(string option, string value)
    {
        Assert.Contains($"unknown option '{option}'", Fails("--authkey", "k", option, value).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingValue_Throws()
    {
        Assert.Equal("--ip needs a value", Fails("--authkey", "k", "--ip").Message);
    }

    [Fact]
    public void Parse_RepeatedOption_Throws()
    {
        Assert.Equal("--ip given more than once", Fails("--ip", "a", "--ip", "b", "--authkey", "k").Message);
    }
}
