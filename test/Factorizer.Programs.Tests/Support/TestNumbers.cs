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

    /// <summary>
    /// Products of two random 84-bit primes (~168 bits) with their factor lines: the quadratic sieve takes about
    /// half a second on each, so a worker is surely busy on one. GNU factor takes far longer, so the lines are
    /// stored here (made with PARI/GP's nextprime).
    /// </summary>
    public static readonly string[] SlowSemiprimeLines =
    [
        "202868580009007177586246816949858029978557856418817: 13497795368545257858486389 15029756672838906580261853",
        "249217022819717672834913343637024819796287918042527: 14016470441553255954276877 17780298104213768023023451",
        "234193664733357970241790944062538638280214764122703: 13862891569804755123750127 16893565354248554677168289",
        "222685135806856223395678925493027096318744150194437: 12690943735557753711095719 17546775121453916402059123",
        "173312397712062006752898857383129389879395100635539: 10559154186533928147592711 16413473527367089744745749",
        "195147158125010741999270252380280979176558316739403: 12971272213529401378058993 15044565784493118026021371",
        "175908417694638289436569845525750852403408842301993: 12574358818648791117078527 13989454272113809801100759",
        "226667603433195967496571382978053939442304630281487: 13349037131238650504910587 16980071386779009843080701",
        "125071551883973260107282261906949899347142682087279: 10241760932241600670182199 12211918703378581495318921",
        "261337705084016045919198776169811487795350663644037: 13619264518365605850547717 19188826586898405570264961",
        "199189933186343206108689783547216536167270822958083: 10804580093919981870131209 18435694071853154228758187",
        "223046289903448880058019544604645005334168875900173: 13116695119673565275736679 17004762851345425274362987",
    ];

    /// <summary>The numbers of <see cref="SlowSemiprimeLines"/>, one a line.</summary>
    public static string SlowSemiprimeInput => string.Concat(SlowSemiprimeLines.Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)] + "\n"));

    /// <summary>The output a run over <see cref="SlowSemiprimeInput"/> writes.</summary>
    public static string SlowSemiprimeOutput => string.Concat(SlowSemiprimeLines.Select(l => l + "\n"));

    /// <summary>Products of two random 40-bit primes (~80 bits): ECM splits each in well under a millisecond now.</summary>
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
    /// A product of two 50-bit primes: GNU factor takes seconds, so its line is stored here rather than
    /// computed by the reference (our kernel's sieve takes milliseconds).
    /// </summary>
    public const string Hard = "819444222585454863463940456183";

    /// <summary>GNU factor's line for <see cref="Hard"/>.</summary>
    public const string HardLine = "819444222585454863463940456183: 817019475788839 1002967795589297";

    /// <summary>
    /// A product of two 120-bit primes (240 bits): past the quadratic sieve's 200-bit range, so only rho is
    /// tried, which would need about 2^60 steps. No run of a test finishes it; it is for giving up.
    /// </summary>
    public const string Intractable = "883423532389192164791648750371541844842962058938366801949168910129055907";
}
