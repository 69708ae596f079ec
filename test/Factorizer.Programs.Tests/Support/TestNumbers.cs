namespace Factorizer.Programs.Tests.Support;

/// <summary>Inputs for the end-to-end runs (fixed, so every run factors the same numbers).</summary>
internal static class TestNumbers
{
    /// <summary>
    /// Small numbers, 0, 1, primes, 2^64 - 1, 2^64, 2^64 + 1, a 2^89 - 1 (prime), ~96-bit semiprimes
    /// (48 × 48 and 32 × 64 bits), duplicates, '+5' and '007' (GNU factor reads them as 5 and 7), and
    /// blank lines, tabs and several numbers per line. Valid for GNU factor (LF line ends).
    /// </summary>
    public const string Mixed =
        "0 1 2 3 4\n" +
        "97\t100 1000000007\n" +
        "\n" +
        "18446744073709551615\n" +
        "18446744073709551616\n" +
        "18446744073709551617\n" +
        "   618970019642690137449562111\n" +
        "43477362085486108026939057469\n" +
        "51385514414876396390420642321\n" +
        "999999999999 999999999999 4 4 0 1\n" +
        "1000000000000000000000000000000\n" +
        "+5 007\n" +
        "9223372036854775807 9223372036854775808\n" +
        "790574930397087542307593\n";

    /// <summary>Products of two random 40-bit primes (~80 bits): a few hundred ms each for a worker.</summary>
    public static readonly string[] Semiprimes80 =
    [
        "399689307492338326227643", "372353682263997216958309", "510499228156751964363839", "696893656333383607932721",
        "486579698794948075013401", "616092801301693367197801", "538469388213179117022983", "954647394308031697903603",
        "861614080481566029020549", "635468659717776485833061", "550723092423292506245797", "557518281783110555472337",
        "715769290511087362421023", "736664024372605660031039", "1107580216644904240107869", "436010721945276083567677",
        "458916547014023874044497", "865673941545196814388989", "523357909745469632352689", "586946732839874445325909",
        "669496455577709918112943", "643314081660920531804347", "563772699136902385702427", "791092511235169166237579",
    ];

    /// <summary>The first <paramref name="count"/> 80-bit semiprimes, one a line.</summary>
    public static string SemiprimeInput(int count) => string.Concat(Semiprimes80.Take(count).Select(n => n + "\n"));

    /// <summary>
    /// A product of two 50-bit primes: several seconds of work for today's kernel (GNU factor takes
    /// longer still), so its line is stored here rather than computed by the reference.
    /// </summary>
    public const string Hard = "819444222585454863463940456183";

    /// <summary>GNU factor's line for <see cref="Hard"/>.</summary>
    public const string HardLine = "819444222585454863463940456183: 817019475788839 1002967795589297";
}
