using System.Numerics;

namespace Factorizer.Math.Big;

/// <summary>
/// Pollard's rho with Brent's cycle detection on BigInteger, for composites of 2^128 and above
/// (smaller ones go to the word-sized versions). Expected cost ~sqrt(p) steps for the smallest factor p.
/// </summary>
internal static class PollardRhoBig
{
    /// <summary>Steps per GCD; a BigInteger GCD costs about as much as a hundred modular products.</summary>
    private const int BatchSize = 128;

    /// <summary>
    /// A nontrivial factor of odd composite <paramref name="n"/>, which must not be a perfect power
    /// (callers strip those first). Tries c = 1, 2, ... until one works; in practice the first does.
    /// </summary>
    public static BigInteger FindFactor(BigInteger n, CancellationToken cancellationToken)
    {
        for (int c = 1; ; c++)
        {
            BigInteger d = Attempt(n, c, long.MaxValue, cancellationToken);
            if (d != n)
            {
                return d;
            }
        }
    }

    /// <summary>
    /// A nontrivial factor of odd composite <paramref name="n"/> found within about <paramref name="maxSteps"/>
    /// steps (so factors up to about maxSteps² are likely found), or zero: a cheap look for small factors
    /// before a method whose cost does not depend on them.
    /// </summary>
    public static BigInteger FindSmallFactor(BigInteger n, long maxSteps, CancellationToken cancellationToken)
    {
        BigInteger d = Attempt(n, 1, maxSteps, cancellationToken);
        return d == n ? BigInteger.Zero : d;
    }

    /// <summary>One rho run with step x -> x² + c; returns n when it fails or passes <paramref name="maxSteps"/>.</summary>
    private static BigInteger Attempt(BigInteger n, int c, long maxSteps, CancellationToken cancellationToken)
    {
        BigInteger y = 2;
        BigInteger x = y;
        BigInteger saved = y;
        BigInteger product = BigInteger.One;
        BigInteger g = BigInteger.One;
        for (long r = 1; g.IsOne; r <<= 1)
        {
            if (r > maxSteps)
            {
                return n;
            }
            x = y;
            for (long i = 0; i < r; i++)
            {
                y = Step(y, c, n);
            }
            for (long k = 0; k < r && g.IsOne; k += BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                saved = y;
                long steps = System.Math.Min(BatchSize, r - k);
                for (long i = 0; i < steps; i++)
                {
                    y = Step(y, c, n);
                    product = product * BigInteger.Abs(x - y) % n;
                }
                g = BigInteger.GreatestCommonDivisor(product, n);
            }
        }
        if (g == n)
        {
            // Overshot within the last batch: replay it one GCD per step (see Word.PollardRho64).
            do
            {
                saved = Step(saved, c, n);
                g = BigInteger.GreatestCommonDivisor(BigInteger.Abs(x - saved), n);
            }
            while (g.IsOne);
        }
        return g;
    }

    private static BigInteger Step(BigInteger y, int c, BigInteger n)
    {
        BigInteger next = (y * y) + c;
        return next >= n ? next % n : next;
    }
}
