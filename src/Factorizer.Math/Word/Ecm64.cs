using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Factorizer.Math.Word;

/// <summary>
/// Lenstra's elliptic-curve method on 64-bit odd composites: Montgomery curves By² = x³ + Ax² + x in X:Z
/// coordinates, Suyama's parametrization (a rational 12-torsion, so group orders are more often smooth), a
/// Montgomery ladder for stage 1 and a baby-step giant-step stage 2. Finds a factor in time that depends on the
/// factor's size, not the number's, so it beats rho when the smallest factor has ~20 bits or more. The
/// arithmetic uses mask selects instead of branches: the ladder's swaps and the modular corrections are data
/// dependent and would mispredict half the time.
/// </summary>
internal static class Ecm64
{
    /// <summary>Suyama's σ of the first curve; σ = 0, ±1, ±3, ±5 are degenerate.</summary>
    private const ulong FirstSigma = 6;

    /// <summary>A nontrivial factor of odd composite <paramref name="n"/>, or 0 if <paramref name="curves"/> curves found none.</summary>
    public static ulong FindFactor(ulong n, EcmPlan plan, int curves)
    {
        var mont = new Montgomery64(n);
        Span<ulong> babyX = stackalloc ulong[EcmPlan.BabySteps.Length];
        Span<ulong> babyZ = stackalloc ulong[EcmPlan.BabySteps.Length];
        for (int curve = 0; curve < curves;)
        {
            ulong sigma = FirstSigma + (ulong)curve;
            ulong g;
            if (curve > 0
                && curves - curve >= 2
                && TrySuyamaCurve(mont, sigma, out ulong x0, out ulong a24, out _)
                && TrySuyamaCurve(mont, sigma + 1, out ulong x0Other, out ulong a24Other, out _))
            {
                // Two curves' stage 1 side by side: one ladder's products wait on each other, two fill the pipeline,
                // so the second curve costs less than a curve on its own. The first curve runs alone, as it often
                // succeeds on numbers with a smallish factor, where a partner's stage 1 would be wasted.
                Stage1Pair(mont, plan, x0, a24, x0Other, a24Other, out ulong x, out ulong z, out ulong xOther, out ulong zOther);
                g = FinishCurve(mont, plan, a24, x, z, babyX, babyZ);
                if (g == 1 || g == n)
                {
                    g = FinishCurve(mont, plan, a24Other, xOther, zOther, babyX, babyZ);
                }
                curve += 2;
            }
            else
            {
                g = TryCurve(mont, plan, sigma, babyX, babyZ);
                curve++;
            }
            if (g != 1 && g != n)
            {
                return g;
            }
        }
        return 0;
    }

    /// <summary>Runs one curve; returns the GCD found (1 or n when the curve failed).</summary>
    private static ulong TryCurve(Montgomery64 mont, EcmPlan plan, ulong sigma, Span<ulong> babyX, Span<ulong> babyZ)
    {
        if (!TrySuyamaCurve(mont, sigma, out ulong x0, out ulong a24, out ulong factor))
        {
            return factor;
        }
        Stage1(mont, plan, x0, a24, out ulong x, out ulong z);
        return FinishCurve(mont, plan, a24, x, z, babyX, babyZ);
    }

    /// <summary>Stage 2 from stage 1's point (x : z) and the GCD; returns it (1 or n when the curve failed).</summary>
    private static ulong FinishCurve(Montgomery64 mont, EcmPlan plan, ulong a24, ulong x, ulong z, Span<ulong> babyX, Span<ulong> babyZ)
    {
        ulong n = mont.N;
        ulong accumulator = Stage2(mont, plan, a24, x, z, babyX, babyZ);
        ulong g = Gcd64.Of(mont.FromMontgomery(accumulator), n);
        // Both factors found at once: perhaps one already in stage 1 and the other only in stage 2.
        return g == n ? Gcd64.Of(mont.FromMontgomery(z), n) : g;
    }

