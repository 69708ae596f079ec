using System.Numerics;
using System.Runtime.CompilerServices;

namespace Factorizer.Math.Word;

/// <summary>
/// Exact primality of odd 64-bit numbers by Baillie-PSW: a strong probable-prime test to base 2, then the
/// extra strong Lucas test with Baillie's parameters (Q = 1; P = 3, 4, 5, ... until (P²-4 / n) = -1).
/// The composites below 2^64 that pass the base-2 test are all tabulated (Feitsma), and none of them passes
/// the Lucas test, so this is deterministic here. Costs about three modular exponentiations' worth of
/// squarings where the 7-base Miller-Rabin it replaces cost up to seven (the base-2 test squares and
/// doubles; the Lucas ladder needs two products per bit).
/// </summary>
internal static class Bpsw64
{
    /// <summary>Exact primality of odd <paramref name="n"/> &gt;= 3 (no trial division; callers do that).</summary>
    public static bool IsPrimeOdd(ulong n)
    {
        var mont = new Montgomery64(n);
        return IsStrongProbablePrimeBase2(mont) && IsExtraStrongLucasProbablePrime(mont);
    }

    /// <summary>The strong probable-prime test to base 2: n - 1 = d·2^s, 2^d = ±1 or 2^(d·2^r) = -1 for some r &lt; s.</summary>
    public static bool IsStrongProbablePrimeBase2(Montgomery64 mont)
    {
        ulong n = mont.N;
        int s = BitOperations.TrailingZeroCount(n - 1);
        return EndsStrongBase2(mont, mont.PowerOfTwo((n - 1) >> s), s);
    }

    /// <summary>The end of the strong test from x = 2^d (n - 1 = d·2^s): x = ±1, or x^(2^r) = -1 for some 0 &lt; r &lt; s.</summary>
    internal static bool EndsStrongBase2(Montgomery64 mont, ulong x, int s)
    {
        ulong minusOne = mont.MinusOne;
        if (x == mont.One || x == minusOne)
        {
            return true;
        }
        for (int r = 1; r < s; r++)
        {
            x = mont.Multiply(x, x);
            if (x == minusOne)
            {
                return true;
            }
            if (x == mont.One)
            {
                // A nontrivial square root of 1: certainly composite.
                return false;
            }
        }
        return false;
    }

    /// <summary>(V_d, V_(d+1)) for Q = 1 by the ladder V_2k = V_k² - 2, V_(2k+1) = V_k·V_(k+1) - P.</summary>
    private static (ulong V, ulong W) LucasLadder(Montgomery64 mont, ulong d, ulong pm, ulong two)
    {
        ulong v = two;
        ulong w = pm;
        for (int bit = 63 - BitOperations.LeadingZeroCount(d); bit >= 0; bit--)
        {
            (v, w) = LucasStep(mont, v, w, pm, two, (d >> bit) & 1);
        }
        return (v, w);
    }

    /// <summary>
    /// <see cref="LucasLadder"/> for n below <see cref="Montgomery64.LazyLimit"/>: values stay in [0, 4N) unreduced,
    /// subtracting P or 2 as adding 2N - P or 2N - 2 to a lazy product in (0, 2N); reduced once at the end.
    /// </summary>
    private static (ulong V, ulong W) LucasLadderLazy(Montgomery64 mont, ulong d, ulong pm, ulong two)
    {
        ulong twoN = mont.N + mont.N;
        ulong minusP = twoN - pm;
        ulong minusTwo = twoN - two;
        ulong v = two;
        ulong w = pm;
        for (int bit = 63 - BitOperations.LeadingZeroCount(d); bit >= 0; bit--)
        {
            ulong mask = 0UL - ((d >> bit) & 1);
            ulong mixed = mont.MultiplyLazy(v, w) + minusP;
            ulong squared = v ^ ((v ^ w) & mask);
            squared = mont.MultiplyLazy(squared, squared) + minusTwo;
            v = squared ^ ((squared ^ mixed) & mask);
            w = mixed ^ ((mixed ^ squared) & mask);
        }
        return (mont.ReduceFrom4N(v), mont.ReduceFrom4N(w));
    }

    /// <summary>
    /// The extra strong Lucas test (Grantham): with Q = 1 and n + 1 = d·2^s, n passes when U_d = 0 and V_d = ±2,
    /// or V_(d·2^r) = 0 for some 0 &lt;= r &lt; s - 1. Only V is computed (a ladder over V_k, V_(k+1));
    /// U_d = 0 exactly when 2·V_(d+1) = P·V_d, since D·U_k = 2·V_(k+1) - P·V_k and D is invertible mod n.
    /// </summary>
    public static bool IsExtraStrongLucasProbablePrime(Montgomery64 mont)
    {
        ulong n = mont.N;
        ulong p = BaillieParameter.Of(n);
        if (p == 0)
        {
            return n == 5; // some P² - 4 shares a factor with n, or n is a square; for a prime, only 5 (D = 5)
        }
        ulong two = mont.Add(mont.One, mont.One);
        ulong pm = mont.ToMontgomery(p);
        int s = BitOperations.TrailingZeroCount(n + 1);
        ulong d = (n + 1) >> s;
        (ulong v, ulong w) = n < Montgomery64.LazyLimit ? LucasLadderLazy(mont, d, pm, two) : LucasLadder(mont, d, pm, two);
        return EndsExtraStrongLucas(mont, v, w, pm, s);
    }

    /// <summary>
    /// One step of the Lucas ladder (Q = 1) from (v, w) = (V_k, V_(k+1)) to k' = 2k + <paramref name="bit"/>:
    /// bit set, (V_k·V_(k+1) - P, V_(k+1)² - 2); clear, (V_k² - 2, V_k·V_(k+1) - P). Mask selects: the bits
    /// of the exponent are random, and a branch on them mispredicts half the time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (ulong V, ulong W) LucasStep(Montgomery64 mont, ulong v, ulong w, ulong pm, ulong two, ulong bit)
    {
        ulong mask = 0UL - bit;
        ulong mixed = mont.SubtractBranchless(mont.MultiplyBranchless(v, w), pm);
        ulong squared = v ^ ((v ^ w) & mask);
        squared = mont.SubtractBranchless(mont.MultiplyBranchless(squared, squared), two);
        return (squared ^ ((squared ^ mixed) & mask), mixed ^ ((mixed ^ squared) & mask));
    }

    /// <summary>
    /// The end of the extra strong Lucas test from (v, w) = (V_d, V_(d+1)) (n + 1 = d·2^s): U_d = 0 and
    /// V_d = ±2, or V_(d·2^r) = 0 for some 0 &lt;= r &lt; s - 1.
    /// </summary>
    internal static bool EndsExtraStrongLucas(Montgomery64 mont, ulong v, ulong w, ulong pm, int s)
    {
        ulong two = mont.Add(mont.One, mont.One);
        if (v == two || v == mont.N - two)
        {
            // V_d = ±2; U_d = 0 too?
            if (mont.Add(w, w) == mont.Multiply(pm, v))
            {
                return true;
            }
        }
        for (int r = 0; r < s - 1; r++)
        {
            if (v == 0)
            {
                return true;
            }
            v = mont.Subtract(mont.Multiply(v, v), two);
        }
        return false;
    }
}
