using System.Numerics;
using System.Runtime.CompilerServices;

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
            // a, b = min(a, b), |b - a| with masks: which one is larger is a coin toss, so a branch mispredicts.
            ulong difference = b - a;
            ulong mask = 0UL - (ulong)Unsafe.BitCast<bool, byte>(b < a);
            a += difference & mask;
            b = (difference ^ mask) - mask;
        }
        while (b != 0);
        return a << shift;
    }

    /// <summary>
    /// a^-1 mod n by the extended Euclidean algorithm when gcd(a, n) = 1; otherwise returns 0 and the gcd (a factor
    /// of n, or n itself when a = 0 mod n) in <paramref name="gcd"/>. Coefficients are tracked as magnitudes, since
    /// their signs alternate and their size stays below n.
    /// </summary>
    public static ulong Inverse(ulong a, ulong n, out ulong gcd)
    {
        ulong r0 = n, r1 = a % n;
        ulong t0 = 0, t1 = 1;
        // r1 = (+t1)·a when odd, (-t1)·a otherwise (mod n).
        bool odd = true;
        while (r1 > 1)
        {
            ulong q = r0 / r1;
            (r0, r1) = (r1, r0 - (q * r1));
            (t0, t1) = (t1, t0 + (q * t1));
            odd = !odd;
        }
        if (r1 == 0)
        {
            gcd = r0;
            return 0;
        }
        gcd = 1;
        return odd ? t1 : n - t1;
    }
}