    /// <summary>
    /// The curve and base point for σ: u = σ² - 5, v = 4σ, x0 = u³/v³, (A + 2)/4 = (v - u)³(3u + v)/(16u³v),
    /// with one modular inversion (of 16u³v³). False when that is not invertible; the GCD is then in
    /// <paramref name="factor"/>.
    /// </summary>
    private static bool TrySuyamaCurve(Montgomery64 mont, ulong sigma, out ulong x0, out ulong a24, out ulong factor)
    {
        ulong u = mont.ToMontgomery((sigma * sigma) - 5);
        ulong v = mont.ToMontgomery(4 * sigma);
        ulong u3 = mont.Multiply(mont.Multiply(u, u), u);
        ulong v2 = mont.Multiply(v, v);
        ulong v3 = mont.Multiply(v2, v);
        ulong sixteenU3 = mont.Multiply(mont.ToMontgomery(16), u3);
        ulong inverse = Gcd64.Inverse(mont.FromMontgomery(mont.Multiply(sixteenU3, v3)), mont.N, out factor);
        if (factor != 1)
        {
            x0 = a24 = 0;
            return false;
        }
        ulong inv = mont.ToMontgomery(inverse);
        x0 = mont.Multiply(mont.Multiply(sixteenU3, u3), inv);
        ulong vMinusU = mont.Subtract(v, u);
        ulong vMinusU3 = mont.Multiply(mont.Multiply(vMinusU, vMinusU), vMinusU);
        ulong threeUPlusV = mont.Add(mont.Add(mont.Add(u, u), u), v);
        a24 = mont.Multiply(mont.Multiply(vMinusU3, threeUPlusV), mont.Multiply(v2, inv));
        return true;
    }

    /// <summary>
    /// (x : z) = scalar·(x0 : 1) by the Montgomery ladder over the plan's scalar. Each step is one differential
    /// addition (its difference is the base point, whose Z is 1) and one doubling sharing X ± Z: 10 products.
    /// </summary>
    private static void Stage1(Montgomery64 mont, EcmPlan plan, ulong x0, ulong a24, out ulong x, out ulong z)
    {
        // R0 = P, R1 = 2P; the invariant R1 - R0 = P holds throughout.
        ulong x1 = x0, z1 = mont.One;
        Double(mont, a24, x1, z1, out ulong x2, out ulong z2);
        ulong[] scalar = plan.Scalar;
        ulong previous = 0;
        for (int bit = plan.ScalarBits - 2; bit >= 0; bit--)
        {
            ulong b = (scalar[bit >> 6] >> (bit & 63)) & 1;
            // Swap R0 and R1 exactly when this bit differs from the last one (mask, no branch).
            ulong mask = 0UL - (b ^ previous);
            previous = b;
            (x1, z1, x2, z2) = LadderStep(mont, x0, a24, mask, x1, z1, x2, z2);
        }
        ulong last = 0UL - previous;
        x = x1 ^ ((x1 ^ x2) & last);
        z = z1 ^ ((z1 ^ z2) & last);
    }

    /// <summary><see cref="Stage1"/> for two curves at once (the same scalar, so the same swaps).</summary>
    private static void Stage1Pair(Montgomery64 mont, EcmPlan plan, ulong x0, ulong a24, ulong x0Other, ulong a24Other, out ulong x, out ulong z, out ulong xOther, out ulong zOther)
    {
        ulong x1 = x0, z1 = mont.One;
        Double(mont, a24, x1, z1, out ulong x2, out ulong z2);
        ulong u1 = x0Other, w1 = mont.One;
        Double(mont, a24Other, u1, w1, out ulong u2, out ulong w2);
        ulong[] scalar = plan.Scalar;
        ulong previous = 0;
        for (int bit = plan.ScalarBits - 2; bit >= 0; bit--)
        {
            ulong b = (scalar[bit >> 6] >> (bit & 63)) & 1;
            ulong mask = 0UL - (b ^ previous);
            previous = b;
            (x1, z1, x2, z2) = LadderStep(mont, x0, a24, mask, x1, z1, x2, z2);
            (u1, w1, u2, w2) = LadderStep(mont, x0Other, a24Other, mask, u1, w1, u2, w2);
        }
        ulong last = 0UL - previous;
        x = x1 ^ ((x1 ^ x2) & last);
        z = z1 ^ ((z1 ^ z2) & last);
        xOther = u1 ^ ((u1 ^ u2) & last);
        zOther = w1 ^ ((w1 ^ w2) & last);
    }

    /// <summary>
    /// One ladder step: swap R0 and R1 where <paramref name="swap"/> is all ones, then R1 = R0 + R1 (difference the
    /// base point (x0 : 1)) and R0 = 2·R0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (ulong X1, ulong Z1, ulong X2, ulong Z2) LadderStep(Montgomery64 mont, ulong x0, ulong a24, ulong swap, ulong x1, ulong z1, ulong x2, ulong z2)
    {
        ulong t = (x1 ^ x2) & swap;
        x1 ^= t;
        x2 ^= t;
        t = (z1 ^ z2) & swap;
        z1 ^= t;
        z2 ^= t;

        ulong s1 = mont.AddBranchless(x1, z1), d1 = mont.SubtractBranchless(x1, z1);
        ulong s2 = mont.AddBranchless(x2, z2), d2 = mont.SubtractBranchless(x2, z2);
        ulong p = mont.MultiplyBranchless(d1, s2), q = mont.MultiplyBranchless(s1, d2);
        ulong sum = mont.AddBranchless(p, q), difference = mont.SubtractBranchless(p, q);
        ulong ss = mont.MultiplyBranchless(s1, s1), dd = mont.MultiplyBranchless(d1, d1);
        ulong fourXz = mont.SubtractBranchless(ss, dd);
        return (
            mont.MultiplyBranchless(ss, dd),
            mont.MultiplyBranchless(fourXz, mont.AddBranchless(dd, mont.MultiplyBranchless(a24, fourXz))),
            mont.MultiplyBranchless(sum, sum),
            mont.MultiplyBranchless(x0, mont.MultiplyBranchless(difference, difference)));
    }

