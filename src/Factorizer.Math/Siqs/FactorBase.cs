using System.Numerics;

namespace Factorizer.Math.Siqs;

/// <summary>
/// The primes the sieve works with: -1 (index 0, the sign), 2 (index 1), then the odd primes p for which
/// k·N is a square mod p, with a square root of k·N mod p, log2 p for the sieve, and what the candidate
/// check needs to test divisibility by a multiply. The multiplier k is chosen by the Knuth-Schroeppel
/// function, which rewards a k·N that is a square modulo many small primes.
/// </summary>
internal sealed class FactorBase
{
    /// <summary>Index of the sign "prime" -1.</summary>
    public const int SignIndex = 0;

    /// <summary>Index of the prime 2.</summary>
    public const int TwoIndex = 1;

    /// <summary>Vector loops over the primes take this many at a time (as many as the widest vector the code uses holds ints).</summary>
    public const int LaneCount = 16;

    /// <summary>A stand-in "prime" for the vector lanes that are not odd primes: above every sieve offset.</summary>
    public const int UnmatchedLane = 1 << 30;

    /// <summary>The root the sieve gives <see cref="UnmatchedLane"/> lanes: offset mod 2^30 is the offset, never this.</summary>
    public const int UnmatchedRoot = UnmatchedLane - 1;

    /// <summary>Square-free multipliers Knuth-Schroeppel chooses from.</summary>
    private static readonly uint[] Multipliers = [1, 2, 3, 5, 6, 7, 10, 11, 13, 14, 15, 17, 19, 21, 22, 23, 26, 29, 30, 31, 33, 34, 35, 37, 38, 39, 41, 42, 43, 46, 47, 51, 53, 55, 57, 58, 59, 61, 62, 65, 66, 67, 69, 70, 71, 73];

    private FactorBase(uint multiplier, BigInteger kn, uint[] primes, uint[] roots)
    {
        Multiplier = multiplier;
        KN = kn;
        Primes = primes;
        Roots = roots;
        Logs = new byte[primes.Length];
        PaddedLength = (primes.Length + LaneCount - 1) / LaneCount * LaneCount;
        Lanes = new int[PaddedLength];
        Reciprocals = new float[PaddedLength];
        for (int i = 0; i < PaddedLength; i++)
        {
            Lanes[i] = i > TwoIndex && i < primes.Length ? (int)primes[i] : UnmatchedLane;
            Reciprocals[i] = 1f / Lanes[i];
        }
        WideInverses = new UInt128[primes.Length];
        WideLimits = new UInt128[primes.Length];
        for (int i = TwoIndex; i < primes.Length; i++)
        {
            Logs[i] = (byte)System.Math.Round(System.Math.Log2(primes[i]));
            if ((primes[i] & 1) != 0)
            {
                UInt128 wide = primes[i];
                for (int j = 0; j < 7; j++)
                {
                    wide *= 2 - (primes[i] * wide);
                }
                WideInverses[i] = wide;
                WideLimits[i] = UInt128.MaxValue / primes[i];
            }
        }
    }

    /// <summary>The multiplier k.</summary>
    public uint Multiplier { get; }

    /// <summary>k·N, the number whose square roots the sieve looks for.</summary>
    public BigInteger KN { get; }

    /// <summary>The primes, with 1 at <see cref="SignIndex"/> standing for -1.</summary>
    public uint[] Primes { get; }

    /// <summary>A square root of k·N modulo each odd prime (0 where the prime divides k).</summary>
    public uint[] Roots { get; }

    /// <summary>round(log2 p): what a hit adds to a sieve cell.</summary>
    public byte[] Logs { get; }

    /// <summary>
    /// The number of primes rounded up to a whole number of <see cref="LaneCount"/>-wide vectors: the length of
    /// <see cref="Lanes"/>, <see cref="Reciprocals"/> and the sieve's root arrays, so vector loops need no tail.
    /// </summary>
    public int PaddedLength { get; }

