namespace Factorizer.Math.Word;

/// <summary>
/// Deterministic Miller-Rabin for 64-bit odd numbers, with the fewest bases known to be exact for the size:
/// {2, 7, 61} below 4,759,123,141 and {2, 13, 23, 1662803} below 1,122,004,669,633 (Jaeschke 1993), and the
/// 7 bases of Jim Sinclair (2011) for everything below 2^64. Every base costs one modular exponentiation,
/// and primes pay for all of them, so the 4-base set makes the ~10^12 seed workload ~40% cheaper.
/// </summary>
internal static class MillerRabin64
{
    private const ulong ThreeBasesLimit = 4_759_123_141;

    private const ulong FourBasesLimit = 1_122_004_669_633;

    private static readonly ulong[] ThreeBases = [2, 7, 61];

    private static readonly ulong[] FourBases = [2, 13, 23, 1_662_803];

    private static readonly ulong[] SevenBases = [2, 325, 9375, 28178, 450775, 9780504, 1795265022];

    /// <summary>Exact primality of odd <paramref name="n"/> &gt;= 3 (no trial division; callers do that).</summary>
    public static bool IsPrimeOdd(ulong n)
    {
        var mont = new Montgomery64(n);
        ulong[] bases = n < ThreeBasesLimit ? ThreeBases : n < FourBasesLimit ? FourBases : SevenBases;
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
