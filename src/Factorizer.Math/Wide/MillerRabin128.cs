namespace Factorizer.Math.Wide;

/// <summary>The strong probable-prime (Miller-Rabin) test for odd numbers below 2^128, in Montgomery form.</summary>
internal static class MillerRabin128
{
    /// <summary>True when odd <paramref name="n"/> &gt; <paramref name="base"/> is a strong probable prime to that base.</summary>
    public static bool IsStrongProbablePrime(UInt128 n, ulong @base)
    {
        var mont = new Montgomery128(n);
        UInt128 d = n - 1;
        int s = (int)UInt128.TrailingZeroCount(d);
        d >>= s;
        UInt128 x = mont.Power(mont.ToMontgomery(@base), d);
        UInt128 minusOne = mont.MinusOne;
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
                return false;
            }
        }
        return false;
    }
}