    /// <summary>
    /// The odd primes as ints, padded to <see cref="PaddedLength"/>; the sign, 2 and the padding are
    /// <see cref="UnmatchedLane"/>, whose root <see cref="UnmatchedRoot"/> no offset matches and no shift moves.
    /// </summary>
    public int[] Lanes { get; }

    /// <summary>1/p as floats, padded like <see cref="Lanes"/>: offset·(1/p) truncated is offset / p or one less or more.</summary>
    public float[] Reciprocals { get; }

    /// <summary>p^-1 mod 2^128 for odd p: v·p^-1 mod 2^128 is v/p when p divides v, and at most <see cref="WideLimits"/> exactly then.</summary>
    public UInt128[] WideInverses { get; }

    /// <summary>(2^128 - 1) / p for odd p.</summary>
    public UInt128[] WideLimits { get; }

    /// <summary>The largest prime in the base.</summary>
    public uint LargestPrime => Primes[^1];

    /// <summary>
    /// Builds a base of <paramref name="size"/> primes for odd <paramref name="n"/>; returns null and a
    /// factor of n in <paramref name="factor"/> when one of the primes examined divides n.
    /// </summary>
    public static FactorBase? Create(BigInteger n, int size, out uint factor)
    {
        factor = 0;
        uint k = ChooseMultiplier(n);
        BigInteger kn = k * n;
        var primes = new List<uint>(size) { 1, 2 };
        var roots = new List<uint>(size) { 0, 1 };
        foreach (uint p in OddPrimes())
        {
            if (primes.Count >= size)
            {
                break;
            }
            uint nModP = (uint)(n % p);
            if (nModP == 0)
            {
                factor = p;
                return null;
            }
            uint knModP = (uint)((ulong)nModP * (k % p) % p);
            if (knModP == 0)
            {
                primes.Add(p);
                roots.Add(0);
            }
            else if (ModularWord.Legendre(knModP, p) == 1)
            {
                primes.Add(p);
                roots.Add(ModularWord.SquareRoot(knModP, p));
            }
        }
        return new FactorBase(k, kn, [.. primes], [.. roots]);
    }

    /// <summary>Knuth-Schroeppel: the expected log contribution of small primes to a sieve value, minus ½ log k.</summary>
    private static uint ChooseMultiplier(BigInteger n)
    {
        uint best = 1;
        double bestScore = double.MinValue;
        uint nMod8 = (uint)(n % 8);
        var nModP = new Dictionary<uint, uint>();
        foreach (uint k in Multipliers)
        {
            double score = -0.5 * System.Math.Log(k);
            switch (k * nMod8 % 8)
            {
                case 1:
                    score += 2 * System.Math.Log(2);
                    break;
                case 5:
                    score += System.Math.Log(2);
                    break;
                case 3:
                case 7:
                    score += 0.5 * System.Math.Log(2);
                    break;
                default:
                    break;
            }
            foreach (uint p in SmallPrimes.Odd)
            {
                if (p >= 300)
                {
                    break;
                }
                if (!nModP.TryGetValue(p, out uint r))
                {
                    r = (uint)(n % p);
                    nModP[p] = r;
                }
                uint knModP = (uint)((ulong)r * k % p);
                if (knModP == 0)
                {
                    score += System.Math.Log(p) / p;
                }
                else if (ModularWord.Legendre(knModP, p) == 1)
                {
                    score += 2 * System.Math.Log(p) / (p - 1);
                }
            }
            if (score > bestScore)
            {
                bestScore = score;
                best = k;
            }
        }
        return best;
    }

    /// <summary>The odd primes in order: the shared table below 2^16, then by trial division.</summary>
    private static IEnumerable<uint> OddPrimes()
    {
        foreach (uint p in SmallPrimes.Odd)
        {
            yield return p;
        }
        for (uint p = SmallPrimes.Limit + 1; ; p += 2)
        {
            if (IsSmallPrime(p))
            {
                yield return p;
            }
        }
    }

    private static bool IsSmallPrime(uint p)
    {
        for (uint d = 3; d * d <= p; d += 2)
        {
            if (p % d == 0)
            {
                return false;
            }
        }
        return true;
    }
}
