using System.Numerics;

namespace Factorizer.Math.Word;

/// <summary>
/// Which method splits a 64-bit cofactor, by its size: rho below <see cref="RhoBelowBits"/> bits (its smallest
/// factor is then small enough for rho's ~sqrt(p) steps to beat ECM curves), ECM above, with a stage-1 bound
/// that grows with the number (the factor ECM has to find has at most half its bits). Bounds measured on
/// random cofactors and on products of two 32-bit primes (bench/README.md); B2 = 25·B1 throughout.
/// </summary>
internal static class EcmPlans
{
    /// <summary>Curves tried before falling back to rho; a 32-bit factor needs ~10 on average.</summary>
    public const int MaxCurves = 300;

    /// <summary>Cofactors with fewer bits go to rho.</summary>
    private const int RhoBelowBits = 56;

    /// <summary>(bits below which the plan applies, plan), ascending; the last one covers up to 64 bits.</summary>
    private static readonly (int BelowBits, EcmPlan Plan)[] Plans =
    [
        (58, EcmPlan.For(70, 25 * 70)),
        (62, EcmPlan.For(100, 25 * 100)),
        (63, EcmPlan.For(125, 25 * 125)),
        (65, EcmPlan.For(165, 25 * 165)),
    ];

    /// <summary>A cheap curve (about a quarter of <see cref="Largest"/>'s cost) that finds most factors below ~2^16.</summary>
    public static EcmPlan Small { get; } = EcmPlan.For(40, 25 * 40);

    /// <summary>The plan for the largest numbers.</summary>
    public static EcmPlan Largest => Plans[^1].Plan;

    /// <summary>The plan for <paramref name="n"/>, or null when rho is the better choice.</summary>
    public static EcmPlan? For(ulong n)
    {
        int bits = 64 - BitOperations.LeadingZeroCount(n);
        if (bits < RhoBelowBits)
        {
            return null;
        }
        foreach ((int belowBits, EcmPlan plan) in Plans)
        {
            if (bits < belowBits)
            {
                return plan;
            }
        }
        return Largest;
    }
}
