using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Factorizer.Math.Siqs;

/// <summary>
/// The sieving half of SIQS. For each A = q1·…·qs (factor base primes chosen so that A ≈ √(2kN)/M), the
/// 2^(s-1) polynomials g(x) = ((Ax + B)² - kN)/A, B = ±B1 ± … ± Bs, are visited in Gray-code order so each
/// switch moves every root by one precomputed addition. Each polynomial is sieved over x in [-M, M) with
/// byte logarithms (primes below <see cref="SmallPrimeCut"/> skipped: the small-prime variation) in
/// L1-sized blocks; the cells that pass the threshold are found 64 at a time by their top bits and checked by
/// dividing g(x) by the primes whose roots they hit, found for 8 or 16 primes at a time with vector arithmetic.
/// </summary>
internal sealed class PolynomialSieve
{
    /// <summary>Primes below this are not sieved (they hit often and add little); the threshold allows for them.</summary>
    private const uint SmallPrimeCut = 100;

    /// <summary>
    /// A's primes are about this size or larger: as many of them as keeps them so (more primes, more polynomials
    /// per A to share its set-up; smaller ones cost relations). Tuned at 129 bits: q ≈ 1350 (s = 5) beat 8000 and 415.
    /// </summary>
    private const double SmallestQ = 1000;

    /// <summary>The sieve is filled in blocks of this many cells, so the cells being hit stay in the L1 data cache.</summary>
    private const int BlockSize = 32768;

    /// <summary>Bits below log2(max |g|) - log2(large prime bound) that a cell may fall short and still be checked (tuned).</summary>
    private const double ThresholdSlack = 13;

    private readonly FactorBase _base;
    private readonly int _halfWidth;
    private readonly ulong _largePrimeBound;
    private readonly byte _initialCell;
    private readonly int _firstSieved;
    private readonly Random _random;
    private readonly HashSet<BigInteger> _usedA = [];

    // Per-prime state (indexed like the factor base): current sieve roots in [0, p) as offsets from -M,
    // A^-1 mod p, and whether the prime is left out of sieving (it divides A or k).
    private readonly int[] _root1, _root2, _aInverse;
    private readonly bool[] _special;
    private readonly byte[] _sieve;
    private readonly List<int> _factors = new(64);
    private int[] _candidates = new int[256];
    private readonly int[] _next1, _next2;
    private readonly int[] _hits;

    // A's primes and the 2^(s-1) polynomial family of the current A.
    private readonly double _logTarget;
    private int[] _qCandidates;
    private int _s;
    private int[] _qIndices = [];
    private BigInteger _a;
    private BigInteger[] _bTerms = [];
    private int[][] _rootSteps = [];
    private uint[] _bModP = [];
    private int[] _specialIndices = [];

    public PolynomialSieve(FactorBase factorBase, SiqsParameters parameters, int seed)
    {
        _base = factorBase;
        _halfWidth = parameters.HalfWidth;
        _random = new Random(seed);
        int size = factorBase.Primes.Length;
        // Roots of the sign, of 2 and of the padding stay FactorBase.UnmatchedRoot, which no offset matches.
        _root1 = new int[factorBase.PaddedLength];
        _root2 = new int[factorBase.PaddedLength];
        Array.Fill(_root1, FactorBase.UnmatchedRoot);
        Array.Fill(_root2, FactorBase.UnmatchedRoot);
        _aInverse = new int[size];
        _special = new bool[size];
        _hits = new int[factorBase.PaddedLength];
        _next1 = new int[size];
        _next2 = new int[size];
        _sieve = new byte[2 * _halfWidth];
        _largePrimeBound = (ulong)factorBase.LargestPrime * (ulong)parameters.LargePrimeMultiplier;
        _firstSieved = Array.FindIndex(factorBase.Primes, p => p >= SmallPrimeCut);

        // |g(x)| is at most about M·√(kN/2); a cell is a candidate when its logs reach that, less what a
        // large prime and the unsieved small primes leave out.
        double logMax = System.Math.Log2(_halfWidth) + (BigInteger.Log(factorBase.KN, 2) / 2) - 0.5;
        int threshold = (int)(logMax - System.Math.Log2(_largePrimeBound) - ThresholdSlack);
        _initialCell = (byte)(128 - threshold);

        _logTarget = (BigInteger.Log(2 * factorBase.KN) / 2) - System.Math.Log(_halfWidth);
        _qCandidates = ChooseQRange();
    }