    /// <summary>
    /// The product over the plan's pairs (k, j) of x(k·210·Q) - x(j·Q), cross-multiplied (X_k·Z_j - X_j·Z_k),
    /// times Q's Z: divisible by p when Q's order mod p is a prime q in (B1, B2] (or 1). Each cross product costs one
    /// multiplication, by Montgomery's identity X_k·Z_j - X_j·Z_k = (X_k - X_j)(Z_k + Z_j) - X_k·Z_k + X_j·Z_j with
    /// both X·Z precomputed, and two accumulators take turns so consecutive products do not wait on each other.
    /// </summary>
    private static ulong Stage2(Montgomery64 mont, EcmPlan plan, ulong a24, ulong x, ulong z, Span<ulong> babyX, Span<ulong> babyZ)
    {
        Span<ulong> babyXz = stackalloc ulong[EcmPlan.BabySteps.Length];
        ComputeBabySteps(mont, a24, x, z, babyX, babyZ, out ulong xStep, out ulong zStep);
        for (int b = 0; b < babyXz.Length; b++)
        {
            babyXz[b] = mont.MultiplyBranchless(babyX[b], babyZ[b]);
        }

        ulong accumulator = z, other = mont.One;
        // Giant k·210·Q for k = 0, 1, 2, ...: (1 : 0) is the point at infinity, then differential additions.
        ulong xGiantPrevious = mont.One, zGiantPrevious = 0;
        ulong xGiant = mont.One, zGiant = 0;
        int[] starts = plan.GiantStart;
        // Unchecked indexing: every pair's baby index is below BabySteps.Length (the plan is built that way).
        ref byte pairBaby = ref MemoryMarshal.GetArrayDataReference(plan.PairBaby);
        ref ulong bx = ref MemoryMarshal.GetReference(babyX);
        ref ulong bz = ref MemoryMarshal.GetReference(babyZ);
        ref ulong bxz = ref MemoryMarshal.GetReference(babyXz);
        for (int k = 0; k <= plan.LastGiant; k++)
        {
            ulong giantXz = mont.MultiplyBranchless(xGiant, zGiant);
            int i = starts[k];
            int end = starts[k + 1];
            for (; i + 1 < end; i += 2)
            {
                int b = Unsafe.Add(ref pairBaby, i);
                int c = Unsafe.Add(ref pairBaby, i + 1);
                ulong term = CrossTerm(mont, xGiant, zGiant, giantXz, Unsafe.Add(ref bx, b), Unsafe.Add(ref bz, b), Unsafe.Add(ref bxz, b));
                ulong termOther = CrossTerm(mont, xGiant, zGiant, giantXz, Unsafe.Add(ref bx, c), Unsafe.Add(ref bz, c), Unsafe.Add(ref bxz, c));
                accumulator = mont.MultiplyBranchless(accumulator, term);
                other = mont.MultiplyBranchless(other, termOther);
            }
            if (i < end)
            {
                int b = Unsafe.Add(ref pairBaby, i);
                accumulator = mont.MultiplyBranchless(accumulator, CrossTerm(mont, xGiant, zGiant, giantXz, Unsafe.Add(ref bx, b), Unsafe.Add(ref bz, b), Unsafe.Add(ref bxz, b)));
            }
            ulong xNext, zNext;
            if (k == 0)
            {
                (xNext, zNext) = (xStep, zStep);
            }
            else if (k == 1)
            {
                Double(mont, a24, xStep, zStep, out xNext, out zNext);
            }
            else
            {
                Add(mont, xGiant, zGiant, xStep, zStep, xGiantPrevious, zGiantPrevious, out xNext, out zNext);
            }
            (xGiantPrevious, zGiantPrevious, xGiant, zGiant) = (xGiant, zGiant, xNext, zNext);
        }
        return mont.MultiplyBranchless(accumulator, other);
    }

    /// <summary>X_k·Z_j - X_j·Z_k with one multiplication, given X_k·Z_k and X_j·Z_j (see <see cref="Stage2"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong CrossTerm(Montgomery64 mont, ulong xk, ulong zk, ulong xzk, ulong xj, ulong zj, ulong xzj)
    {
        ulong product = mont.MultiplyBranchless(mont.SubtractBranchless(xk, xj), mont.AddBranchless(zk, zj));
        return mont.AddBranchless(mont.SubtractBranchless(product, xzk), xzj);
    }

