using System.Numerics;
using Factorizer.Math.Wide;

namespace Factorizer.Math.Big;

/// <summary>
/// The Baillie-PSW probable-prime test: trial division, a strong test to base 2, then a strong Lucas test.
/// Exact below 2^64 (verified exhaustively by Feitsma/Galway's base-2 pseudoprime list); no composite is
/// known to pass it at any size.
/// </summary>
internal static class Bpsw
{
    /// <summary>How many small odd primes to try first; most composites have one of them as a factor.</summary>
    private const int TrialPrimeCount = 64;

    private static readonly BigInteger TwoTo128 = BigInteger.One << 128;

    /// <summary>True when <paramref name="n"/> is a BPSW probable prime (false for n &lt; 2).</summary>
    public static bool IsProbablePrime(BigInteger n)
    {
        if (n < 2)
        {
            return false;
        }
        if (n.IsEven)
        {
            return n == 2;
        }
        for (int i = 0; i < TrialPrimeCount; i++)
        {
            uint p = SmallPrimes.Odd[i];
            if (n == p)
            {
                return true;
            }
            if ((n % p).IsZero)
            {
                return false;
            }
        }
        return IsStrongProbablePrimeBase2(n) && StrongLucas.IsStrongLucasProbablePrime(n);
    }

    /// <summary>The Miller-Rabin test to base 2 for odd n &gt; 2.</summary>
    public static bool IsStrongProbablePrimeBase2(BigInteger n)
    {
        if (n < TwoTo128)
        {
            // Word-sized Montgomery arithmetic is much faster than BigInteger.ModPow at this size.
            return MillerRabin128.IsStrongProbablePrime((UInt128)n, 2);
        }
        BigInteger nMinusOne = n - 1;
        int s = (int)BigInteger.TrailingZeroCount(nMinusOne);
        BigInteger x = BigInteger.ModPow(2, nMinusOne >> s, n);
        if (x.IsOne || x == nMinusOne)
        {
            return true;
        }
        for (int r = 1; r < s; r++)
        {
            x = x * x % n;
            if (x == nMinusOne)
            {
                return true;
            }
            if (x.IsOne)
            {
                return false;
            }
        }
        return false;
    }
}
