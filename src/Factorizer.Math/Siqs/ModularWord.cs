namespace Factorizer.Math.Siqs;

/// <summary>Arithmetic modulo word-sized primes p &lt; 2^31 (products fit in 64 bits).</summary>
internal static class ModularWord
{
    /// <summary>b^e mod p.</summary>
    public static uint Power(uint b, ulong e, uint p)
    {
        ulong result = 1, x = b % p;
        while (e != 0)
        {
            if ((e & 1) != 0)
            {
                result = result * x % p;
            }
            x = x * x % p;
            e >>= 1;
        }
        return (uint)result;
    }

    /// <summary>x mod p, by word divisions: (hi mod p)·(2^64 mod p) + lo mod p.</summary>
    public static uint Reduce(UInt128 x, uint p)
    {
        ulong high = (ulong)(x >> 64), low = (ulong)x;
        if (high == 0)
        {
            return (uint)(low % p);
        }
        ulong twoTo64 = ((ulong.MaxValue % p) + 1) % p;
        return (uint)((((high % p) * twoTo64) + (low % p)) % p);
    }

    /// <summary>a^-1 mod p for a not divisible by p (extended Euclid).</summary>
    public static uint Inverse(uint a, uint p)
    {
        long t = 0, newT = 1, r = p, newR = a % p;
        while (newR != 0)
        {
            long q = r / newR;
            (t, newT) = (newT, t - (q * newT));
            (r, newR) = (newR, r - (q * newR));
        }
        return (uint)(t < 0 ? t + p : t);
    }

    /// <summary>A square root of quadratic residue <paramref name="a"/> modulo odd prime p (Tonelli-Shanks).</summary>
    public static uint SquareRoot(uint a, uint p)
    {
        a %= p;
        if (a == 0)
        {
            return 0;
        }
        if ((p & 3) == 3)
        {
            return Power(a, (p + 1) / 4, p);
        }
        uint q = p - 1;
        int s = 0;
        while ((q & 1) == 0)
        {
            q >>= 1;
            s++;
        }
        uint z = 2;
        while (Power(z, (p - 1) / 2, p) != p - 1)
        {
            z++;
        }
        ulong c = Power(z, q, p), r = Power(a, (q + 1) / 2, p), t = Power(a, q, p);
        int m = s;
        while (t != 1)
        {
            int i = 0;
            ulong t2 = t;
            while (t2 != 1)
            {
                t2 = t2 * t2 % p;
                i++;
            }
            ulong b = c;
            for (int j = 0; j < m - i - 1; j++)
            {
                b = b * b % p;
            }
            r = r * b % p;
            c = b * b % p;
            t = t * c % p;
            m = i;
        }
        return (uint)r;
    }

    /// <summary>The Legendre symbol (a/p) for odd prime p: 1, p-1 (for -1) or 0.</summary>
    public static uint Legendre(uint a, uint p) => Power(a, (p - 1) / 2, p);
}
