using System.Numerics;

namespace Factorizer.Math.Word;

/// <summary>
/// What one ECM curve computes for a given stage-1 bound B1 (built once, shared by every number):
/// the stage-1 multiplier (the product of all prime powers &lt;= B1, as one scalar, so the ladder's difference
/// point is the normalized base point) and the stage-2 pairs for the baby-step giant-step continuation over the
/// primes q in (B1, B2]: q = k·<see cref="GiantStep"/> ± j with j in <see cref="BabySteps"/>.
/// </summary>
internal sealed class EcmPlan
{
    /// <summary>The giant step 2·3·5·7: every prime above 7 is k·210 ± j with j &lt; 105 coprime to 210.</summary>
    public const int GiantStep = 210;

    /// <summary>The odd j &lt; 105 coprime to 210 (24 of them): the baby steps.</summary>
    public static readonly int[] BabySteps = [.. Enumerable.Range(1, (GiantStep / 2) - 1).Where(j => BigInteger.GreatestCommonDivisor(j, GiantStep).IsOne)];

    /// <summary>For each j below <see cref="GiantStep"/>/2, its index in <see cref="BabySteps"/>, or -1.</summary>
    public static readonly int[] BabyIndex = [.. Enumerable.Range(0, GiantStep / 2).Select(j => Array.IndexOf(BabySteps, j))];

    private EcmPlan(int b1, int b2)
    {
        B1 = b1;
        B2 = b2;
        bool[] composite = SieveTo(b2);
        BigInteger scalar = BigInteger.One;
        for (int p = 2; p <= b1; p++)
        {
            if (!composite[p])
            {
                long power = p;
                while (power * p <= b1)
                {
                    power *= p;
                }
                scalar *= power;
            }
        }
        ScalarBits = (int)scalar.GetBitLength();
        Scalar = new ulong[(ScalarBits + 63) / 64];
        for (int i = 0; i < Scalar.Length; i++)
        {
            Scalar[i] = (ulong)((scalar >> (64 * i)) & ulong.MaxValue);
        }

        LastGiant = (b2 + (GiantStep / 2)) / GiantStep;
        var pairsPerGiant = new List<byte>[LastGiant + 1];
        for (int k = 0; k <= LastGiant; k++)
        {
            pairsPerGiant[k] = [];
        }
        for (int q = b1 + 1; q <= b2; q++)
        {
            if (composite[q] || q <= 7)
            {
                continue;
            }
            int k = (q + (GiantStep / 2)) / GiantStep;
            int j = System.Math.Abs(q - (k * GiantStep));
            byte baby = (byte)Array.IndexOf(BabySteps, j);
            // k·210 + j and k·210 - j are caught by the same product term; keep it once.
            if (!pairsPerGiant[k].Contains(baby))
            {
                pairsPerGiant[k].Add(baby);
            }
        }
        GiantStart = new int[LastGiant + 2];
        var pairs = new List<byte>();
        for (int k = 0; k <= LastGiant; k++)
        {
            GiantStart[k] = pairs.Count;
            pairs.AddRange(pairsPerGiant[k]);
        }
        GiantStart[LastGiant + 1] = pairs.Count;
        PairBaby = [.. pairs];
    }

    /// <summary>The stage-1 bound.</summary>
    public int B1 { get; }

    /// <summary>The stage-2 bound.</summary>
    public int B2 { get; }

    /// <summary>The stage-1 multiplier, little-endian 64-bit words.</summary>
    public ulong[] Scalar { get; }

    /// <summary>Bit length of <see cref="Scalar"/>.</summary>
    public int ScalarBits { get; }

    /// <summary>The largest k with pairs.</summary>
    public int LastGiant { get; }

    /// <summary>Pairs of giant k are <c>PairBaby[GiantStart[k] .. GiantStart[k + 1]]</c>.</summary>
    public int[] GiantStart { get; }

    /// <summary>Index into <see cref="BabySteps"/> of each pair, grouped by giant step.</summary>
    public byte[] PairBaby { get; }

    /// <summary>A plan with stage-1 bound <paramref name="b1"/> and stage-2 bound <paramref name="b2"/>.</summary>
    public static EcmPlan For(int b1, int b2) => new(b1, b2);

    private static bool[] SieveTo(int limit)
    {
        var composite = new bool[limit + 1];
        composite[0] = composite[1] = true;
        for (int i = 2; i * i <= limit; i++)
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
