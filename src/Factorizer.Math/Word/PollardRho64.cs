namespace Factorizer.Math.Word;

/// <summary>
/// Pollard's rho with Brent's cycle detection on odd composites below <see cref="Limit"/>, in Montgomery form.
/// Two sequences (x² + c and x² + c + 1) run side by side: their steps are independent, so the CPU overlaps
/// them, and the first of the two to close its cycle ends the search (about 0.7 of one sequence's length).
/// Differences are multiplied together and one GCD is taken per <see cref="BatchSize"/> steps (the first, short round
/// shares the second's); if a batch overshoots (GCD = n) it is replayed with a GCD every few steps, then every step.
/// Values are kept lazily reduced, in [0, 2N + c), which
/// drops the final correction from every product's dependency chain; that needs N well below 2^64.
/// </summary>
internal static class PollardRho64
{
    /// <summary>
    /// Moduli must be below this: values stay below 2N + c and differences below 5N + c, so every lazily reduced
    /// product's operands multiply to less than N·2^64.
    /// </summary>
    public const ulong Limit = 1UL << 60;

    /// <summary>Steps per GCD: large enough to amortise the GCD (~100 multiplies), small enough to waste little.</summary>
    private const int BatchSize = 64;

    /// <summary>
    /// The first round's length. Trial division leaves only factors above 1000, whose rho cycles take ~40 steps or
    /// more to close, so shorter rounds would mostly cost GCDs.
    /// </summary>
    private const ulong FirstRound = 16;

    /// <summary>Steps per GCD when a batch is replayed after it overshot.</summary>
    private const ulong ReplayBatchSize = 8;

    /// <summary>
    /// Pairs of constants tried before giving up. Failure for all of them has never been observed for a real
    /// composite; the cap only exists so <see cref="FindFactor"/> provably returns.
    /// </summary>
    private const int MaxAttempts = 32;

