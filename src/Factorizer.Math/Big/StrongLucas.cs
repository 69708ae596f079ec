using System.Numerics;

namespace Factorizer.Math.Big;

/// <summary>
/// The strong Lucas probable-prime test with Selfridge's "method A" parameters (Baillie &amp; Wagstaff 1980):
/// D is the first of 5, -7, 9, -11, ... with (D/n) = -1, P = 1, Q = (1 - D)/4. Together with a base-2
/// strong test this is BPSW, for which no counterexample is known (and none exists below 2^64).
/// </summary>
internal static class StrongLucas
{
    /// <summary>After this many D candidates without (D/n) = -1, check whether n is a square (then none exists).</summary>
    private const int TriesBeforeSquareCheck = 8;

    /// <summary>True when odd n &gt; 2 is a strong Lucas probable prime.</summary>
    public static bool IsStrongLucasProbablePrime(BigInteger n)
    {
        if (n.IsEven || n < 3)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "The Lucas test needs an odd n > 2.");
        }
        long d = 5;
        for (int tries = 1; ; tries++)
        {
            int j = Jacobi.Symbol(d, n);
            if (j == -1)
            {
                break;
            }
            if (j == 0 && BigInteger.Abs(d) != n)
            {
                // |D| and n share a factor below n.
                return false;
            }
            if (tries == TriesBeforeSquareCheck && IntegerRoot.IsSquare(n))
            {
                return false;
            }
            d = d > 0 ? -(d + 2) : -d + 2;
        }
        long q = (1 - d) / 4;
        return Check(n, d, q);
    }

    /// <summary>The strong Lucas test proper, for P = 1 and the given D and Q = (1 - D)/4.</summary>
    private static bool Check(BigInteger n, long dParameter, long qParameter)
    {
        // n + 1 = k·2^s with k odd; U_k = 0, or V_(k·2^r) = 0 for some 0 <= r < s, if n is prime.
        BigInteger nPlusOne = n + 1;
        int s = (int)BigInteger.TrailingZeroCount(nPlusOne);
        BigInteger k = nPlusOne >> s;
        BigInteger bigD = Mod(dParameter, n);
        BigInteger bigQ = Mod(qParameter, n);

        // Left-to-right over k's bits, starting from index 1: (U_1, V_1, Q^1) = (1, P, Q).
        BigInteger u = BigInteger.One;
        BigInteger v = BigInteger.One;
        BigInteger qk = bigQ;
        for (long bit = (long)k.GetBitLength() - 2; bit >= 0; bit--)
        {
            // Doubling: U_2m = U_m·V_m, V_2m = V_m² - 2Q^m.
            u = u * v % n;
            v = Mod((v * v) - (2 * qk), n);
            qk = qk * qk % n;
            if (!(k >> (int)bit).IsEven)
            {
                // Increment with P = 1: U_m+1 = (U_m + V_m)/2, V_m+1 = (D·U_m + V_m)/2.
                BigInteger newU = Half(u + v, n);
                v = Half(((bigD * u) + v) % n, n);
                u = newU;
                qk = qk * bigQ % n;
            }
        }
        if (u.IsZero || v.IsZero)
        {
            return true;
        }
        for (int r = 1; r < s; r++)
        {
            v = Mod((v * v) - (2 * qk), n);
            if (v.IsZero)
            {
                return true;
            }
            qk = qk * qk % n;
        }
        return false;
    }

    /// <summary>x/2 mod odd n, for 0 &lt;= x &lt; 2n: add n first when x is odd so the halving is exact.</summary>
    private static BigInteger Half(BigInteger x, BigInteger n)
    {
        if (x >= n)
        {
            x -= n;
        }
        return (x.IsEven ? x : x + n) >> 1;
    }

    /// <summary>The least non-negative residue of x mod n.</summary>
    private static BigInteger Mod(BigInteger x, BigInteger n)
    {
        BigInteger r = x % n;
        return r.Sign < 0 ? r + n : r;
    }
}
