namespace Factorizer.Math.Siqs;

/// <summary>
/// Sizes for the self-initialising quadratic sieve by the bit length of k·N: how many primes in the factor
/// base and how wide the sieve interval is. Interpolated between rows of a table tuned on this code (38-digit semiprimes)
/// and scaled like published SIQS tables elsewhere; larger numbers want more primes (smoother values are rarer) and wider intervals.
/// </summary>
internal readonly record struct SiqsParameters(int FactorBaseSize, int HalfWidth, int LargePrimeMultiplier)
{
    /// <summary>(bits of kN, factor base size, half the sieve interval).</summary>
    private static readonly (int Bits, int Primes, int HalfWidth)[] Table =
    [
        (60, 80, 8192),
        (80, 130, 8192),
        (100, 200, 16384),
        (110, 270, 16384),
        (120, 380, 32768),
        (130, 560, 32768),
        (140, 750, 32768),
        (150, 1000, 32768),
        (160, 1350, 32768),
        (170, 1800, 65536),
        (180, 2400, 65536),
        (190, 3100, 65536),
        (200, 4000, 65536),
        (210, 5000, 98304),
    ];

    /// <summary>A leftover cofactor below this times the largest base prime is kept as a large prime.</summary>
    private const int DefaultLargePrimeMultiplier = 100;

    /// <summary>The largest k·N the sieve takes: polynomial values must fit in an Int128.</summary>
    public const int MaxBits = 210;

    /// <summary>The parameters for a k·N of <paramref name="bits"/> bits.</summary>
    public static SiqsParameters For(int bits)
    {
        if (bits <= Table[0].Bits)
        {
            return new SiqsParameters(Table[0].Primes, Table[0].HalfWidth, DefaultLargePrimeMultiplier);
        }
        for (int i = 1; i < Table.Length; i++)
        {
            if (bits <= Table[i].Bits)
            {
                (int b0, int p0, int w0) = Table[i - 1];
                (int b1, int p1, _) = Table[i];
                int primes = p0 + ((p1 - p0) * (bits - b0) / (b1 - b0));
                return new SiqsParameters(primes, w0, DefaultLargePrimeMultiplier);
            }
        }
        return new SiqsParameters(Table[^1].Primes, Table[^1].HalfWidth, DefaultLargePrimeMultiplier);
    }
}
