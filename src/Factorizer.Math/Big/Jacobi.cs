using System.Numerics;

namespace Factorizer.Math.Big;

/// <summary>The Jacobi symbol, needed to choose the Lucas parameter D with (D/n) = -1.</summary>
internal static class Jacobi
{
    /// <summary>(a/n) for a small signed <paramref name="a"/> and odd n &gt; 0.</summary>
    public static int Symbol(long a, BigInteger n)
    {
        int result = 1;
        int n8 = (int)(uint)(n & 7);
        if (a < 0)
        {
            a = -a;
            // (-1/n) = -1 exactly when n = 3 (mod 4).
            if ((n8 & 3) == 3)
            {
                result = -result;
            }
        }
        while (a != 0 && (a & 1) == 0)
        {
            a >>= 1;
            // (2/n) = -1 exactly when n = 3 or 5 (mod 8).
            if (n8 == 3 || n8 == 5)
            {
                result = -result;
            }
        }
        if (a == 0)
        {
            return n.IsOne ? 1 : 0;
        }
        if (a == 1)
        {
            return result;
        }
        // Reciprocity: (a/n) = (n/a)·(-1)^((a-1)/2·(n-1)/2), then the rest is word-sized.
        if ((a & 3) == 3 && (n8 & 3) == 3)
        {
            result = -result;
        }
        return result * Symbol((ulong)(n % a), (ulong)a);
    }

    /// <summary>(a/n) for odd n &gt; 0.</summary>
    public static int Symbol(ulong a, ulong n)
    {
        int result = 1;
        a %= n;
        while (a != 0)
        {
            while ((a & 1) == 0)
            {
                a >>= 1;
                ulong r = n & 7;
                if (r == 3 || r == 5)
                {
                    result = -result;
                }
            }
            (a, n) = (n, a);
            if ((a & 3) == 3 && (n & 3) == 3)
            {
                result = -result;
            }
            a %= n;
        }
        return n == 1 ? result : 0;
    }
}
