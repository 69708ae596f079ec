using System.Numerics;
using Factorizer.Math.Big;
using Factorizer.Math.Word;

namespace Factorizer.Math;

/// <summary>Primality tests: exact for 64-bit numbers, Baillie-PSW beyond.</summary>
public static class Primality
{
    /// <summary>True exactly when <paramref name="n"/> is prime (deterministic Miller-Rabin; no randomness).</summary>
    public static bool IsPrime(ulong n) => WordFactorizer.IsPrime(n);

    /// <summary>
    /// True exactly when <paramref name="n"/> is prime, as <see cref="IsPrime"/>, but tuned for numbers that
    /// are usually prime (a verifier's claimed factors): a bitmap below 2^20, above it Baillie-PSW with its
    /// two halves interleaved, about half the cost of <see cref="IsPrime"/> for a prime. No trial division
    /// first, so a composite costs as much as a prime.
    /// </summary>
    public static bool IsPrimeExpectingPrime(ulong n) =>
        n < OddPrimeBitmap.Limit ? OddPrimeBitmap.IsPrime(n) : (n & 1) != 0 && InterleavedBpsw64.IsPrimeOdd(n);

    /// <summary>
    /// True when <paramref name="n"/> is prime: exact below 2^64; at or above it, the Baillie-PSW test
    /// (base-2 strong test plus strong Lucas test), for which no counterexample is known. False for n &lt; 2.
    /// </summary>
    public static bool IsProbablePrime(BigInteger n) =>
        n.Sign >= 0 && n <= ulong.MaxValue ? WordFactorizer.IsPrime((ulong)n) : Bpsw.IsProbablePrime(n);
}