    /// <summary>A nontrivial factor of odd composite n &lt; <see cref="Limit"/>, or 0 if every attempt failed.</summary>
    public static ulong FindFactor(ulong n)
    {
        if (n >= Limit)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "Rho's lazy reduction needs n < 2^60.");
        }
        var mont = new Montgomery64(n);
        for (ulong c = 1; c < 2 * MaxAttempts; c += 2)
        {
            ulong d = Attempt(mont, c, ulong.MaxValue);
            if (d != n)
            {
                return d;
            }
        }
        return 0;
    }

    /// <summary>
    /// A short search for a small factor of odd composite n &lt; <see cref="Limit"/>: one attempt, rounds up to
    /// <paramref name="lastRound"/> steps (about 4·lastRound steps in all); 0 when it found none.
    /// </summary>
    public static ulong FindSmallFactor(ulong n, ulong lastRound)
    {
        ulong d = Attempt(new Montgomery64(n), 1, lastRound);
        return d == n ? 0 : d;
    }

    /// <summary>One run of the two sequences with constants c and c + 1; returns n when both fail.</summary>
    private static ulong Attempt(Montgomery64 mont, ulong c, ulong lastRound)
    {
        ulong n = mont.N;
        ulong c2 = c + 1;
        // Any start works; 2 keeps runs reproducible. The constants are used as Montgomery-form values directly.
        ulong y1 = mont.ToMontgomery(2), y2 = y1;
        ulong x1 = y1, x2 = y2, saved1 = y1, saved2 = y2;
        ulong product1 = mont.One, product2 = mont.One;
        // Adding 3N (a multiple of n) before subtracting keeps differences positive: every value is below 2N + c.
        ulong offset = 3 * n;
        ulong g = 1;
        ulong steps = 0;
        ulong r = FirstRound;
        for (; g == 1; r <<= 1)
        {
            if (r > lastRound)
            {
                return n;
            }
            x1 = y1;
            x2 = y2;
            for (ulong i = 0; i < r; i++)
            {
                y1 = mont.MultiplyLazy(y1, y1) + c;
                y2 = mont.MultiplyLazy(y2, y2) + c2;
            }
            for (ulong k = 0; k < r && g == 1; k += BatchSize)
            {
                saved1 = y1;
                saved2 = y2;
                steps = System.Math.Min(BatchSize, r - k);
                for (ulong i = 0; i < steps; i++)
                {
                    y1 = mont.MultiplyLazy(y1, y1) + c;
                    y2 = mont.MultiplyLazy(y2, y2) + c2;
                    product1 = mont.MultiplyLazy(product1, x1 + offset - y1);
                    product2 = mont.MultiplyLazy(product2, x2 + offset - y2);
                }
                if (r != FirstRound)
                {
                    // The products are (true product)·2^64 mod n up to multiples of n; 2^64 is a unit: same GCD.
                    // The first round is short and rarely closes a cycle: it shares the second round's GCD.
                    g = Gcd64.Of(mont.MultiplyLazy(product1, product2), n);
                }
            }
        }
        if (g != n)
        {
            return g;
        }
        // The batch multiplied in a zero mod n (a cycle closed mod both factors at once, or each sequence found
        // a different one): replay each sequence from the batch start with finer GCDs. The second round's first
        // batch also holds the first round: replay both rounds from the start.
        if ((r >> 1) == 2 * FirstRound)
        {
            g = ReplayFromStart(mont, c);
            if (g == 1 || g == n)
            {
                g = ReplayFromStart(mont, c2);
            }
            return g == 1 ? n : g;
        }
        g = Replay(mont, x1, saved1, c, steps);
        if (g == 1 || g == n)
        {
            g = Replay(mont, x2, saved2, c2, steps);
        }
        // Neither replay found a proper factor (a sequence closed its cycle mod n itself): this attempt failed.
        return g == 1 ? n : g;
    }

    /// <summary>The first nontrivial GCD of the first two rounds of one sequence from the start (see <see cref="Replay"/>), or 1.</summary>
    private static ulong ReplayFromStart(Montgomery64 mont, ulong c)
    {
        ulong x = mont.ToMontgomery(2);
        for (ulong r = FirstRound; r <= 2 * FirstRound; r <<= 1)
        {
            ulong y = x;
            for (ulong i = 0; i < r; i++)
            {
                y = mont.MultiplyLazy(y, y) + c;
            }
            ulong g = Replay(mont, x, y, c, r);
            if (g != 1)
            {
                return g;
            }
            // The next round starts where this one's compared steps ended.
            for (ulong i = 0; i < r; i++)
            {
                y = mont.MultiplyLazy(y, y) + c;
            }
            x = y;
        }
        return 1;
    }

    /// <summary>
    /// The first nontrivial GCD in <paramref name="steps"/> steps from <paramref name="y"/>, or 1: one GCD per
    /// <see cref="ReplayBatchSize"/> steps, and one per step again within a sub-batch whose GCD is n.
    /// </summary>
    private static ulong Replay(Montgomery64 mont, ulong x, ulong y, ulong c, ulong steps)
    {
        ulong n = mont.N;
        ulong shifted = x + (3 * n);
        for (ulong k = 0; k < steps; k += ReplayBatchSize)
        {
            ulong start = y;
            ulong count = System.Math.Min(ReplayBatchSize, steps - k);
            ulong product = mont.One;
            for (ulong i = 0; i < count; i++)
            {
                y = mont.MultiplyLazy(y, y) + c;
                product = mont.MultiplyLazy(product, shifted - y);
            }
            ulong g = Gcd64.Of(product, n);
            if (g == 1)
            {
                continue;
            }
            if (g != n)
            {
                return g;
            }
            for (ulong i = 0; i < count; i++)
            {
                start = mont.MultiplyLazy(start, start) + c;
                g = Gcd64.Of(shifted - start, n);
                if (g != 1)
                {
                    return g;
                }
            }
        }
        return 1;
    }
}
