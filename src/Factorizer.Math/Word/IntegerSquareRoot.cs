namespace Factorizer.Math.Word;

/// <summary>Exact integer square and cube roots of 64-bit words (a floating-point estimate, then a fix-up).</summary>
internal static class IntegerSquareRoot
{
    /// <summary>floor(sqrt(n)).</summary>
    public static ulong FloorSqrt(ulong n)
    {
        // The double estimate is within one of the answer (n rounds to 53 bits); adjust, avoiding overflow.
        ulong r = (ulong)System.Math.Sqrt(n);
        if (r > uint.MaxValue)
        {
            r = uint.MaxValue;
        }
        while (r * r > n)
        {
            r--;
        }
        while ((r + 1) * (r + 1) <= n && r < uint.MaxValue)
        {
            r++;
        }
        return r;
    }

    /// <summary>True when n is a perfect square.</summary>
    public static bool IsSquare(ulong n)
    {
        // Squares are 0, 1, 4 or 9 mod 16: rejects 3/4 of non-squares before the square root.
        if (((0x0213UL >> (int)(n & 15)) & 1) == 0)
        {
            return false;
        }
        ulong r = FloorSqrt(n);
        return r * r == n;
    }

    /// <summary>The cube root of n when n is a perfect cube, else 0.</summary>
    public static ulong ExactCubeRoot(ulong n)
    {
        ulong r = (ulong)System.Math.Round(System.Math.Cbrt(n));
        for (ulong c = r > 0 ? r - 1 : 0; c <= r + 1 && c <= 2_642_245; c++)
        {
            if (c * c * c == n)
            {
                return c;
            }
        }
        return 0;
    }
}