    /// <summary>Sieves every polynomial of one new A, adding what it finds to <paramref name="relations"/>.</summary>
    public void SieveNextFamily(RelationSet relations, CancellationToken cancellationToken)
    {
        NewA();
        int polynomials = 1 << (_s - 1);
        var signs = new int[_s];
        Array.Fill(signs, 1);
        BigInteger b = BigInteger.Zero;
        foreach (BigInteger term in _bTerms)
        {
            b += term;
        }
        InitialRoots();
        for (int i = 0; ; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            SievePolynomial(b, relations);
            if (i + 1 >= polynomials)
            {
                break;
            }
            // Gray code: polynomial i+1 differs from i in the sign of B_l, l = trailing zeros of i+1.
            int l = BitOperations.TrailingZeroCount(i + 1);
            int[] step = _rootSteps[l];
            if (signs[l] > 0)
            {
                b -= 2 * _bTerms[l];
                ShiftRoots(step, add: true);
            }
            else
            {
                b += 2 * _bTerms[l];
                ShiftRoots(step, add: false);
            }
            signs[l] = -signs[l];
        }
    }

    /// <summary>Factor base indices from which A's primes are drawn, and s, the number of them.</summary>
    private int[] ChooseQRange()
    {
        uint[] primes = _base.Primes;
        for (_s = System.Math.Max(2, (int)(_logTarget / System.Math.Log(SmallestQ))); ; _s++)
        {
            double ideal = System.Math.Exp(_logTarget / _s);
            int[] pool = [.. Enumerable.Range(_firstSieved, primes.Length - _firstSieved)
                .Where(i => primes[i] >= ideal / 2 && primes[i] <= ideal * 2 && _base.Roots[i] != 0)];
            if (pool.Length >= 2 * _s + 4)
            {
                return pool;
            }
            if (ideal < primes[_firstSieved] || _s > 20)
            {
                // A tiny n: take any sieved primes and accept an A off target.
                return [.. Enumerable.Range(_firstSieved, primes.Length - _firstSieved).Where(i => _base.Roots[i] != 0)];
            }
        }
    }

    /// <summary>Draws a fresh A near the target from s factor base primes and prepares its B terms and per-prime data.</summary>
    private void NewA()
    {
        uint[] primes = _base.Primes;
        var chosen = new List<int>(_s);
        BigInteger a;
        int attempts = 0;
        do
        {
            if (++attempts == 100)
            {
                // The pool near the ideal size has run out of fresh products: draw from every sieved prime.
                _qCandidates = [.. Enumerable.Range(_firstSieved, primes.Length - _firstSieved).Where(i => _base.Roots[i] != 0)];
            }
            chosen.Clear();
            double logA = 0;
            while (chosen.Count < _s - 1)
            {
                int index = _qCandidates[_random.Next(_qCandidates.Length)];
                if (!chosen.Contains(index))
                {
                    chosen.Add(index);
                    logA += System.Math.Log(primes[index]);
                }
            }
            // The last prime brings A as close to the target as the pool allows.
            double want = _logTarget - logA;
            int best = -1;
            double bestDistance = double.MaxValue;
            foreach (int index in _qCandidates)
            {
                double distance = System.Math.Abs(System.Math.Log(primes[index]) - want);
                if (distance < bestDistance && !chosen.Contains(index))
                {
                    best = index;
                    bestDistance = distance;
                }
            }
            chosen.Add(best);
            a = BigInteger.One;
            foreach (int index in chosen)
            {
                a *= primes[index];
            }
        }
        while (!_usedA.Add(a));

        _a = a;
        _qIndices = [.. chosen];
        Array.Clear(_special);
        foreach (int index in _qIndices)
        {
            _special[index] = true;
        }
        for (int i = FactorBase.TwoIndex + 1; i < primes.Length; i++)
        {
            if (_base.Roots[i] == 0)
            {
                _special[i] = true; // divides k: one root only, found by direct division instead
            }
        }
        _specialIndices = [.. Enumerable.Range(0, primes.Length).Where(i => _special[i])];

        // B_l = (A/q_l)·γ_l with γ_l = √(kN)·(A/q_l)^-1 mod q_l, so that B = ΣB_l has B² ≡ kN (mod A).
        _bTerms = new BigInteger[_s];
        for (int l = 0; l < _s; l++)
        {
            uint q = primes[_qIndices[l]];
            BigInteger aOverQ = a / q;
            ulong gamma = (ulong)_base.Roots[_qIndices[l]] * ModularWord.Inverse((uint)(aOverQ % q), q) % q;
            if (gamma > q / 2)
            {
                gamma = q - gamma;
            }
            _bTerms[l] = aOverQ * gamma;
        }

        // Per prime: A^-1 mod p and the root steps 2·B_l·A^-1 mod p of the Gray-code walk.
        if (_rootSteps.Length != _s)
        {
            _rootSteps = new int[_s][];
            for (int l = 0; l < _s; l++)
            {
                _rootSteps[l] = new int[_base.PaddedLength];
            }
            _bModP = new uint[primes.Length];
        }
        // Word arithmetic only: A and every B_l (below A, so below 2^105) reduced mod p from their 128-bit forms.
        var aWide = (UInt128)a;
        Span<UInt128> bWide = stackalloc UInt128[_s];
        for (int l = 0; l < _s; l++)
        {
            bWide[l] = (UInt128)_bTerms[l];
        }
        for (int i = FactorBase.TwoIndex + 1; i < primes.Length; i++)
        {
            if (_special[i])
            {
                continue;
            }
            uint p = primes[i];
            uint aInverse = ModularWord.Inverse(ModularWord.Reduce(aWide, p), p);
            _aInverse[i] = (int)aInverse;
            ulong bSum = 0;
            for (int l = 0; l < _s; l++)
            {
                ulong bl = ModularWord.Reduce(bWide[l], p);
                bSum += bl;
                _rootSteps[l][i] = (int)(2 * bl * aInverse % p);
            }
            _bModP[i] = (uint)(bSum % p);
        }
    }

