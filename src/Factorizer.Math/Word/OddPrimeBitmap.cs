using System.Runtime.CompilerServices;

namespace Factorizer.Math.Word;

/// <summary>
/// Primality below <see cref="Limit"/> by lookup: one bit per odd number (64 KB), sieved on first use
/// (well under a millisecond). A verifier meets many factors of this size, each otherwise a full
/// primality test.
/// </summary>
internal static class OddPrimeBitmap
{
    /// <summary>Numbers below this bound are looked up.</summary>
    public const ulong Limit = 1UL << 20;

    /// <summary>Bit (n &gt;&gt; 1) is set when odd n is prime.</summary>
    private static readonly ulong[] Bits = Sieve();

    /// <summary>True exactly when <paramref name="n"/> &lt; <see cref="Limit"/> is prime.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsPrime(ulong n)
    {
        ulong half = n >> 1;
        return (n & 1) != 0 ? ((Bits[half >> 6] >> (int)(half & 63)) & 1) != 0 : n == 2;
    }

    private static ulong[] Sieve()
    {
        const int Odd = (int)(Limit / 2); // bit i stands for 2i + 1
        var bits = new ulong[Odd / 64];
        Array.Fill(bits, ulong.MaxValue);
        bits[0] &= ~1UL; // 1 is not prime
        for (int i = 1; ; i++)
        {
            int p = (2 * i) + 1;
            if (p * p >= (int)Limit)
            {
                break;
            }
            if (((bits[i >> 6] >> (i & 63)) & 1) == 0)
            {
                continue;
            }
            // Odd multiples from p², stepping 2p: bit indices from (p² - 1)/2 stepping p.
            for (int j = ((p * p) - 1) / 2; j < Odd; j += p)
            {
                bits[j >> 6] &= ~(1UL << (j & 63));
            }
        }
        return bits;
    }
}
