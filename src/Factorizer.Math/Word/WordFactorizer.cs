using System.Numerics;

namespace Factorizer.Math.Word;

/// <summary>
/// Factorization and primality of 64-bit numbers: trial division by the primes below
/// <see cref="TrialPrimeCount"/>'s bound, then Baillie-PSW, square and cube checks, and on what is left
/// Pollard-Brent rho (small cofactors) or ECM (large ones).
/// </summary>
internal static class WordFactorizer
{
    /// <summary>
    /// How many odd primes trial division tries (those below 1000). More would mostly cost time: a composite
    /// left over has all factors &gt; 1000, which rho finds in a few dozen steps.
    /// </summary>
    public const int TrialPrimeCount = TrialDivision64.Count;

    /// <summary>The smallest prime trial division does not try; cofactors below its square are prime.</summary>
    private static readonly ulong FirstUntried = SmallPrimes.Odd[TrialPrimeCount];

    /// <summary>
    /// Last rho round of the short search for a small factor (up to ~16 bits) that ECM-sized cofactors below rho's
    /// limit get first: ~1/3 of a curve's cost, and a third or so of random composites have such a factor.
    /// </summary>
    private const ulong SmallFactorRound = 256;

    /// <summary>
    /// Cofactors from rho's limit up to this get one cheap curve (<see cref="EcmPlans.Small"/>) first, for the same
    /// reason. Above it the curve measured as a loss on products of two 32-bit primes, which it never splits.
    /// </summary>
    private const ulong SmallCurveLimit = 1UL << 62;

    /// <summary>A 64-bit number has at most 64 prime factors counted with multiplicity.</summary>
    private const int MaxFactors = 64;

    /// <summary>Deterministic primality.</summary>
    public static bool IsPrime(ulong n)
    {
        if (n < 4)
        {
            return n >= 2;
        }
        if ((n & 1) == 0)
        {
            return false;
        }
        // A few divisibility tests reject most composites before the far costlier Miller-Rabin.
        uint[] primes = SmallPrimes.Odd;
        for (int i = 0; i < 24; i++)
        {
            ulong p = primes[i];
            if (n * SmallPrimes.Inverse[i] <= SmallPrimes.QuotientLimit[i])
            {
                return n == p;
            }
            if (p * p > n)
            {
                return true;
            }
        }
        return Bpsw64.IsPrimeOdd(n);
    }

    /// <summary>Prime factors of <paramref name="n"/>, ascending, with multiplicity; empty for 0 and 1.</summary>
    public static ulong[] Factor(ulong n)
    {
        if (n < 2)
        {
            return [];
        }
        Span<ulong> factors = stackalloc ulong[MaxFactors];
        int count = FactorInto(n, factors);
        Span<ulong> found = factors[..count];
        found.Sort();
        return found.ToArray();
    }

    /// <summary>Writes the prime factors of n &gt;= 2 into <paramref name="factors"/> (unordered); returns how many.</summary>
    public static int FactorInto(ulong n, Span<ulong> factors)
    {
        int count = 0;
        int twos = BitOperations.TrailingZeroCount(n);
        for (int i = 0; i < twos; i++)
        {
            factors[count++] = 2;
        }
        n >>= twos;

        n = TrialDivision64.DivideOut(n, factors, ref count);
        if (n == 1)
        {
            return count;
        }
        if (n < FirstUntried * FirstUntried)
        {
            // n has no prime factor below FirstUntried (or below a p with p² > n, if the loop stopped
            // early), so it has no factor up to its square root: it is prime.
            factors[count++] = n;
            return count;
        }
        return FactorRemaining(n, factors, count);
    }

    /// <summary>Splits n (no factor below <see cref="FirstUntried"/>), using an explicit stack.</summary>
    private static int FactorRemaining(ulong n, Span<ulong> factors, int count)
    {
        // Each split pushes two parts of a composite, so the stack never holds more than log2(n) entries.
        Span<ulong> pending = stackalloc ulong[MaxFactors];
        int top = 0;
        pending[top++] = n;
        while (top > 0)
        {
            ulong m = pending[--top];
            if (m < FirstUntried * FirstUntried || Bpsw64.IsPrimeOdd(m))
            {
                factors[count++] = m;
                continue;
            }
            // Powers first: rho and ECM find a factor of p² or p³ only slowly (or as the whole power).
            ulong root = IntegerSquareRoot.FloorSqrt(m);
            if (root * root == m)
            {
                pending[top++] = root;
                pending[top++] = root;
                continue;
            }
            root = IntegerSquareRoot.ExactCubeRoot(m);
            if (root != 0)
            {
                pending[top++] = root;
                pending[top++] = root;
                pending[top++] = root;
                continue;
            }
            ulong d = FindFactor(m);
            pending[top++] = d;
            pending[top++] = m / d;
        }
        return count;
    }

    /// <summary>A nontrivial factor of odd composite m, not a square or cube, with no factor below <see cref="FirstUntried"/>.</summary>
    private static ulong FindFactor(ulong m)
    {
        EcmPlan? plan = EcmPlans.For(m);
        ulong d = 0;
        if (plan is not null && m < PollardRho64.Limit)
        {
            d = PollardRho64.FindSmallFactor(m, SmallFactorRound);
        }
        else if (plan is not null && m < SmallCurveLimit)
        {
            d = Ecm64.FindFactor(m, EcmPlans.Small, 1);
        }
        if (d == 0 && plan is not null)
        {
            d = Ecm64.FindFactor(m, plan, EcmPlans.MaxCurves);
        }
        if (d == 0 && m < PollardRho64.Limit)
        {
            d = PollardRho64.FindFactor(m);
        }
        if (d == 0)
        {
            // Never observed: every curve and rho constant failed. Many more curves, then a sure last resort.
            d = Ecm64.FindFactor(m, EcmPlans.Largest, 100 * EcmPlans.MaxCurves);
        }
        return d != 0 ? d : TrialDivisionFallback(m);
    }

    /// <summary>Guaranteed-to-terminate last resort: odd trial division up to sqrt(m) &lt; 2^32.</summary>
    private static ulong TrialDivisionFallback(ulong m)
    {
        for (ulong d = FirstUntried; d <= m / d; d += 2)
        {
            if (m % d == 0)
            {
                return d;
            }
        }
        throw new InvalidOperationException($"{m} was taken for composite but has no divisor.");
    }
}
