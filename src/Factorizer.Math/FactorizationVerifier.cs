using System.Globalization;
using System.Numerics;

namespace Factorizer.Math;

/// <summary>Checks a claimed factorization independently of how it was found.</summary>
public static class FactorizationVerifier
{
    /// <summary>
    /// True when every factor is prime (in any order) and their product equals <paramref name="n"/>. For n = 0 and
    /// n = 1 the only valid list is empty; a negative n is never valid. On failure <paramref name="reason"/> says
    /// what is wrong (e.g. "product 12 != 13", "4 is not prime"); on success it is null.
    /// Primality is exact below 2^64 and Baillie-PSW above.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="factors"/> is null.</exception>
    public static bool Verify(BigInteger n, IReadOnlyList<BigInteger> factors, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(factors);
        if (n.Sign < 0)
        {
            reason = Format($"{n} is negative; only non-negative integers have a factorization");
            return false;
        }
        if (n < 2)
        {
            reason = factors.Count == 0 ? null : Format($"{n} has no prime factors, but {factors.Count} were given");
            return reason is null;
        }
        BigInteger product = BigInteger.One;
        foreach (BigInteger f in factors)
        {
            // Prime checks come first so a composite factor is named even if the product happens to match.
            if (!Primality.IsProbablePrime(f))
            {
                reason = Format($"{f} is not prime");
                return false;
            }
            product *= f;
        }
        if (product != n)
        {
            reason = Format($"product {product} != {n}");
            return false;
        }
        reason = null;
        return true;
    }

    /// <summary>
    /// The same check for 64-bit inputs, without BigInteger: deterministic primality and an exact
    /// 128-bit running product, so a product that overflows 64 bits is still reported correctly.
    /// </summary>
    public static bool Verify(ulong n, ReadOnlySpan<ulong> factors, out string? reason)
    {
        if (n < 2)
        {
            reason = factors.Length == 0 ? null : Format($"{n} has no prime factors, but {factors.Length} were given");
            return reason is null;
        }
        UInt128 product = 1;
        ulong checkedPrime = 0;
        foreach (ulong f in factors)
        {
            // A repeated factor (they usually come sorted: 2 2 2 3 ...) was proven prime a moment ago.
            bool provenBefore = f == checkedPrime && f >= 2;
            if (!provenBefore && !Primality.IsPrimeExpectingPrime(f))
            {
                reason = Format($"{f} is not prime");
                return false;
            }
            checkedPrime = f;
            product *= f;
            if (product > n)
            {
                // Every further factor is ≥ 2, so the product can only grow: report the full product.
                return Verify((BigInteger)n, [.. factors.ToArray().Select(x => (BigInteger)x)], out reason);
            }
        }
        if (product != n)
        {
            reason = Format($"product {product} != {n}");
            return false;
        }
        reason = null;
        return true;
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
