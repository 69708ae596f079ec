namespace Factorizer.Math.Word;

/// <summary>
/// Pollard's rho with Brent's cycle detection on 64-bit odd composites, in Montgomery form.
/// Differences are multiplied together and one GCD is taken per <see cref="BatchSize"/> steps;
/// if a batch overshoots (GCD = n) the batch is replayed one step at a time.
/// </summary>
internal static class PollardRho64
{
    /// <summary>Steps per GCD: large enough to amortise the GCD (~100 multiplies), small enough to waste little.</summary>
    private const int BatchSize = 128;

    /// <summary>
    /// Constants tried before giving up on rho. Failure for every one of them has never been observed for a
    /// real composite; the cap only exists so <see cref="FindFactor"/> provably terminates.
    /// </summary>
    private const int MaxAttempts = 64;

    /// <summary>
    /// A nontrivial factor of odd composite <paramref name="n"/> that has no prime factor below
    /// <paramref name="noFactorBelow"/> (used only by the trial-division fallback).
    /// </summary>
    public static ulong FindFactor(ulong n, ulong noFactorBelow = 3)
    {
        var mont = new Montgomery64(n);
        for (ulong c = 1; c <= MaxAttempts; c++)
        {
            ulong d = Attempt(mont, c);
            if (d != n)
            {
                return d;
            }
        }
        return TrialDivisionFallback(n, noFactorBelow);
    }

    /// <summary>One rho run with step x -> x² + c (in Montgomery form); returns n when it fails.</summary>
    private static ulong Attempt(Montgomery64 mont, ulong c)
    {
        ulong n = mont.N;
        // Any start works; 2 keeps runs reproducible. c is used as a Montgomery-form constant directly.
        ulong y = mont.ToMontgomery(2);
        ulong x = y;
        ulong saved = y;
        ulong product = mont.One;
        ulong g = 1;
        for (ulong r = 1; g == 1; r <<= 1)
        {
            x = y;
            for (ulong i = 0; i < r; i++)
            {
                y = mont.Add(mont.Multiply(y, y), c);
            }
            for (ulong k = 0; k < r && g == 1; k += BatchSize)
            {
                saved = y;
                ulong steps = System.Math.Min(BatchSize, r - k);
                for (ulong i = 0; i < steps; i++)
                {
                    y = mont.Add(mont.Multiply(y, y), c);
                    product = mont.Multiply(product, x > y ? x - y : y - x);
                }
                // product is (true product)·2^64 mod n; 2^64 is a unit, so the GCD is the same.
                g = Gcd64.Of(product, n);
            }
        }
        if (g == n)
        {
            // The batch multiplied in a zero (both cycles closed together, or one factor appeared
            // within the batch after the other): replay from the batch start, one GCD per step.
            do
            {
                saved = mont.Add(mont.Multiply(saved, saved), c);
                g = Gcd64.Of(x > saved ? x - saved : saved - x, n);
            }
            while (g == 1);
        }
        return g;
    }

    /// <summary>Guaranteed-to-terminate last resort: odd trial division up to sqrt(n) &lt; 2^32.</summary>
    private static ulong TrialDivisionFallback(ulong n, ulong start)
    {
        for (ulong d = System.Math.Max(3, start | 1); d <= n / d; d += 2)
        {
            if (n % d == 0)
            {
                return d;
            }
        }
        throw new InvalidOperationException($"{n} was passed to rho as composite but has no divisor.");
    }
}
