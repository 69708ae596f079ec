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
        ulong p = BaillieParameter.Of(n);
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
}
