using System.Numerics;

namespace Factorizer.Math.Word;

/// <summary>
/// Exact primality of odd 64-bit numbers that are usually prime (a verifier's claimed factors): the same
/// Baillie-PSW test as <see cref="Bpsw64"/> (base-2 strong test, extra strong Lucas test with Baillie's
/// parameters; exact below 2^64), but its two ladders run in one loop. Each ladder step is a chain of
/// dependent Montgomery products; run one after the other, a prime pays the latency of both chains, while
/// interleaved the CPU overlaps them and a prime costs about one. The Lucas parameter's Jacobi symbols come
/// from small tables (one remainder each), not a remainder chain. A composite costs the
/// full loop too (no early exit after the base-2 test), so <see cref="Bpsw64"/> stays the kernel's test,
/// where most inputs are composite.
/// </summary>
internal static class InterleavedBpsw64
{
    /// <summary>Exact primality of odd <paramref name="n"/> &gt;= 3.</summary>
    public static bool IsPrimeOdd(ulong n)
    {
        ulong p = LucasParameter(n);
        if (p == 0)
        {
            return n == 5; // the search fails for a square or an n sharing a factor with a tried D = P² - 4: for a prime, only 5 (D = 5)
        }
        var mont = new Montgomery64(n);
        ulong one = mont.One;
        ulong two = mont.Add(one, one);
        ulong pm = mont.ToMontgomery(p);

        // Base-2 strong test: n - 1 = dm·2^sm, x = 2^dm. Lucas (Q = 1): n + 1 = dl·2^sl, (v, w) = (V_dl, V_(dl+1)).
        int sm = BitOperations.TrailingZeroCount(n - 1);
        ulong dm = (n - 1) >> sm;
        int sl = BitOperations.TrailingZeroCount(n + 1);
        ulong dl = (n + 1) >> sl;
        ulong x = one;
        ulong v = two;
        ulong w = pm;
        // Left to right over the longer exponent; the shorter one's leading zero bits leave its ladder as it
        // is (1² = 1; (V_0, V_1) = (2, P) maps to itself). A mask instead of a branch: the bits are random.
        for (int bit = 63 - BitOperations.LeadingZeroCount(dm | dl); bit >= 0; bit--)
        {
            x = mont.MultiplyBranchless(x, x);
            x = mont.AddBranchless(x, x & (0UL - ((dm >> bit) & 1)));
            (v, w) = Bpsw64.LucasStep(mont, v, w, pm, two, (dl >> bit) & 1);
        }
        return Bpsw64.EndsStrongBase2(mont, x, sm) && Bpsw64.EndsExtraStrongLucas(mont, v, w, pm, sl);
    }

    /// <summary>
    /// Baillie's P: the first of 3, 4, 5, ... with (P² - 4 / n) = -1; 0 when n is certainly composite (some
    /// P² - 4 shares a factor with n, or n is a square, for which no such P exists) or n is 3 or 5.
    /// </summary>
    private static ulong LucasParameter(ulong n)
    {
        for (ulong p = 3, tries = 1; ; p++, tries++)
        {
            int j = p < FirstUntabled ? TabledJacobi(p, n) : JacobiOfSmall((p * p) - 4, n);
            if (j == -1)
            {
                return p;
            }
            if (j == 0 || (tries == Bpsw64.TriesBeforeSquareCheck && IntegerSquareRoot.IsSquare(n)))
            {
                return 0;
            }
        }
    }

    /// <summary>P values below this have their symbols tabled (a search rarely gets past P = 6).</summary>
    private const int FirstUntabled = 11;

    /// <summary>
    /// For each tabled P with D = P² - 4: (D/r) for every odd r &lt; 4D. As a function of odd n, (D/n) has
    /// period 4D, so one remainder and a lookup replace the symbol's sign rules, whose branches mispredict.
    /// </summary>
    private static readonly sbyte[][] Tabled = [.. Enumerable.Range(0, FirstUntabled).Select(TableFor)];

    private static sbyte[] TableFor(int p)
    {
        if (p < 3)
        {
            return []; // never used
        }
        ulong d = (ulong)((p * p) - 4);
        return [.. Enumerable.Range(0, (int)(4 * d)).Select(r => (sbyte)((r & 1) == 0 ? 0 : Jacobi64.Symbol(d, (ulong)r)))];
    }

    /// <summary>(P² - 4 / n) for odd n and P &lt; <see cref="FirstUntabled"/>, from the table.</summary>
    private static int TabledJacobi(ulong p, ulong n)
    {
        sbyte[] symbols = Tabled[p];
        return symbols[(int)(n % (ulong)symbols.Length)];
    }

    /// <summary>
    /// The Jacobi symbol (D/n) for odd n and small D &gt; 0: the factors 2 of D by (2/n), the odd rest d by
    /// reciprocity from n mod d, which leaves small numbers only.
    /// </summary>
    private static int JacobiOfSmall(ulong d, ulong n)
    {
        int twos = BitOperations.TrailingZeroCount(d);
        d >>= twos;
        return Signs(twos, d, n) * Jacobi64.Symbol(n % d, d);
    }

    /// <summary>The sign that turns (n mod d / d) into (2^twos·d / n), for odd d and odd n.</summary>
    private static int Signs(int twos, ulong d, ulong n)
    {
        int result = 1;
        ulong n8 = n & 7;
        if ((twos & 1) != 0 && (n8 == 3 || n8 == 5))
        {
            result = -result; // (2/n) = -1 exactly when n = 3 or 5 (mod 8)
        }
        if ((d & n & 3) == 3)
        {
            result = -result; // both 3 (mod 4): reciprocity flips the sign
        }
        return result;
    }
}
