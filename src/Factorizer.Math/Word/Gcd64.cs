using System.Numerics;

namespace Factorizer.Math.Word;

/// <summary>Binary (Stein) GCD: shifts and subtractions, no division, which is faster on 64-bit words.</summary>
internal static class Gcd64
{
    /// <summary>gcd(a, b), with gcd(0, b) = b.</summary>
    public static ulong Of(ulong a, ulong b)
    {
        if (a == 0)
        {
            return b;
        }
        if (b == 0)
        {
            return a;
        }
        int shift = BitOperations.TrailingZeroCount(a | b);
        a >>= BitOperations.TrailingZeroCount(a);
        do
        {
            b >>= BitOperations.TrailingZeroCount(b);
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
