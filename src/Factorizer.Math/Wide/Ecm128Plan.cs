using System.Numerics;

namespace Factorizer.Math.Wide;

/// <summary>
/// The fixed work of one ECM effort level, computed once: the stage-1 multiplier (every prime power up to
/// <see cref="B1"/>, as a bit string) and the stage-2 prime table for the baby-step giant-step walk up to
/// <see cref="B2"/>. Immutable, so curves on any thread share it.
/// </summary>
internal sealed class Ecm128Plan
{
    /// <summary>The giant step: 2·3·5·7. Primes in stage 2 are written m·D ± j with j coprime to D, j &lt; D/2.</summary>
    public const int D = 210;

    /// <summary>The 24 residues j in (0, D/2) coprime to D: the baby steps.</summary>
    public static readonly int[] BabySteps = [.. Enumerable.Range(1, (D / 2) - 1).Where(j => j % 2 != 0 && j % 3 != 0 && j % 5 != 0 && j % 7 != 0)];

    /// <summary>The bits of <see cref="D"/>, most significant first (the ladder's input for D·Q).</summary>
    public static readonly bool[] GiantStepBits = BitsOf(D);

    private Ecm128Plan(int b1, int b2, int curves)
    {
        // Stage 2 starts at the giant step m = 1, whose lowest prime is D - D/2: stage 1 must reach that far.
        if (b1 < D / 2)
        {
            throw new ArgumentOutOfRangeException(nameof(b1), b1, "B1 must be at least D/2.");
        }
        B1 = b1;
        B2 = b2;
        Curves = curves;
        // Powers of two are applied by doubling alone (cheaper than ladder steps), the rest by one ladder.
        BigInteger odd = BigInteger.One;
        int twos = 0;
        for (long q = 2; q <= b1; q *= 2)
        {
            twos++;
        }
        bool[] composite = Sieve(b2 + D);
        for (int p = 3; p <= b1; p += 2)
        {
            if (composite[p])
            {
                continue;
            }
            for (long q = p; q <= b1; q *= p)
            {
                odd *= p;
            }
        }
        Doublings = twos;
        Stage1Bits = BitsOf(odd);
        FirstGiant = System.Math.Max(1, (b1 + (D / 2)) / D);
        FirstGiantBits = BitsOf(FirstGiant);
        int giants = ((b2 + (D / 2)) / D) - FirstGiant + 1;
        Stage2Pairs = new bool[giants * BabySteps.Length];
        for (int m = 0; m < giants; m++)
        {
            long centre = (long)(FirstGiant + m) * D;
            for (int k = 0; k < BabySteps.Length; k++)
            {
                long below = centre - BabySteps[k], above = centre + BabySteps[k];
                Stage2Pairs[(m * BabySteps.Length) + k] = (below > b1 && below <= b2 && !composite[below]) || (above > b1 && above <= b2 && !composite[above]);
            }
        }
    }

    /// <summary>Stage-1 bound: every prime power up to it multiplies the point.</summary>
    public int B1 { get; }

    /// <summary>Stage-2 bound: one further prime in (B1, B2] is caught.</summary>
    public int B2 { get; }

    /// <summary>How many curves this level runs before moving to the next.</summary>
    public int Curves { get; }

    /// <summary>The exponent of 2 in the stage-1 multiplier.</summary>
    public int Doublings { get; }

    /// <summary>The odd part of the stage-1 multiplier, most significant bit first.</summary>
    public bool[] Stage1Bits { get; }

    /// <summary>The first giant step m (the walk covers m·D ± j for m from here on).</summary>
    public int FirstGiant { get; }

    /// <summary>The bits of <see cref="FirstGiant"/>, most significant first.</summary>
    public bool[] FirstGiantBits { get; }

    /// <summary>For giant step index g and baby index k, entry g·24 + k: is (FirstGiant+g)·D ± BabySteps[k] a stage-2 prime.</summary>
    public bool[] Stage2Pairs { get; }

    /// <summary>Escalating levels (B1, curves), roughly those that find factors of 25, 30, ..., 60 bits fastest.</summary>
    public static readonly Ecm128Plan[] Levels =
    [
        new(105, 3000, 8),
        new(125, 4000, 12),
        new(165, 6000, 16),
        new(205, 8000, 24),
        new(300, 12000, 32),
        new(450, 20000, 48),
        new(700, 35000, 64),
        new(1000, 50000, 96),
        new(1500, 80000, 128),
        new(2500, 150000, 192),
        new(4000, 250000, 256),
        new(7000, 500000, 512),
    ];

    /// <summary>The bits of k &gt; 0, most significant (always set) first.</summary>
    public static bool[] BitsOf(BigInteger k) => [.. Enumerable.Range(0, (int)k.GetBitLength()).Reverse().Select(i => !(k >> i).IsEven)];

    private static bool[] Sieve(int limit)
    {
        var composite = new bool[limit + 1];
        composite[0] = composite[1] = true;
        for (int i = 2; (long)i * i <= limit; i++)
        {
            if (!composite[i])
            {
                for (int j = i * i; j <= limit; j += i)
                {
                    composite[j] = true;
                }
            }
        }
        return composite;
    }
}
