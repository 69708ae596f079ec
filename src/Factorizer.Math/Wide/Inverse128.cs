namespace Factorizer.Math.Wide;

/// <summary>Modular inverses modulo an odd 128-bit number by the binary extended Euclidean algorithm (no division).</summary>
internal static class Inverse128
{
    /// <summary>
    /// The inverse of <paramref name="a"/> (0 &lt; a &lt; n) modulo odd <paramref name="n"/>, or zero when
    /// gcd(a, n) &gt; 1; that gcd is returned in <paramref name="gcd"/> either way (ECM turns it into a factor).
    /// </summary>
    public static UInt128 TryInvert(UInt128 a, UInt128 n, out UInt128 gcd)
    {
        // Invariants: x1·a ≡ u and x2·a ≡ v (mod n), with x1, x2 in [0, n).
        UInt128 u = a, v = n, x1 = 1, x2 = 0;
        while (u != 0 && u != 1 && v != 1)
        {
            while ((u & 1) == 0)
            {
                u >>= 1;
                x1 = Half(x1, n);
            }
            while ((v & 1) == 0)
            {
                v >>= 1;
                x2 = Half(x2, n);
            }
            if (u >= v)
            {
                u -= v;
                x1 = x1 >= x2 ? x1 - x2 : x1 + (n - x2);
            }
            else
            {
                v -= u;
                x2 = x2 >= x1 ? x2 - x1 : x2 + (n - x1);
            }
        }
        if (u == 1)
        {
            gcd = 1;
            return x1;
        }
        if (v == 1)
        {
            gcd = 1;
            return x2;
        }
        gcd = v;
        return 0;
    }

    /// <summary>x/2 mod odd n, for x in [0, n): (x + n)/2 when x is odd, written so it cannot overflow.</summary>
    private static UInt128 Half(UInt128 x, UInt128 n) => (x & 1) == 0 ? x >> 1 : (x >> 1) + (n >> 1) + 1;
}
