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
    /// True when <paramref name="n"/> is prime: exact below 2^64; at or above it, the Baillie-PSW test
    /// (base-2 strong test plus strong Lucas test), for which no counterexample is known. False for n &lt; 2.
    /// </summary>
    public static bool IsProbablePrime(BigInteger n) =>
        n.Sign >= 0 && n <= ulong.MaxValue ? WordFactorizer.IsPrime((ulong)n) : Bpsw.IsProbablePrime(n);
}
