using System.Numerics;
using Factorizer.Math.Big;
using Factorizer.Math.Word;

namespace Factorizer.Math;

/// <summary>
/// Exact prime factorization of non-negative integers of any size. Below 2^64: trial division, deterministic
/// Miller-Rabin and Pollard-Brent rho in 64-bit Montgomery arithmetic. Above: trial division, BPSW, then ECM
/// on 128-bit Montgomery arithmetic below 2^128, the self-initialising quadratic sieve for composites of
/// 100-200 bits that ECM does not split quickly, and rho beyond, switching to the 64-bit path for small
/// cofactors. Numbers above 200 bits whose two largest factors both exceed ~2^50 can take very long; use
/// the overload with a token to bound the work.
/// </summary>
public static class PrimeFactorizer
{
    /// <summary>The prime factors of <paramref name="n"/>, ascending, repeated by multiplicity; 0 and 1 give an empty array.</summary>
    public static ulong[] Factor(ulong n) => WordFactorizer.Factor(n);

    /// <summary>The prime factors of <paramref name="n"/> &gt;= 0, ascending, repeated by multiplicity; 0 and 1 give an empty array.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative.</exception>
    public static BigInteger[] Factor(BigInteger n) => Factor(n, CancellationToken.None);

    /// <summary>As <see cref="Factor(BigInteger)"/>, giving up with <see cref="OperationCanceledException"/> when the token is cancelled.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is negative.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the factors were found.</exception>
    public static BigInteger[] Factor(BigInteger n, CancellationToken cancellationToken)
    {
        if (n.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "Only non-negative integers can be factored.");
        }
        return BigFactorizer.Factor(n, cancellationToken);
    }
}
