namespace Factorizer.Math.Word;

/// <summary>
/// Deterministic Miller-Rabin for 64-bit odd numbers. Bases {2, 7, 61} are exact below 2^32
/// (Jaeschke 1993); the 7 bases of Jim Sinclair (2011) are exact below 2^64.
/// </summary>
internal static class MillerRabin64
{
    private static readonly ulong[] BasesBelow2To32 = [2, 7, 61];

    private static readonly ulong[] BasesBelow2To64 = [2, 325, 9375, 28178, 450775, 9780504, 1795265022];

    /// <summary>Exact primality of odd <paramref name="n"/> &gt;= 3 (no trial division; callers do that).</summary>
    public static bool IsPrimeOdd(ulong n)
    {
        var mont = new Montgomery64(n);
        ulong[] bases = n < (1UL << 32) ? BasesBelow2To32 : BasesBelow2To64;
        ulong d = n - 1;
        int s = System.Numerics.BitOperations.TrailingZeroCount(d);
        d >>= s;
        foreach (ulong b in bases)
        {
            ulong a = b % n;
            // A base that is a multiple of n says nothing (the sets above are proven with this skip).
            if (a == 0)
            {
                continue;
            }
            if (!IsStrongProbablePrime(mont, mont.ToMontgomery(a), d, s))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The strong probable-prime test to base <paramref name="a"/> (Montgomery form), n - 1 = d·2^s, d odd.</summary>
    public static bool IsStrongProbablePrime(Montgomery64 mont, ulong a, ulong d, int s)
    {
        ulong x = mont.Power(a, d);
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
}