    /// <summary>Roots of g(x) ≡ 0 (mod p) for the first B: x = A^-1(±√kN - B), as offsets from -M.</summary>
    private void InitialRoots()
    {
        uint[] primes = _base.Primes;
        for (int i = FactorBase.TwoIndex + 1; i < primes.Length; i++)
        {
            if (_special[i])
            {
                continue;
            }
            uint p = primes[i];
            ulong bModP = _bModP[i];
            ulong t = _base.Roots[i];
            ulong aInverse = (ulong)_aInverse[i];
            ulong shift = (ulong)_halfWidth % p;
            _root1[i] = (int)((((t + p - bModP) % p * aInverse) + shift) % p);
            _root2[i] = (int)(((((2 * (ulong)p) - t - bModP) % p * aInverse) + shift) % p);
        }
    }

    /// <summary>Moves every root by ±step (mod p), eight primes at a time: the Gray-code switch to the next polynomial.</summary>
    private void ShiftRoots(int[] step, bool add)
    {
        ref int lanes = ref MemoryMarshal.GetArrayDataReference(_base.Lanes);
        ref int steps = ref MemoryMarshal.GetArrayDataReference(step);
        ref int root1 = ref MemoryMarshal.GetArrayDataReference(_root1);
        ref int root2 = ref MemoryMarshal.GetArrayDataReference(_root2);
        for (nuint i = 0; i < (nuint)_base.PaddedLength; i += (nuint)Vector256<int>.Count)
        {
            Vector256<int> p = Vector256.LoadUnsafe(ref lanes, i), d = Vector256.LoadUnsafe(ref steps, i);
            if (!add)
            {
                d = p - d;
            }
            Vector256<int> r1 = Vector256.LoadUnsafe(ref root1, i) + d, r2 = Vector256.LoadUnsafe(ref root2, i) + d;
            (r1 - (Vector256.GreaterThanOrEqual(r1, p) & p)).StoreUnsafe(ref root1, i);
            (r2 - (Vector256.GreaterThanOrEqual(r2, p) & p)).StoreUnsafe(ref root2, i);
        }
    }

