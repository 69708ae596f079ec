using System.Numerics;
using Factorizer.Math.Siqs;
using Factorizer.Math.Wide;
using Factorizer.Math.Word;

namespace Factorizer.Math.Big;

/// <summary>
/// Factorization of numbers of any size: trial division, then for each cofactor BPSW, a perfect-power check
/// and a splitting method chosen by size (<see cref="FindFactor"/>: ECM, the quadratic sieve, rho). A cofactor
/// that drops below 2^64 is handed to <see cref="WordFactorizer"/>.
/// </summary>
internal static class BigFactorizer
{
    /// <summary>Trial division uses the odd primes below this bound (563 of them).</summary>
    private const uint TrialBound = 4096;

    /// <summary>log2(TrialBound): after trial division, n = r^e forces r &gt; TrialBound, so e &lt; bits/12.</summary>
    private const int TrialBoundBits = 12;

    private static readonly BigInteger TwoTo128 = BigInteger.One << 128;

    /// <summary>
    /// Composites of at least this many bits go to the quadratic sieve after a short ECM pass. From ~80 bits
    /// the sieve beats ECM run to the end on balanced semiprimes (98 bits: ~15 ms against ~30-40 ms CPU under
    /// load), while <see cref="EcmLevelsBeforeSmallSieve"/> keeps ~32-bit factors on the ECM path.
    /// </summary>
    private const int SieveFromBits = 80;

    /// <summary>Composites of at least this many bits above 2^128 get a short rho run before the sieve.</summary>
    private const int RhoBeforeSieveFromBits = 150;

    /// <summary>The step budget of that rho run.</summary>
    private const long RhoStepsBeforeSieve = 1 << 13;

    /// <summary>
    /// The last ECM level (of <see cref="Ecm128Plan.Levels"/>) tried before the sieve: 20 curves that catch most
    /// factors up to ~30 bits for a sixth of the sieve's time on a 128-bit semiprime (levels to 3 cost it half).
    /// </summary>
    private const int EcmLevelsBeforeSieve = 1;

    /// <summary>Below this many bits the sieve is cheap (~10 ms at 99 bits), and the ECM pass before it goes deeper.</summary>
    private const int DeepEcmBelowBits = 100;

    /// <summary>
    /// The last ECM level before the sieve below <see cref="DeepEcmBelowBits"/>: 60 curves that catch nearly all
    /// factors up to ~32 bits (the ~96-bit three-prime products), so few of those pay for the sieve.
    /// </summary>
    private const int EcmLevelsBeforeSmallSieve = 3;

    /// <summary>
    /// Products of runs of consecutive trial primes, each below 2^64: one BigInteger remainder per run,
    /// then cheap word remainders per prime, instead of one BigInteger division per prime.
    /// </summary>
    private static readonly (ulong Product, int First, int End)[] TrialGroups = BuildTrialGroups();

    /// <summary>Prime factors of n &gt;= 0, ascending, with multiplicity.</summary>
    public static BigInteger[] Factor(BigInteger n, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n.Sign, nameof(n));
        if (n <= ulong.MaxValue)
        {
            return Array.ConvertAll(WordFactorizer.Factor((ulong)n), f => (BigInteger)f);
        }
        var factors = new List<BigInteger>();
        n = DivideOutSmallPrimes(n, factors);

