using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Factorizer.Math.Word;

/// <summary>
/// Trial division of a 64-bit number by the first <see cref="Count"/> odd primes, by multiplication: n·p^-1 mod 2^64
/// is the exact quotient when p divides n, and then it is at most (2^64-1)/p; otherwise the product lands above that
/// bound. Where the CPU multiplies 64-bit lanes (AVX-512DQ), eight primes are tested per instruction against the
/// untouched n (whether p divides n does not change as other primes are divided out), and only the primes that
/// divide are divided out one by one.
/// </summary>
internal static class TrialDivision64
{
    /// <summary>How many odd primes are tried (those below 1000).</summary>
    public const int Count = 167;

    /// <summary>The number of eight-lane blocks: <see cref="Count"/> rounded up.</summary>
    private const int Blocks = (Count + 7) / 8;

    /// <summary>Inverses mod 2^64, padded with 1 (whose quotient bound of 0 no odd n meets).</summary>
    private static readonly ulong[] PaddedInverse = Padded(SmallPrimes.Inverse, 1);

    /// <summary>Quotient bounds, padded with 0.</summary>
    private static readonly ulong[] PaddedLimit = Padded(SmallPrimes.QuotientLimit, 0);

    /// <summary>True when the vector path runs on this CPU (a 64-bit lane multiply is one instruction).</summary>
    public static bool IsVectorized => Vector512.IsHardwareAccelerated && Avx512DQ.IsSupported;

    /// <summary>
    /// Divides every odd prime of the table out of odd <paramref name="n"/>, writing each (with multiplicity) to
    /// <paramref name="factors"/> from <paramref name="count"/> on; returns the cofactor. Stops early, on the scalar
    /// path, once p² &gt; n.
    /// </summary>
    public static ulong DivideOut(ulong n, Span<ulong> factors, ref int count)
    {
        // Below 2^20 the scalar loop's early stop (p² > n) beats testing all primes.
        return IsVectorized && n >= (1UL << 20) ? DivideOutVector(n, factors, ref count) : DivideOutScalar(n, factors, ref count, Count);
    }

    /// <summary>The scalar loop over the first <paramref name="primeCount"/> odd primes.</summary>
    public static ulong DivideOutScalar(ulong n, Span<ulong> factors, ref int count, int primeCount)
    {
        uint[] primes = SmallPrimes.Odd;
        ulong[] inverse = SmallPrimes.Inverse;
        ulong[] limit = SmallPrimes.QuotientLimit;
        for (int i = 0; i < primeCount; i++)
        {
            ulong p = primes[i];
            if (p * p > n)
            {
                break;
            }
            ulong q = n * inverse[i];
            while (q <= limit[i])
            {
                factors[count++] = p;
                n = q;
                q = n * inverse[i];
            }
        }
        return n;
    }

    /// <summary>The vector path: eight divisibility tests per block, then the divisors divided out.</summary>
    public static ulong DivideOutVector(ulong n, Span<ulong> factors, ref int count)
    {
        ref ulong inverse = ref PaddedInverse[0];
        ref ulong limit = ref PaddedLimit[0];
        var broadcast = Vector512.Create(n);
        for (int block = 0; block < Blocks; block++)
        {
            Vector512<ulong> quotient = broadcast * Vector512.LoadUnsafe(ref inverse, (nuint)(block * 8));
            ulong hits = Vector512.LessThanOrEqual(quotient, Vector512.LoadUnsafe(ref limit, (nuint)(block * 8))).ExtractMostSignificantBits();
            while (hits != 0)
            {
                int i = (block * 8) + BitOperations.TrailingZeroCount(hits);
                hits &= hits - 1;
                ulong p = SmallPrimes.Odd[i];
                ulong inv = SmallPrimes.Inverse[i];
                ulong bound = SmallPrimes.QuotientLimit[i];
                ulong q = n * inv;
                while (q <= bound)
                {
                    factors[count++] = p;
                    n = q;
                    q = n * inv;
                }
            }
        }
        return n;
    }

    private static ulong[] Padded(ulong[] values, ulong pad)
    {
        var padded = new ulong[Blocks * 8];
        Array.Fill(padded, pad);
        Array.Copy(values, padded, Count);
        return padded;
    }
}
