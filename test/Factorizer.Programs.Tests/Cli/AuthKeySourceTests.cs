using System.Text;
using Factorizer.TestSupport;
using Factorizer.Work.Cli;

namespace Factorizer.Programs.Tests.Cli;

public class AuthKeySourceTests
{
    private static Func<string, string?> Env(string? key) => name => name == AuthKeySource.EnvironmentVariable ? key : null;

    [Fact]
    public void Resolve_NothingGiven_ReturnsNull()
    {
        Assert.Null(AuthKeySource.Resolve(null, null, Env(null)));
    }

    [Fact]
    public void Resolve_Option_ReturnsItsUtf8Bytes()
    {
        Assert.Equal(Encoding.UTF8.GetBytes("clé secrète"), AuthKeySource.Resolve("clé secrète", null, Env(null)));
    }

    [Fact]
    public void Resolve_EnvironmentOnly_ReturnsIt()
    {
        Assert.Equal("from-env"u8.ToArray(), AuthKeySource.Resolve(null, null, Env("from-env")));
    }

    [Fact]
    public void Resolve_EmptyOption_IsAUsageError()
    {
        var e = Assert.Throws<UsageException>(() => AuthKeySource.Resolve("", null, Env(null)));
        Assert.Contains("--authkey", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_EmptyEnvironment_IsAUsageError()
    {
        var e = Assert.Throws<UsageException>(() => AuthKeySource.Resolve(null, null, Env("")));
        Assert.Contains(AuthKeySource.EnvironmentVariable, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_OptionAndEnvironment_OptionWins()
    {
        Assert.Equal("opt"u8.ToArray(), AuthKeySource.Resolve("opt", null, Env("env")));
    }

    [Theory]
    [InlineData("filekey\n")]
    [InlineData("filekey\r\n")]
    [InlineData("filekey\n\n")]
    [InlineData("filekey")]
    public void Resolve_File_ReturnsContentWithoutTrailingNewlines(string content)
    {
        using var dir = new TempDirectory();
        string path = dir.File("key");
        File.WriteAllText(path, content);
        Assert.Equal("filekey"u8.ToArray(), AuthKeySource.Resolve(null, path, Env("env")));
    }

    [Fact]
    public void Resolve_FileWithInnerSpaces_KeepsThem()
    {
        using var dir = new TempDirectory();
        string path = dir.File("key");
        File.WriteAllText(path, " a b \n");
        Assert.Equal(" a b "u8.ToArray(), AuthKeySource.Resolve(null, path, Env(null)));
    }

    [Fact]
    public void Resolve_OptionAndFile_Throws()
    {
        using var dir = new TempDirectory();
        string path = dir.File("key");
        File.WriteAllText(path, "k");
        var e = Assert.Throws<UsageException>(() => AuthKeySource.Resolve("k", path, Env(null)));
        Assert.Equal("give --authkey or --authkey-file, not both", e.Message);
    }

    [Fact]
    public void Resolve_MissingFile_ThrowsNamingIt()
    {
        using var dir = new TempDirectory();
        string path = dir.File("no-such-key");
        var e = Assert.Throws<UsageException>(() => AuthKeySource.Resolve(null, path, Env("env")));
        Assert.Contains($"cannot read --authkey-file '{path}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_FileIsADirectory_ThrowsUsage()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<UsageException>(() => AuthKeySource.Resolve(null, dir.Path, Env(null)));
        Assert.Contains("cannot read --authkey-file", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("\r\n\r\n")]
    public void Resolve_EmptyFile_Throws(string content)
    {
        using var dir = new TempDirectory();
        string path = dir.File("key");
        File.WriteAllText(path, content);
        var e = Assert.Throws<UsageException>(() => AuthKeySource.Resolve(null, path, Env("env")));
        Assert.Equal($"--authkey-file '{path}' is empty", e.Message);
    }

    [Fact]
    public void NewKey_Is32LowercaseHexDigitsAndFresh()
    {
        string a = AuthKeySource.NewKey();
        string b = AuthKeySource.NewKey();
        Assert.Matches("^[0-9a-f]{32}$", a);
        Assert.NotEqual(a, b);
    }
}
