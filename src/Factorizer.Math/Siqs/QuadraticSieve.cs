using System.Numerics;

namespace Factorizer.Math.Siqs;

/// <summary>
/// The self-initialising quadratic sieve: collects relations Y² ≡ ∏ p^e (mod N) over a factor base until
/// there are more than primes, finds subsets whose exponents are all even (<see cref="Gf2Solver"/>), and
/// for each gets X² ≡ Y² (mod N), whose gcd(X - Y, N) splits N with probability ½ or better. Its running
/// time depends on the size of N only, not of its factors: the method for balanced composites of 30-60 digits.
/// </summary>
internal static class QuadraticSieve
{
    /// <summary>The largest N (in bits) the sieve takes; its polynomial values must fit in 128 bits.</summary>
    public const int MaxBits = SiqsParameters.MaxBits - 10;

    /// <summary>Relations beyond the factor base size collected before the linear algebra: each surplus one gives a dependency.</summary>
    private const int Surplus = 40;

    /// <summary>
    /// A nontrivial factor of odd composite <paramref name="n"/> (at most <see cref="MaxBits"/> bits, not a
    /// perfect power). <paramref name="seed"/> fixes the choice of polynomials, so a run is reproducible.
    /// </summary>
    public static BigInteger FindFactor(BigInteger n, CancellationToken cancellationToken, int seed = 1)
    {
        if (n.IsEven)
        {
            return 2;
        }
        SiqsParameters parameters = SiqsParameters.For((int)n.GetBitLength() + 4);
        FactorBase? factorBase = FactorBase.Create(n, parameters.FactorBaseSize, out uint divisor);
        if (factorBase is null)
        {
            return divisor;
        }
        var sieve = new PolynomialSieve(factorBase, parameters, seed);
        var relations = new RelationSet(n);
        int wanted = factorBase.Primes.Length + Surplus;
        while (true)
        {
            while (relations.Full.Count < wanted)
            {
                sieve.SieveNextFamily(relations, cancellationToken);
            }
            foreach (int[] dependency in Gf2Solver.Dependencies(relations.Full, factorBase.Primes.Length, cancellationToken))
            {
                BigInteger d = SplitWith(n, factorBase, relations.Full, dependency);
                if (!d.IsOne && d != n)
                {
                    return d;
                }
            }
            // Every dependency gave a trivial split (astronomically rare) or duplicates cancelled out: sieve more.
            wanted += Surplus;
        }
    }

    /// <summary>gcd(X - Y, n) for the relations of one dependency, X = ∏ Y_i and Y = √(∏ right sides).</summary>
    private static BigInteger SplitWith(BigInteger n, FactorBase factorBase, List<Relation> relations, int[] dependency)
    {
        var exponents = new int[factorBase.Primes.Length];
        BigInteger x = BigInteger.One, y = BigInteger.One;
        foreach (int r in dependency)
        {
            Relation relation = relations[r];
            x = x * relation.Y % n;
            if (!relation.SquareRoot.IsOne)
            {
                y = y * relation.SquareRoot % n;
            }
            foreach (int f in relation.Factors)
            {
                exponents[f]++;
            }
        }
        // The base primes' half powers, gathered in a 128-bit word between BigInteger steps.
        UInt128 chunk = 1;
        for (int i = FactorBase.TwoIndex; i < exponents.Length; i++)
        {
            uint p = factorBase.Primes[i];
            for (int k = 0; k < exponents[i] / 2; k++)
            {
                if (chunk > UInt128.MaxValue / p)
                {
                    y = y * chunk % n;
                    chunk = 1;
                }
                chunk *= p;
            }
        }
        y = y * chunk % n;
        return BigInteger.GreatestCommonDivisor(BigInteger.Abs(x - y), n);
    }
}
