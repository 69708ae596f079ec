namespace Factorizer.Math.Wide;

/// <summary>Binary (Stein) GCD on 128-bit words; UInt128 division is a slow software routine.</summary>
internal static class Gcd128
{
    /// <summary>gcd(a, b), with gcd(0, b) = b.</summary>
    public static UInt128 Of(UInt128 a, UInt128 b)
    {
        if (a == 0)
        {
            return b;
        }
        if (b == 0)
        {
            return a;
        }
        int shift = (int)UInt128.TrailingZeroCount(a | b);
        a >>= (int)UInt128.TrailingZeroCount(a);
        do
        {
            b >>= (int)UInt128.TrailingZeroCount(b);
            if (a > b)
            {
                (a, b) = (b, a);
            }
            b -= a;
        }
        while (b != 0);
        return a << shift;
    }
}