    /// <summary>Sieves g(x) for x in [-M, M) and checks the cells that pass the threshold.</summary>
    private void SievePolynomial(BigInteger b, RelationSet relations)
    {
        byte[] sieve = _sieve;
        Array.Fill(sieve, _initialCell);
        uint[] primes = _base.Primes;
        byte[] logs = _base.Logs;
        int length = sieve.Length;
        ref byte start = ref MemoryMarshal.GetArrayDataReference(sieve);
        int[] next1 = _next1, next2 = _next2;
        for (int i = _firstSieved; i < primes.Length; i++)
        {
            int r1 = _root1[i], r2 = _root2[i];
            next1[i] = System.Math.Min(r1, r2);
            next2[i] = System.Math.Max(r1, r2);
        }
        // Block by block, so the cells being hit stay in the L1 cache; each prime's next two hits carry over.
        for (int blockStart = 0; blockStart < length; blockStart += BlockSize)
        {
            ref byte block = ref Unsafe.Add(ref start, blockStart);
            int blockLength = System.Math.Min(BlockSize, length - blockStart);
            for (int i = _firstSieved; i < primes.Length; i++)
            {
                if (_special[i])
                {
                    continue;
                }
                int p = (int)primes[i];
                byte log = logs[i];
                int r1 = next1[i] - blockStart, r2 = next2[i] - blockStart;
                // Both progressions together while both are in range, then the stragglers; both then lie in
                // [blockLength, blockLength + p), and are put back in order for the next block.
                int limit = blockLength - p;
                while (r2 < limit)
                {
                    Unsafe.Add(ref block, r1) += log;
                    Unsafe.Add(ref block, r2) += log;
                    r1 += p;
                    r2 += p;
                }
                while (r1 < blockLength)
                {
                    Unsafe.Add(ref block, r1) += log;
                    r1 += p;
                }
                if (r2 < blockLength)
                {
                    Unsafe.Add(ref block, r2) += log;
                    r2 += p;
                }
                if (r1 > r2)
                {
                    (r1, r2) = (r2, r1);
                }
                next1[i] = r1 + blockStart;
                next2[i] = r2 + blockStart;
            }
        }

        // A cell is a candidate when its top bit is set: 64 cells at a time, most of them empty.
        int found = 0;
        int[] candidates = _candidates;
        for (int o = 0; o < length; o += 64)
        {
            Vector256<byte> low = Vector256.LoadUnsafe(ref start, (nuint)o), high = Vector256.LoadUnsafe(ref start, (nuint)o + 32);
            if (Vector256.ExtractMostSignificantBits(low | high) == 0)
            {
                continue;
            }
            ulong bits = Vector256.ExtractMostSignificantBits(low) | ((ulong)Vector256.ExtractMostSignificantBits(high) << 32);
            do
            {
                if (found == candidates.Length)
                {
                    Array.Resize(ref _candidates, 2 * found);
                    candidates = _candidates;
                }
                candidates[found++] = o + BitOperations.TrailingZeroCount(bits);
                bits &= bits - 1;
            }
            while (bits != 0);
        }
        if (found == 0)
        {
            return;
        }
        Int128 a = (Int128)_a, bWide = (Int128)b, c = (Int128)((b * b - _base.KN) / _a);
        for (int k = 0; k < found; k++)
        {
            CheckCandidate(candidates[k], a, bWide, c, relations);
        }
    }

