using System.Numerics;

namespace Factorizer.Math.Word;

/// <summary>The Jacobi symbol on 64-bit words (binary algorithm: shifts and swaps, one remainder per swap).</summary>
internal static class Jacobi64
{
    /// <summary>(a/n) for odd n &gt; 0; 0 when a and n share a factor.</summary>
    public static int Symbol(ulong a, ulong n)
    {
        a %= n;
        int result = 1;
        while (a != 0)
        {
            int twos = BitOperations.TrailingZeroCount(a);
            a >>= twos;
            // (2/n) = -1 exactly when n = 3 or 5 (mod 8).
            ulong n8 = n & 7;
            if ((twos & 1) != 0 && (n8 == 3 || n8 == 5))
            {
                result = -result;
            }
            // Quadratic reciprocity: the sign flips when both are 3 (mod 4).
            if ((a & n & 3) == 3)
            {
                result = -result;
            }
            (a, n) = (n % a, a);
        }
        return n == 1 ? result : 0;
    }
}
