using System.Numerics;

namespace Factorizer.Math.Big;

/// <summary>Exact integer roots, used to spot perfect powers (which rho handles badly) and squares (for Lucas).</summary>
internal static class IntegerRoot
{
    /// <summary>floor(n^(1/k)) for n &gt;= 0, k &gt;= 1, by Newton's method from above.</summary>
    public static BigInteger Floor(BigInteger n, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n.Sign, nameof(n));
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (n < 2 || k == 1)
        {
            return n;
        }
        // 2^ceil(bits/k) is above the root; from above, Newton decreases monotonically to the floor.
        long bits = (long)n.GetBitLength();
        BigInteger x = BigInteger.One << (int)((bits + k - 1) / k);
        while (true)
        {
            BigInteger y = (((k - 1) * x) + (n / BigInteger.Pow(x, k - 1))) / k;
            if (y >= x)
            {
                return x;
            }
            x = y;
        }
    }

    /// <summary>True when n is a perfect square.</summary>
    public static bool IsSquare(BigInteger n)
    {
        BigInteger r = Floor(n, 2);
        return r * r == n;
    }

    /// <summary>
    /// If n = r^e for a prime e &lt;= <paramref name="maxExponent"/>, gives r and the smallest such e
    /// (r itself may still be a power; callers treat r as a new number to factor).
    /// </summary>
    public static bool TryPerfectPower(BigInteger n, int maxExponent, out BigInteger root, out int exponent)
    {
        foreach (uint p in PrimeExponents())
        {
            if (p > maxExponent)
            {
                break;
            }
            BigInteger r = Floor(n, (int)p);
            if (BigInteger.Pow(r, (int)p) == n)
            {
                root = r;
                exponent = (int)p;
                return true;
            }
        }
        root = n;
        exponent = 1;
        return false;
    }

    /// <summary>2, 3, 5, 7, ...: a composite exponent k = a·b is found as the a-th power of a b-th power.</summary>
    private static IEnumerable<uint> PrimeExponents()
    {
        yield return 2;
        foreach (uint p in SmallPrimes.Odd)
        {
            yield return p;
        }
    }
}
