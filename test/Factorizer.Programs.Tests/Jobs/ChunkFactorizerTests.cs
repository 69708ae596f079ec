using System.Numerics;
using Factorizer.Pickle;
using Factorizer.Work.Jobs;

namespace Factorizer.Programs.Tests.Jobs;

public class ChunkFactorizerTests
{
    private static BigInteger Big(string digits) => BigInteger.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);

    private static List<object?> Factors(Dictionary<object, object?> result, object key) => Assert.IsType<List<object?>>(result[key]);

    [Fact]
    public void Factor_ListOfSmallInts_GivesTheSeedsDict()
    {
        Dictionary<object, object?> result = ChunkFactorizer.Factor(new List<object?> { 0L, 1L, 2L, 4L, 12L, 999_999_999_999L });
        Assert.Equal(6, result.Count);
        Assert.Empty(Factors(result, 0L));
        Assert.Empty(Factors(result, 1L));
        Assert.Equal(new object?[] { 2L }, Factors(result, 2L));
        Assert.Equal(new object?[] { 2L, 2L }, Factors(result, 4L));
        Assert.Equal(new object?[] { 2L, 2L, 3L }, Factors(result, 12L));
        Assert.Equal(new object?[] { 3L, 3L, 3L, 7L, 11L, 13L, 37L, 101L, 9901L }, Factors(result, 999_999_999_999L));
    }

    [Fact]
    public void Factor_Tuple_IsAcceptedLikeAList()
    {
        Dictionary<object, object?> result = ChunkFactorizer.Factor(new PyTuple(6L, 7L));
        Assert.Equal(new object?[] { 2L, 3L }, Factors(result, 6L));
        Assert.Equal(new object?[] { 7L }, Factors(result, 7L));
    }

    [Fact]
    public void Factor_EmptyList_GivesEmptyDict()
    {
        Assert.Empty(ChunkFactorizer.Factor(new List<object?>()));
    }

    [Fact]
    public void Factor_DuplicateNumbers_GiveOneKey()
    {
        Dictionary<object, object?> result = ChunkFactorizer.Factor(new List<object?> { 9L, 9L, 9L });
        object key = Assert.Single(result.Keys);
        Assert.Equal(9L, key);
        Assert.Equal(new object?[] { 3L, 3L }, Factors(result, key));
    }

    [Fact]
    public void Factor_KeysMatchBigIntegerAndLongAlike()
    {
        Dictionary<object, object?> result = ChunkFactorizer.Factor(new List<object?> { 15L });
        Assert.True(result.ContainsKey(new BigInteger(15)));
    }

    [Fact]
    public void Factor_TwoToThe64Neighbours_AreExact()
    {
        BigInteger max = ulong.MaxValue;
        Dictionary<object, object?> result = ChunkFactorizer.Factor(new List<object?> { max, max + 2, new BigInteger(long.MaxValue) + 1 });
        Assert.Equal(new object?[] { 3L, 5L, 17L, 257L, 641L, 65537L, 6700417L }, Factors(result, max));
        Assert.Equal(new object?[] { 274177L, 67280421310721L }, Factors(result, max + 2));
        Assert.Equal(Enumerable.Repeat<object?>(2L, 63), Factors(result, new BigInteger(long.MaxValue) + 1));
    }

    [Fact]
    public void Factor_PrimeAboveLongMax_IsABigIntegerFactor()
    {
        BigInteger p = Big("18446744073709551557"); // the largest prime below 2^64
        Assert.Equal(new object?[] { p }, Factors(ChunkFactorizer.Factor(new List<object?> { p }), p));
    }

    [Fact]
    public void Factor_BeyondSixtyFourBits_GivesNormalizedFactors()
    {
        BigInteger m61 = Big("2305843009213693951");
        BigInteger m89 = Big("618970019642690137449562111");
        BigInteger product = m61 * 2147483647 * 4;
        Dictionary<object, object?> result = ChunkFactorizer.Factor(new List<object?> { product, m89 });
        Assert.Equal(new object?[] { 2L, 2L, 2147483647L, 2305843009213693951L }, Factors(result, product));
        Assert.Equal(new object?[] { m89 }, Factors(result, m89));
        Assert.All(Factors(result, product), f => Assert.IsType<long>(f));
    }

    public static TheoryData<object?> NotAChunk => new() { null, "1 2 3", 5L, new Dictionary<object, object?>(), new byte[] { 1 } };

    [Theory]
    [MemberData(nameof(NotAChunk))]
    public void Factor_NotAList_ThrowsInvalidData(object? chunk)
    {
        var e = Assert.Throws<InvalidDataException>(() => ChunkFactorizer.Factor(chunk));
        Assert.StartsWith("a job must be a list of ints", e.Message, StringComparison.Ordinal);
    }

    public static TheoryData<object?> NotANumber => new() { -1L, new BigInteger(-5), "7", 1.5, null, true, new List<object?> { 1L } };

    [Theory]
    [MemberData(nameof(NotANumber))]
    public void Factor_ItemNotANonNegativeInt_ThrowsInvalidData(object? item)
    {
        var e = Assert.Throws<InvalidDataException>(() => ChunkFactorizer.Factor(new List<object?> { 4L, item }));
        Assert.StartsWith("a job item must be a non-negative int", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FactorOne_ANumber_GivesItsFactors()
    {
        NumberOutcome outcome = ChunkFactorizer.FactorOne(999_999_999_999L);
        Assert.True(outcome.Succeeded);
        Assert.Equal(999_999_999_999L, outcome.Number);
        Assert.Equal(new object?[] { 3L, 3L, 3L, 7L, 11L, 13L, 37L, 101L, 9901L }, outcome.Factors);
    }

    public static TheoryData<object?, string> BadItems => new()
    {
        { -1L, "-1" },
        { new BigInteger(-5), "-5" },
        { null, "None" },
        { "hello", "'hello'" },
        { true, "True" },
        { 1.5, "1.5" },
        { new List<object?> { 1L }, "[1]" },
    };

    [Theory]
    [MemberData(nameof(BadItems))]
    public void FactorOne_NotANonNegativeInt_IsAnErrorNamingTheItem(object? item, string subject)
    {
        NumberOutcome outcome = ChunkFactorizer.FactorOne(item);
        Assert.False(outcome.Succeeded);
        Assert.Null(outcome.Factors);
        WorkError error = outcome.Error!;
        Assert.Equal(subject, error.Subject);
        Assert.Equal("InvalidDataException", error.Type);
        Assert.Equal($"a job item must be a non-negative int, not {subject}", error.Message);
    }

    [Fact]
    public void FactorOne_AHostileNestedList_GivesAShortSubject()
    {
        object? nested = 1L;
        for (int i = 0; i < 10_000; i++)
        {
            nested = new List<object?> { nested, "x" };
        }
        var wide = Enumerable.Range(0, 10_000).Select(i => (object?)new List<object?> { (long)i }).ToList();
        foreach (object? item in new[] { nested, wide })
        {
            WorkError error = ChunkFactorizer.FactorOne(item).Error!;
            Assert.InRange(error.Subject.Length, 1, 64);
            Assert.StartsWith("[[", error.Subject, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void FactorOne_TheFactorizerThrows_IsAnErrorWithTypeMessageAndStack()
    {
        NumberOutcome outcome = ChunkFactorizer.FactorOne(new BigInteger(91), _ => throw new ArithmeticException("overflow somewhere"));
        WorkError error = outcome.Error!;
        Assert.Equal("91", error.Subject);
        Assert.Equal("ArithmeticException", error.Type);
        Assert.Equal("overflow somewhere", error.Message);
        Assert.Contains("ChunkFactorizerTests", error.Stack, StringComparison.Ordinal);
    }

    [Fact]
    public void TryItems_AStr_IsNotAJob()
    {
        Assert.False(ChunkFactorizer.TryItems("hello", out IReadOnlyList<object?> items, out WorkError? error));
        Assert.Empty(items);
        Assert.Equal("'hello'", error!.Subject);
        Assert.Equal("InvalidDataException", error.Type);
        Assert.Equal("a job must be a list of ints, not 'hello'", error.Message);
    }

    [Fact]
    public void TryItems_ListAndTuple_AreJobs()
    {
        Assert.True(ChunkFactorizer.TryItems(new List<object?> { 1L }, out IReadOnlyList<object?> items, out WorkError? error));
        Assert.Equal([1L], items);
        Assert.Null(error);
        Assert.True(ChunkFactorizer.TryItems(new PyTuple(2L, 3L), out items, out _));
        Assert.Equal([2L, 3L], items);
    }

    [Fact]
    public void QuickFirst_PutsNumbersPast64BitsLast_SmallestFirst_KeepingTheOthersInOrder()
    {
        var big = System.Numerics.BigInteger.Parse("340282366920938460843936948965011886881", System.Globalization.CultureInfo.InvariantCulture);
        var bigger = big * 3;
        List<object?> items = [bigger, 5L, big, 3L, new System.Numerics.BigInteger(7), "bad"];

        Assert.Equal([5L, 3L, new System.Numerics.BigInteger(7), "bad", big, bigger], ChunkFactorizer.QuickFirst(items));
        List<object?> small = [9L, 1L];
        Assert.Same(small, ChunkFactorizer.QuickFirst(small));
    }
}
