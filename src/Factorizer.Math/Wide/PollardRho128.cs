namespace Factorizer.Math.Wide;

/// <summary>
/// Pollard's rho with Brent's cycle detection on odd composites below 2^128, in Montgomery form.
/// Same algorithm as <see cref="Word.PollardRho64"/>, on 128-bit words.
/// </summary>
internal static class PollardRho128
{
    /// <summary>Steps per GCD (a 128-bit binary GCD costs a few hundred multiplies' worth).</summary>
    private const int BatchSize = 256;

    /// <summary>
    /// A nontrivial factor of odd composite <paramref name="n"/>, which must not be a perfect power of a prime
    /// (callers strip those first). Tries constants c = 1, 2, ... until one works; in practice the first does.
    /// </summary>
    public static UInt128 FindFactor(UInt128 n, CancellationToken cancellationToken)
    {
        var mont = new Montgomery128(n);
        for (ulong c = 1; ; c++)
        {
            UInt128 d = Attempt(mont, c, cancellationToken);
            if (d != n)
            {
                return d;
            }
        }
    }

    /// <summary>One rho run with step x -> x² + c (in Montgomery form); returns n when it fails.</summary>
    private static UInt128 Attempt(Montgomery128 mont, ulong c, CancellationToken cancellationToken)
    {
        UInt128 n = mont.N;
        UInt128 y = mont.ToMontgomery(2);
        UInt128 x = y;
        UInt128 saved = y;
        UInt128 product = mont.One;
        UInt128 g = 1;
        for (ulong r = 1; g == 1; r <<= 1)
        {
            x = y;
            for (ulong i = 0; i < r; i++)
            {
                y = mont.Add(mont.Multiply(y, y), c);
            }
            for (ulong k = 0; k < r && g == 1; k += BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                saved = y;
                ulong steps = System.Math.Min(BatchSize, r - k);
                for (ulong i = 0; i < steps; i++)
                {
                    y = mont.Add(mont.Multiply(y, y), c);
                    product = mont.Multiply(product, x > y ? x - y : y - x);
                }
                g = Gcd128.Of(product, n);
            }
        }
        if (g == n)
        {
            // Overshot within the last batch: replay it one GCD per step (see PollardRho64).
            do
            {
                saved = mont.Add(mont.Multiply(saved, saved), c);
                g = Gcd128.Of(x > saved ? x - saved : saved - x, n);
            }
            while (g == 1);
        }
        return g;
    }
}
