using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

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

    /// <summary>As <see cref="Multiply"/>, with the final correction as a mask instead of a branch (for ECM's ladders).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong MultiplyBranchless(ulong a, ulong b)
    {
        ulong hi = System.Math.BigMul(a, b, out ulong lo);
        ulong mh = High(lo * _nInverse, N);
        return hi - mh + (N & Borrow(hi, mh));
    }

    /// <summary>
    /// a·b·2^-64 modulo N, lazily reduced: the result is in (0, 2N) and only congruent to the exact product.
    /// Needs a·b &lt; N·2^64 (e.g. both below 2N with N &lt; 2^62). Saves the final correction, the last
    /// step of every product's latency, where only residues mod a factor of N matter (rho).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong MultiplyLazy(ulong a, ulong b)
    {
        ulong hi = System.Math.BigMul(a, b, out ulong lo);
        return hi - High(lo * _nInverse, N) + N;
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

    /// <summary>(a + b) mod N without a branch: a - (N - b), where N - b is in (0, N].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong AddBranchless(ulong a, ulong b)
    {
        ulong c = N - b;
        return a - c + (N & Borrow(a, c));
    }

    /// <summary>(a - b) mod N without a branch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong SubtractBranchless(ulong a, ulong b) => a - b + (N & Borrow(a, b));

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
    /// Moduli below this can keep values in [0, 4N) between products (see <see cref="MultiplyLazy"/>): the product of
    /// two such values is below 16N² &lt;= N·2^64.
    /// </summary>
    public const ulong LazyLimit = 1UL << 60;

    /// <summary>2^e in Montgomery form: left to right, where multiplying by the base 2 is a modular doubling.</summary>
    public ulong PowerOfTwo(ulong e)
    {
        if (e == 0)
        {
            return One;
        }
        int top = 62 - System.Numerics.BitOperations.LeadingZeroCount(e);
        if (N < LazyLimit)
        {
            // Lazily reduced: a square lands in (0, 2N), the doubling in (0, 4N); no correction on the way.
            ulong y = One + One;
            for (int bit = top; bit >= 0; bit--)
            {
                y = MultiplyLazy(y, y);
                y += y & (0UL - ((e >> bit) & 1));
            }
            return ReduceFrom4N(y);
        }
        ulong x = Add(One, One);
        for (int bit = top; bit >= 0; bit--)
        {
            x = MultiplyBranchless(x, x);
            // Doubles when the bit is set: adds x or 0 (a mask, since the exponent's bits are random).
            x = AddBranchless(x, x & (0UL - ((e >> bit) & 1)));
        }
        return x;
    }

    /// <summary>The residue in [0, N) of <paramref name="a"/> &lt; 4N.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReduceFrom4N(ulong a)
    {
        ulong twoN = N + N;
        a = a >= twoN ? a - twoN : a;
        return a >= N ? a - N : a;
    }

    /// <summary>All ones when a &lt; b, else zero, computed without a branch (the JIT makes ternaries into jumps).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Borrow(ulong a, ulong b) => 0UL - (ulong)Unsafe.BitCast<bool, byte>(a < b);

    /// <summary>The high word of a·b: MULX where the CPU has BMI2 (measured faster than Math.BigMul and UInt128).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong High(ulong a, ulong b) =>
        Bmi2.X64.IsSupported ? Bmi2.X64.MultiplyNoFlags(a, b) : System.Math.BigMul(a, b, out _);

    /// <summary>
    /// REDC of hi·2^64 + lo (which must be &lt; N·2^64). With m = lo·N^-1 mod 2^64 the low words of T
    /// and m·N agree, so (T - m·N)/2^64 = hi - high(m·N), which lies in (-N, N): one conditional add.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Reduce(ulong hi, ulong lo)
    {
        ulong mh = High(lo * _nInverse, N);
        ulong r = hi - mh;
        return hi < mh ? r + N : r;
    }
}
