using System.Runtime.CompilerServices;

namespace Factorizer.Math.Word;

/// <summary>
/// Arithmetic modulo an odd 64-bit <see cref="N"/> in Montgomery form (x is held as x·2^64 mod N), so a
/// modular product is two 64x64->128 multiplies and a subtraction instead of a 128-by-64 division.
/// Values passed in and returned are always fully reduced, in [0, N).
/// </summary>
internal readonly struct Montgomery64
{
    /// <summary>The odd modulus, &gt;= 3.</summary>
    public readonly ulong N;

    /// <summary>N^-1 mod 2^64.</summary>
    private readonly ulong _nInverse;

    /// <summary>2^128 mod N: multiplying by it converts into Montgomery form.</summary>
    private readonly ulong _r2;

    /// <summary>Creates the context for odd <paramref name="n"/> &gt;= 3.</summary>
    public Montgomery64(ulong n)
    {
        if ((n & 1) == 0 || n < 3)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "Montgomery form needs an odd modulus >= 3.");
        }
        N = n;
        _nInverse = SmallPrimes.InverseMod64(n);
        // 2^64 mod n == (2^64 - n) mod n, which fits in a ulong.
        One = (0UL - n) % n;
        _r2 = (ulong)((UInt128)One * One % n);
    }

    /// <summary>1 in Montgomery form (2^64 mod N).</summary>
    public ulong One { get; }

    /// <summary>-1 in Montgomery form.</summary>
    public ulong MinusOne => N - One;

    /// <summary>Converts <paramref name="a"/> (any value) into Montgomery form.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ToMontgomery(ulong a) => Multiply(a % N, _r2);

    /// <summary>Converts a Montgomery-form value back to an ordinary residue.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong FromMontgomery(ulong a) => Reduce(0, a);

    /// <summary>a·b·2^-64 mod N, i.e. the product of two Montgomery-form values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Multiply(ulong a, ulong b)
    {
        ulong hi = System.Math.BigMul(a, b, out ulong lo);
        return Reduce(hi, lo);
    }

    /// <summary>(a + b) mod N.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Add(ulong a, ulong b)
    {
        ulong s = a + b;
        // s < a means the sum wrapped past 2^64; it is then certainly >= N and wrapping back is right.
        return s < a || s >= N ? s - N : s;
    }

    /// <summary>(a - b) mod N.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Subtract(ulong a, ulong b) => a >= b ? a - b : a - b + N;

    /// <summary>b^e for Montgomery-form <paramref name="b"/>, result in Montgomery form.</summary>
    public ulong Power(ulong b, ulong e)
    {
        ulong result = One;
        while (e != 0)
        {
            if ((e & 1) != 0)
            {
                result = Multiply(result, b);
            }
            e >>= 1;
            if (e != 0)
            {
                b = Multiply(b, b);
            }
        }
        return result;
    }

    /// <summary>
    /// REDC of hi·2^64 + lo (which must be &lt; N·2^64). With m = lo·N^-1 mod 2^64 the low words of T
    /// and m·N agree, so (T - m·N)/2^64 = hi - high(m·N), which lies in (-N, N): one conditional add.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Reduce(ulong hi, ulong lo)
    {
        ulong m = lo * _nInverse;
        ulong mh = System.Math.BigMul(m, N, out _);
        ulong r = hi - mh;
        return hi < mh ? r + N : r;
    }
}
