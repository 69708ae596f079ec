using System.Numerics;
using Factorizer.TestSupport;
using Factorizer.Work.Cli;
using Factorizer.Work.Jobs;

namespace Factorizer.Programs.Tests.Jobs;

public class NumberSourceTests
{
    [Fact]
    public void Generate_SeedDefaults_GivesOddNumbersFromTheStart()
    {
        using NumberSource source = NumberSource.Generate(999_999_999_999, 2, 4);
        Assert.Equal(4, source.Count);
        Assert.Equal(new object[] { 999_999_999_999L, 1_000_000_000_001L, 1_000_000_000_003L, 1_000_000_000_005L }, source.Read());
    }

    [Fact]
    public void Generate_CrossingLongMax_SwitchesToBigInteger()
    {
        using NumberSource source = NumberSource.Generate(long.MaxValue - 1, 1, 3);
        object[] numbers = [.. source.Read()];
        Assert.Equal(long.MaxValue - 1, numbers[0]);
        Assert.Equal(long.MaxValue, numbers[1]);
        Assert.Equal(new BigInteger(long.MaxValue) + 1, numbers[2]);
    }

    [Fact]
    public void Generate_CountZero_IsEmpty()
    {
        using NumberSource source = NumberSource.Generate(5, 2, 0);
        Assert.Equal(0, source.Count);
        Assert.Empty(source.Read());
    }

    [Fact]
    public void Generate_NegativeStepStayingNonNegative_Works()
    {
        using NumberSource source = NumberSource.Generate(6, -3, 3);
        Assert.Equal(new object[] { 6L, 3L, 0L }, source.Read());
    }

    [Theory]
    [InlineData(-1, 1, 1)]
    [InlineData(6, -3, 4)]
    [InlineData(1, 1, -1)]
    public void Generate_NegativeNumbers_ThrowsUsage(long start, long step, long count)
    {
        Assert.Throws<UsageException>(() => NumberSource.Generate(start, step, count));
    }

    [Fact]
    public void FromFile_ValidFile_CountsThenStreams()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("in.txt"), "4 5\n18446744073709551617\n\n6\n");
        using NumberSource source = NumberSource.FromFile(dir.File("in.txt"));
        Assert.Equal(4, source.Count);
        Assert.Equal(new object[] { 4L, 5L, BigInteger.Parse("18446744073709551617", System.Globalization.CultureInfo.InvariantCulture), 6L }, source.Read());
        Assert.Equal(4, source.Read().Count()); // readable again
    }

    [Fact]
    public void FromFile_BadTokenOnLine3_ThrowsBeforeAnything()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("in.txt"), "1\n2\n3x\n4\n");
        var e = Assert.Throws<InvalidInputException>(() => NumberSource.FromFile(dir.File("in.txt")));
        Assert.Equal(3, e.LineNumber);
        Assert.Equal("3x", e.Token);
    }

    [Fact]
    public void FromFile_Missing_ThrowsUsageNamingIt()
    {
        using var dir = new TempDirectory();
        string path = dir.File("missing.txt");
        var e = Assert.Throws<UsageException>(() => NumberSource.FromFile(path));
        Assert.Contains($"cannot read --input '{path}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromFile_Empty_HasNoNumbers()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("in.txt"), "");
        using NumberSource source = NumberSource.FromFile(dir.File("in.txt"));
        Assert.Equal(0, source.Count);
        Assert.Empty(source.Read());
    }
}
