using System.Numerics;

namespace Factorizer.Math.Siqs;

/// <summary>
/// Y² ≡ (∏ factor base primes at <see cref="Factors"/>) · <see cref="SquareRoot"/>² (mod N): a congruence
/// the sieve found (or two partial ones sharing a large prime, multiplied together).
/// </summary>
/// <param name="Y">The square root side, reduced mod N.</param>
/// <param name="Factors">Factor base indices, repeated by multiplicity (index 0 is the sign -1).</param>
/// <param name="SquareRoot">A known square root of the rest of the right side: a shared large prime, or 1.</param>
internal sealed record Relation(BigInteger Y, int[] Factors, BigInteger SquareRoot);