    /// <summary>
    /// Writes to <paramref name="hits"/> the indices of the primes p of <paramref name="factorBase"/> with a
    /// root (<paramref name="roots1"/> or <paramref name="roots2"/>, padded like its lanes) congruent to
    /// <paramref name="offset"/> (below 2^24) mod p, and returns how many: offset mod p for 16 (or 8) primes
    /// at a time from a float reciprocal, whose truncated product is off by at most one, so one correction
    /// by ±p makes it exact. <paramref name="wide"/> false keeps to 8 lanes (what machines without AVX-512 run).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int PrimesHitting(FactorBase factorBase, int[] roots1, int[] roots2, int offset, Span<int> hits, bool wide = true)
    {
        int length = factorBase.PaddedLength;
        if (roots1.Length < length || roots2.Length < length || hits.Length < length)
        {
            throw new ArgumentException("root and hit arrays must cover the padded factor base");
        }
        ref int lanes = ref MemoryMarshal.GetArrayDataReference(factorBase.Lanes);
        ref float reciprocals = ref MemoryMarshal.GetArrayDataReference(factorBase.Reciprocals);
        ref int root1 = ref MemoryMarshal.GetArrayDataReference(roots1);
        ref int root2 = ref MemoryMarshal.GetArrayDataReference(roots2);
        int count = 0;
        if (wide && Vector512.IsHardwareAccelerated)
        {
            var offsets = Vector512.Create(offset);
            var offsetsAsFloat = Vector512.Create((float)offset);
            for (nuint i = 0; i < (nuint)length; i += (nuint)Vector512<int>.Count)
            {
                Vector512<int> p = Vector512.LoadUnsafe(ref lanes, i);
                Vector512<int> r = offsets - (Vector512.ConvertToInt32Native(offsetsAsFloat * Vector512.LoadUnsafe(ref reciprocals, i)) * p);
                r += Vector512.LessThan(r, Vector512<int>.Zero) & p;
                r -= Vector512.GreaterThanOrEqual(r, p) & p;
                ulong mask = (Vector512.Equals(r, Vector512.LoadUnsafe(ref root1, i)) | Vector512.Equals(r, Vector512.LoadUnsafe(ref root2, i))).ExtractMostSignificantBits();
                for (; mask != 0; mask &= mask - 1)
                {
                    hits[count++] = (int)i + BitOperations.TrailingZeroCount(mask);
                }
            }
            return count;
        }
        var offsets8 = Vector256.Create(offset);
        var offsetsAsFloat8 = Vector256.Create((float)offset);
        for (nuint i = 0; i < (nuint)length; i += (nuint)Vector256<int>.Count)
        {
            Vector256<int> p = Vector256.LoadUnsafe(ref lanes, i);
            Vector256<int> r = offsets8 - (Vector256.ConvertToInt32Native(offsetsAsFloat8 * Vector256.LoadUnsafe(ref reciprocals, i)) * p);
            r += Vector256.LessThan(r, Vector256<int>.Zero) & p;
            r -= Vector256.GreaterThanOrEqual(r, p) & p;
            uint mask = (Vector256.Equals(r, Vector256.LoadUnsafe(ref root1, i)) | Vector256.Equals(r, Vector256.LoadUnsafe(ref root2, i))).ExtractMostSignificantBits();
            for (; mask != 0; mask &= mask - 1)
            {
                hits[count++] = (int)i + BitOperations.TrailingZeroCount(mask);
            }
        }
        return count;
    }

    /// <summary>v with every factor p (base index i) divided out, each recorded in <paramref name="factors"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private UInt128 DivideOut(UInt128 v, int i, List<int> factors)
    {
        UInt128 inverse = _base.WideInverses[i], limit = _base.WideLimits[i];
        UInt128 quotient = v * inverse;
        while (quotient <= limit)
        {
            v = quotient;
            factors.Add(i);
            quotient = v * inverse;
        }
        return v;
    }

    /// <summary>Divides g(x) at sieve offset <paramref name="offset"/> by the factor base; keeps it when what is left is 1 or one large prime.</summary>
    private void CheckCandidate(int offset, Int128 a, Int128 b, Int128 c, RelationSet relations)
    {
        long x = offset - _halfWidth;
        Int128 g = (((a * x) + (2 * b)) * x) + c;
        List<int> factors = _factors;
        factors.Clear();
        if (g < 0)
        {
            factors.Add(FactorBase.SignIndex);
            g = -g;
        }
        if (g == 0)
        {
            return;
        }
        var v = (UInt128)g;
        factors.AddRange(_qIndices);
        int twos = (int)UInt128.TrailingZeroCount(v);
        v >>= twos;
        for (int t = 0; t < twos; t++)
        {
            factors.Add(FactorBase.TwoIndex);
        }
        // Primes left out of sieving have stale roots here, which at worst flag a prime that then does not
        // divide: harmless, as every flagged prime is divided exactly; they are tried by division afterwards.
        Span<int> hits = _hits;
        int hitCount = PrimesHitting(_base, _root1, _root2, offset, hits);
        for (int h = 0; h < hitCount; h++)
        {
            v = DivideOut(v, hits[h], factors);
        }
        foreach (int i in _specialIndices)
        {
            v = DivideOut(v, i, factors);
        }
        if (v == 1 || v < _largePrimeBound)
        {
            relations.Add((BigInteger)((a * x) + b), [.. factors], (ulong)v);
        }
    }
}