        // Work items carry a multiplicity so a perfect power r^e is factored once, not e times.
        // Every split at least halves the bits of what is pushed, so the stack stays small.
        var pending = new Stack<(BigInteger Value, int Multiplicity)>();
        if (!n.IsOne)
        {
            pending.Push((n, 1));
        }
        Span<ulong> wordFactors = stackalloc ulong[64];
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            (BigInteger m, int multiplicity) = pending.Pop();
            if (m <= ulong.MaxValue)
            {
                int count = WordFactorizer.FactorInto((ulong)m, wordFactors);
                foreach (ulong f in wordFactors[..count])
                {
                    AddRepeated(factors, f, multiplicity);
                }
            }
            else if (Bpsw.IsProbablePrime(m))
            {
                AddRepeated(factors, m, multiplicity);
            }
            else if (IntegerRoot.TryPerfectPower(m, (int)(m.GetBitLength() / TrialBoundBits), out BigInteger root, out int exponent))
            {
                pending.Push((root, multiplicity * exponent));
            }
            else
            {
                BigInteger d = FindFactor(m, cancellationToken);
                pending.Push((d, multiplicity));
                pending.Push((m / d, multiplicity));
            }
        }
        factors.Sort();
        return [.. factors];
    }

    /// <summary>
    /// A nontrivial factor of odd composite m &gt; 2^64 that is not a perfect power, by size: ECM on 128-bit
    /// Montgomery arithmetic finds small and medium factors fastest; a composite above
    /// <see cref="SieveFromBits"/> that survives a short ECM pass likely has only large factors, which the
    /// quadratic sieve finds in time that depends on m's size alone. Rho is the fallback where neither fits.
    /// A composite of 2^128 or more (2^128+1, say) skips ECM, whose arithmetic stops at 128 bits, and goes
    /// straight to the sieve.
    /// </summary>
    private static BigInteger FindFactor(BigInteger m, CancellationToken cancellationToken)
    {
        long bits = m.GetBitLength();
        bool sieveFits = bits >= SieveFromBits && bits <= QuadraticSieve.MaxBits;
        if (m < TwoTo128)
        {
            var wide = (UInt128)m;
            int lastLevel = !sieveFits ? Ecm128Plan.Levels.Length - 1 : bits < DeepEcmBelowBits ? EcmLevelsBeforeSmallSieve : EcmLevelsBeforeSieve;
            UInt128 d = Ecm128.FindFactor(wide, lastLevel, cancellationToken);
            if (d != 0)
            {
                return d;
            }
            if (!sieveFits)
            {
                return PollardRho128.FindFactor(wide, cancellationToken);
            }
        }
        if (sieveFits && bits >= RhoBeforeSieveFromBits)
        {
            // The sieve takes seconds here, rho a few milliseconds to find any factor up to ~26 bits
            // (the sieve's own factor base scan catches those below ~2^16).
            BigInteger small = PollardRhoBig.FindSmallFactor(m, RhoStepsBeforeSieve, cancellationToken);
            if (!small.IsZero)
            {
                return small;
            }
        }
        return sieveFits ? QuadraticSieve.FindFactor(m, cancellationToken) : PollardRhoBig.FindFactor(m, cancellationToken);
    }

    /// <summary>Removes factors 2 and the odd primes below <see cref="TrialBound"/>, recording them; returns the cofactor.</summary>
    private static BigInteger DivideOutSmallPrimes(BigInteger n, List<BigInteger> factors)
    {
        long twos = (long)BigInteger.TrailingZeroCount(n);
        AddRepeated(factors, 2, (int)twos);
        n >>= (int)twos;
        foreach ((ulong product, int first, int end) in TrialGroups)
        {
            ulong r = (ulong)(n % product);
            for (int i = first; i < end; i++)
            {
                uint p = SmallPrimes.Odd[i];
                if (r % p != 0)
                {
                    continue;
                }
                while (true)
                {
                    BigInteger q = BigInteger.DivRem(n, p, out BigInteger rem);
                    if (!rem.IsZero)
                    {
                        break;
                    }
                    factors.Add(p);
                    n = q;
                }
            }
        }
        return n;
    }

    private static void AddRepeated(List<BigInteger> factors, BigInteger f, int times)
    {
        for (int i = 0; i < times; i++)
        {
            factors.Add(f);
        }
    }

    private static (ulong Product, int First, int End)[] BuildTrialGroups()
    {
        var groups = new List<(ulong, int, int)>();
        int i = 0;
        while (i < SmallPrimes.Odd.Length && SmallPrimes.Odd[i] < TrialBound)
        {
            int first = i;
            ulong product = 1;
            while (i < SmallPrimes.Odd.Length && SmallPrimes.Odd[i] < TrialBound && product <= ulong.MaxValue / SmallPrimes.Odd[i])
            {
                product *= SmallPrimes.Odd[i];
                i++;
            }
            groups.Add((product, first, i));
        }
        return [.. groups];
    }
}
