using System.Numerics;

namespace Factorizer.Math.Tests;

/// <summary>Deterministic generators for test inputs (fixed seeds, so a failure reproduces).</summary>
internal static class TestNumbers
{
    /// <summary>A uniformly random number with exactly <paramref name="bits"/> bits (top bit set), 2 &lt;= bits &lt;= 64.</summary>
    public static ulong RandomBits(Random random, int bits)
    {
        ulong value = (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
        value >>= 64 - bits;
        return value | (1UL << (bits - 1));
    }

    /// <summary>A random prime with exactly <paramref name="bits"/> bits (the next prime after a random start).</summary>
    public static ulong RandomPrime(Random random, int bits)
    {
        while (true)
        {
            ulong p = RandomBits(random, bits) | 1;
            while (p >> (bits - 1) == 1)
            {
                if (ReferencePrime(p))
                {
                    return p;
                }
                p += 2;
            }
        }
    }

    /// <summary>Primality by BigInteger.ModPow Miller-Rabin with the first 12 prime bases (exact below 3.3·10^24), independent of the code under test.</summary>
    public static bool ReferencePrime(BigInteger n)
    {
        if (n < 2)
        {
            return false;
        }
        int[] bases = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];
        foreach (int p in bases)
        {
            if (n == p)
            {
                return true;
            }
            if ((n % p).IsZero)
            {
                return false;
            }
        }
        BigInteger d = n - 1;
        int s = 0;
        while (d.IsEven)
        {
            d >>= 1;
            s++;
        }
        foreach (int a in bases)
        {
            BigInteger x = BigInteger.ModPow(a, d, n);
            if (x.IsOne || x == n - 1)
            {
                continue;
            }
            bool composite = true;
            for (int r = 1; r < s && composite; r++)
            {
                x = x * x % n;
                composite = x != n - 1;
            }
            if (composite)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Sieve of Eratosthenes: <c>result[i]</c> is true when i is prime, for i &lt;= <paramref name="limit"/>.</summary>
    public static bool[] Sieve(int limit)
    {
        var prime = new bool[limit + 1];
        Array.Fill(prime, true, 2, limit - 1);
        for (int i = 2; (long)i * i <= limit; i++)
        {
            if (prime[i])
            {
                for (int j = i * i; j <= limit; j += i)
                {
                    prime[j] = false;
                }
            }
        }
        return prime;
    }
}