    /// <summary>
    /// j·Q for every baby step j (into <paramref name="babyX"/>, <paramref name="babyZ"/>) and the giant step 210·Q.
    /// The babies are the numbers below 105 coprime to 210, all 1 or 5 mod 6: two chains, Q, 7Q, 13Q, ... and
    /// 5Q, 11Q, 17Q, ..., each step a differential addition of 6Q; then 105Q = 103Q + 2Q and 210Q = 2·105Q.
    /// </summary>
    private static void ComputeBabySteps(Montgomery64 mont, ulong a24, ulong x, ulong z, Span<ulong> babyX, Span<ulong> babyZ, out ulong xStep, out ulong zStep)
    {
        int[] index = EcmPlan.BabyIndex;
        Double(mont, a24, x, z, out ulong x2, out ulong z2);
        Add(mont, x2, z2, x, z, x, z, out ulong x3, out ulong z3);
        Add(mont, x3, z3, x2, z2, x, z, out ulong x5, out ulong z5);
        Double(mont, a24, x3, z3, out ulong x6, out ulong z6);
        Add(mont, x6, z6, x, z, x5, z5, out ulong x7, out ulong z7);
        Add(mont, x6, z6, x5, z5, x, z, out ulong x11, out ulong z11);
        ulong x101 = 0, z101 = 0, x103 = 0, z103 = 0;
        for (int chain = 0; chain < 2; chain++)
        {
            // (j - 6)Q and jQ; the chain ends at the last j below 105.
            (ulong xPrevious, ulong zPrevious, ulong xCurrent, ulong zCurrent, int j) = chain == 0 ? (x, z, x7, z7, 7) : (x5, z5, x11, z11, 11);
            Store(index[j - 6], xPrevious, zPrevious, babyX, babyZ);
            while (true)
            {
                Store(index[j], xCurrent, zCurrent, babyX, babyZ);
                if (j + 6 >= EcmPlan.GiantStep / 2)
                {
                    break;
                }
                Add(mont, xCurrent, zCurrent, x6, z6, xPrevious, zPrevious, out ulong xNext, out ulong zNext);
                (xPrevious, zPrevious, xCurrent, zCurrent) = (xCurrent, zCurrent, xNext, zNext);
                j += 6;
            }
            if (chain == 0)
            {
                (x103, z103) = (xCurrent, zCurrent);
            }
            else
            {
                (x101, z101) = (xCurrent, zCurrent);
            }
        }
        Add(mont, x103, z103, x2, z2, x101, z101, out ulong x105, out ulong z105);
        Double(mont, a24, x105, z105, out xStep, out zStep);
    }

    /// <summary>Keeps a point as baby step <paramref name="baby"/>, unless it is no baby step (-1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(int baby, ulong x, ulong z, Span<ulong> babyX, Span<ulong> babyZ)
    {
        if (baby >= 0)
        {
            babyX[baby] = x;
            babyZ[baby] = z;
        }
    }

    /// <summary>2·(x : z): X = (x+z)²(x-z)², Z = 4xz·((x-z)² + a24·4xz), where 4xz = (x+z)² - (x-z)².</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Double(Montgomery64 mont, ulong a24, ulong x, ulong z, out ulong xOut, out ulong zOut)
    {
        ulong s = mont.AddBranchless(x, z), d = mont.SubtractBranchless(x, z);
        ulong ss = mont.MultiplyBranchless(s, s), dd = mont.MultiplyBranchless(d, d);
        ulong fourXz = mont.SubtractBranchless(ss, dd);
        xOut = mont.MultiplyBranchless(ss, dd);
        zOut = mont.MultiplyBranchless(fourXz, mont.AddBranchless(dd, mont.MultiplyBranchless(a24, fourXz)));
    }

    /// <summary>P + Q from P, Q and P - Q (differential addition, 6 products).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add(Montgomery64 mont, ulong xp, ulong zp, ulong xq, ulong zq, ulong xd, ulong zd, out ulong xOut, out ulong zOut)
    {
        ulong u = mont.MultiplyBranchless(mont.SubtractBranchless(xp, zp), mont.AddBranchless(xq, zq));
        ulong v = mont.MultiplyBranchless(mont.AddBranchless(xp, zp), mont.SubtractBranchless(xq, zq));
        ulong sum = mont.AddBranchless(u, v), difference = mont.SubtractBranchless(u, v);
        xOut = mont.MultiplyBranchless(zd, mont.MultiplyBranchless(sum, sum));
        zOut = mont.MultiplyBranchless(xd, mont.MultiplyBranchless(difference, difference));
    }
}
