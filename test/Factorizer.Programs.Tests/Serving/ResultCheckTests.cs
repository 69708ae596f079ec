using System.Numerics;
using Factorizer.Pickle;
using Factorizer.Work.Serving;

namespace Factorizer.Programs.Tests.Serving;

public class ResultCheckTests
{
    private static Dictionary<object, object?> Dict(params (object Key, object? Value)[] entries)
    {
        var dict = new Dictionary<object, object?>(PyEqualityComparer.Instance);
        foreach ((object key, object? value) in entries)
        {
            dict[key] = value;
        }
        return dict;
    }

    private static List<object?> L(params object?[] items) => [.. items];

    [Fact]
    public void Coverage_MissingAndExtraNumbers_AreEachNamed()
    {
        var result = Dict((6L, L(2L, 3L)), (9L, L(3L, 3L)));

        List<string> problems = [.. ResultCheck.Coverage(L(6L, 7L, 7L), result)];

        Assert.Equal(["7: no result for it", "9: a result for a number not in the chunk"], problems);
        Assert.Empty(ResultCheck.Coverage(L(6L, 9L), result));
    }

    [Fact]
    public void Signature_DictOfInts_IsSortedNumerically()
    {
        string? signature = ResultCheck.Signature(Dict((10L, L(2L, 5L)), (2L, L(2L)), (3L, L(3L))), out var dict);
        Assert.Equal("2,3,10", signature);
        Assert.NotNull(dict);
    }

    [Fact]
    public void Signature_BigIntegerAndLongKeys_Agree()
    {
        BigInteger big = BigInteger.Pow(2, 70);
        Assert.Equal(ResultCheck.SignatureOf([7, big]), ResultCheck.Signature(Dict((new BigInteger(7), L()), (big, L())), out _));
        Assert.Equal(ResultCheck.SignatureOf([7, big]), ResultCheck.Signature(Dict((7L, L()), (big, L())), out _));
    }

    [Fact]
    public void SignatureOf_Duplicates_CountOnce()
    {
        Assert.Equal("4,9", ResultCheck.SignatureOf([9, 4, 9, 4, 4]));
    }

    public static TheoryData<object?> NotAResult => new()
    {
        null,
        "text",
        new List<object?> { 1L },
        new Dictionary<object, object?>(),
        new Dictionary<object, object?> { ["7"] = new List<object?> { 7L } },
        new Dictionary<object, object?> { [-7L] = new List<object?>() },
        new Dictionary<object, object?> { [1.5] = new List<object?>() },
    };

    [Theory]
    [MemberData(nameof(NotAResult))]
    public void Signature_NotANonEmptyDictOfNonNegativeInts_IsNull(object? value)
    {
        Assert.Null(ResultCheck.Signature(value, out _));
    }

    [Fact]
    public void Verify_CorrectFactorizations_GiveGnuLines()
    {
        BigInteger f = BigInteger.Parse("18446744073709551617", System.Globalization.CultureInfo.InvariantCulture);
        var (lines, problems) = ResultCheck.Verify(Dict(
            (0L, L()), (1L, L()), (12L, L(3L, 2L, 2L)), (f, new PyTuple(67280421310721L, 274177L)), (97L, L(new BigInteger(97)))));
        Assert.Empty(problems);
        Assert.Equal("0:", lines[0]);
        Assert.Equal("1:", lines[1]);
        Assert.Equal("12: 2 2 3", lines[12]);
        Assert.Equal("18446744073709551617: 274177 67280421310721", lines[f]);
        Assert.Equal("97: 97", lines[97]);
    }

    [Theory]
    [InlineData(12L, new long[] { 2, 6 }, "6 is not prime")]
    [InlineData(12L, new long[] { 2, 3 }, "product 6 != 12")]
    [InlineData(13L, new long[] { }, "product 1 != 13")]
    [InlineData(1L, new long[] { 1 }, "has no prime factors")]
    [InlineData(0L, new long[] { 0 }, "has no prime factors")]
    [InlineData(7L, new long[] { 7, 1 }, "1 is not prime")]
    public void Verify_WrongFactorization_IsAProblemNamingTheNumber(long n, long[] factors, string reason)
    {
        var (lines, problems) = ResultCheck.Verify(Dict((n, factors.Cast<object?>().ToList()), (10L, L(2L, 5L))));
        string problem = Assert.Single(problems);
        Assert.StartsWith($"{n}: wrong factorization", problem, StringComparison.Ordinal);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
        Assert.False(lines.ContainsKey(n));
        Assert.Equal("10: 2 5", lines[10]);
    }

    public static TheoryData<object?> NotAFactorList => new() { null, 6L, "2 3", L(2L, "3"), L(2L, null), L(2L, 3.0), new Dictionary<object, object?>() };

    [Theory]
    [MemberData(nameof(NotAFactorList))]
    public void Verify_FactorsNotAListOfInts_IsAProblem(object? value)
    {
        var (lines, problems) = ResultCheck.Verify(Dict((6L, value)));
        Assert.Empty(lines);
        Assert.StartsWith("6: the factors are not a list of ints", Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void FormatLine_IsGnuFactorsFormat()
    {
        Assert.Equal("1:", ResultCheck.FormatLine(1, []));
        Assert.Equal("8: 2 2 2", ResultCheck.FormatLine(8, [2, 2, 2]));
    }

    [Fact]
    public void VerifyPacked_PseudoprimesClaimedAsFactors_AreRefusedThoughEachProductMatches()
    {
        // The product check alone would pass all of these: only proving every factor prime refuses them.
        List<object?> numbers = [6_141L, 9_518_246_282L, 1_000_006_000_009L, 2_049_302L, 10L];
        var packed = new Factorizer.Work.Jobs.PackedResults();
        packed.Add(0, [3, 2_047]);             // a base-2 strong pseudoprime
        packed.Add(1, [2, 4_759_123_141]);     // a strong pseudoprime to bases 2, 7 and 61
        packed.Add(2, [1_000_006_000_009]);    // 1000003²
        packed.Add(3, [2, 1_024_651]);         // a Carmichael number
        packed.Add(4, [2, 5]);
        (VerifiedLines lines, List<string> problems) = ResultCheck.VerifyPacked(numbers, packed.Take());
        Assert.Equal(1, lines.Count);
        Assert.Equal(4, lines.IndexAt(0));
        Assert.Equal("10: 2 5", lines.Line(0).ToString());
        Assert.Equal(4, problems.Count);
        Assert.Contains("2047 is not prime", problems[0], StringComparison.Ordinal);
        Assert.Contains("4759123141 is not prime", problems[1], StringComparison.Ordinal);
        Assert.Contains("1000006000009 is not prime", problems[2], StringComparison.Ordinal);
        Assert.Contains("1024651 is not prime", problems[3], StringComparison.Ordinal);
    }
}
