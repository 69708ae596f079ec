using System.Runtime.CompilerServices;

namespace Factorizer.Math.Wide;

/// <summary>
/// Lenstra's elliptic curve method on odd composites below 2^128: Montgomery curves By² = x³ + Ax² + x in
/// X:Z coordinates (Suyama's parametrisation, so every curve has a point of known order-12 torsion), stage 1
/// by a Montgomery ladder over the product of the prime powers up to B1, stage 2 by a baby-step giant-step
/// walk that pairs primes m·D ± j. Finds a factor of p bits in time that grows like exp(√(p ln p)),
/// far below rho's 2^(p/2) beyond ~35 bits.
/// </summary>
internal static class Ecm128
{
    /// <summary>
    /// A nontrivial factor of odd composite <paramref name="n"/> (not a prime power), or zero when the levels
    /// up to <paramref name="maxLevel"/> (an index into <see cref="Ecm128Plan.Levels"/>) found none.
    /// </summary>
    public static UInt128 FindFactor(UInt128 n, int maxLevel, CancellationToken cancellationToken)
    {
        var mont = new Montgomery128(n);
        ulong sigma = 6;
        for (int level = 0; level <= maxLevel && level < Ecm128Plan.Levels.Length; level++)
        {
            Ecm128Plan plan = Ecm128Plan.Levels[level];
            for (int curve = 0; curve < plan.Curves; curve++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                UInt128 d = Curve(mont, plan, sigma++);
                if (d != 1 && d != n)
                {
                    return d;
                }
            }
        }
        return 0;
    }

    /// <summary>Runs one curve; returns the gcd it ends with (1 or n when it found nothing).</summary>
    private static UInt128 Curve(Montgomery128 mont, Ecm128Plan plan, ulong sigma)
    {
        UInt128 n = mont.N;
        // Suyama: u = σ² - 5, v = 4σ, start x = u³/v³, (A+2)/4 = (v-u)³(3u+v)/(16u³v).
        UInt128 s = mont.ToMontgomery(sigma);
        UInt128 u = mont.Subtract(mont.Multiply(s, s), mont.ToMontgomery(5));
        UInt128 v = mont.ToMontgomery((UInt128)4 * sigma);
        UInt128 u3 = mont.Multiply(mont.Multiply(u, u), u);
        UInt128 v3 = mont.Multiply(mont.Multiply(v, v), v);
        UInt128 sixteen = mont.ToMontgomery(16);
        UInt128 denominator = mont.Multiply(mont.Multiply(sixteen, u3), v3);
        UInt128 inverse = Inverse128.TryInvert(mont.FromMontgomery(denominator), n, out UInt128 g);
        if (inverse == 0)
        {
            return g;
        }
        // Back into Montgomery form: (d·R)^-1 = d^-1·R^-1, so multiply by R^3 via two conversions.
        inverse = mont.ToMontgomery(inverse);
        UInt128 vu = mont.Subtract(v, u);
        UInt128 vu3 = mont.Multiply(mont.Multiply(vu, vu), vu);
        UInt128 threeUPlusV = mont.Add(mont.Add(mont.Add(u, u), u), v);
        UInt128 a24 = mont.Multiply(mont.Multiply(mont.Multiply(vu3, threeUPlusV), mont.Multiply(v, v)), inverse);
        UInt128 x = mont.Multiply(mont.Multiply(mont.Multiply(u3, u3), sixteen), inverse);
        UInt128 z = mont.One;

        // Stage 1.
        for (int i = 0; i < plan.Doublings; i++)
        {
            (x, z) = Double(mont, x, z, a24);
        }
        (x, z) = Ladder(mont, x, z, plan.Stage1Bits, a24);
        g = Gcd128.Of(mont.FromMontgomery(z), n);
        if (g != 1)
        {
            return g;
        }
        return Stage2(mont, plan, x, z, a24);
    }

    /// <summary>Baby-step giant-step stage 2 from the stage-1 point Q: one product per prime (pairs m·D ± j share one).</summary>
    private static UInt128 Stage2(Montgomery128 mont, Ecm128Plan plan, UInt128 qx, UInt128 qz, UInt128 a24)
    {
        UInt128 n = mont.N;
        int[] babies = Ecm128Plan.BabySteps;
        // Baby points j·Q for odd j < D/2, kept as X, Z and X·Z (the cross product below reuses X·Z).
        Span<UInt128> babyX = stackalloc UInt128[babies.Length];
        Span<UInt128> babyZ = stackalloc UInt128[babies.Length];
        Span<UInt128> babyXZ = stackalloc UInt128[babies.Length];
        (UInt128 x2, UInt128 z2) = Double(mont, qx, qz, a24);
        (UInt128 px, UInt128 pz) = (qx, qz);               // (j-2)·Q
        (UInt128 cx, UInt128 cz) = Add(mont, qx, qz, x2, z2, qx, qz); // j·Q, starting at 3Q
        int next = 0;
        if (babies[0] == 1)
        {
            babyX[0] = qx;
            babyZ[0] = qz;
            babyXZ[0] = mont.Multiply(qx, qz);
            next = 1;
        }
        for (int j = 3; next < babies.Length; j += 2)
        {
            if (j == babies[next])
            {
                babyX[next] = cx;
                babyZ[next] = cz;
                babyXZ[next] = mont.Multiply(cx, cz);
                next++;
            }
            (UInt128 nx, UInt128 nz) = Add(mont, cx, cz, x2, z2, px, pz);
            (px, pz) = (cx, cz);
            (cx, cz) = (nx, nz);
        }

        // Giant points m·D·Q, stepping by D·Q with the previous one as the difference.
        (UInt128 dx, UInt128 dz) = Ladder(mont, qx, qz, Ecm128Plan.GiantStepBits, a24);
        (UInt128 gx, UInt128 gz, UInt128 hx, UInt128 hz) = LadderPair(mont, dx, dz, plan.FirstGiantBits, a24);
        bool[] pairs = plan.Stage2Pairs;
        int count = babies.Length;
        UInt128 accumulator = mont.One;
        // (gx, gz) = m·D·Q and (hx, hz) = (m+1)·D·Q; each step moves both up by D·Q.
        for (int m = 0; m * count < pairs.Length; m++)
        {
            UInt128 gxz = mont.Multiply(gx, gz);
            int row = m * count;
            for (int k = 0; k < count; k++)
            {
                if (pairs[row + k])
                {
                    // gx·bz - bx·gz = (gx - bx)(gz + bz) - gx·gz + bx·bz: zero mod p when m·D·Q = ±j·Q on the curve mod p.
                    UInt128 t = mont.Multiply(mont.Subtract(gx, babyX[k]), mont.Add(gz, babyZ[k]));
                    t = mont.Add(mont.Subtract(t, gxz), babyXZ[k]);
                    accumulator = mont.Multiply(accumulator, t);
                }
            }
            (UInt128 nx, UInt128 nz) = Add(mont, hx, hz, dx, dz, gx, gz);
            (gx, gz) = (hx, hz);
            (hx, hz) = (nx, nz);
        }
        return Gcd128.Of(mont.FromMontgomery(accumulator), n);
    }

    /// <summary>k·P for k given by its bits (most significant first, leading bit set).</summary>
    private static (UInt128 X, UInt128 Z) Ladder(Montgomery128 mont, UInt128 x, UInt128 z, bool[] bits, UInt128 a24)
    {
        (UInt128 x0, UInt128 z0, _, _) = LadderPair(mont, x, z, bits, a24);
        return (x0, z0);
    }

    /// <summary>The Montgomery ladder: returns k·P and (k+1)·P, whose difference is always P.</summary>
    private static (UInt128 X0, UInt128 Z0, UInt128 X1, UInt128 Z1) LadderPair(Montgomery128 mont, UInt128 x, UInt128 z, bool[] bits, UInt128 a24)
    {
        UInt128 x0 = x, z0 = z;
        (UInt128 x1, UInt128 z1) = Double(mont, x, z, a24);
        for (int i = 1; i < bits.Length; i++)
        {
            if (bits[i])
            {
                (x0, z0) = Add(mont, x0, z0, x1, z1, x, z);
                (x1, z1) = Double(mont, x1, z1, a24);
            }
            else
            {
                (x1, z1) = Add(mont, x0, z0, x1, z1, x, z);
                (x0, z0) = Double(mont, x0, z0, a24);
            }
        }
        return (x0, z0, x1, z1);
    }

    /// <summary>2P: X = (X+Z)²(X-Z)², Z = 4XZ((X-Z)² + a24·4XZ), with 4XZ = (X+Z)² - (X-Z)².</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (UInt128 X, UInt128 Z) Double(Montgomery128 mont, UInt128 x, UInt128 z, UInt128 a24)
    {
        UInt128 s = mont.Add(x, z);
        UInt128 d = mont.Subtract(x, z);
        UInt128 ss = mont.Multiply(s, s);
        UInt128 dd = mont.Multiply(d, d);
        UInt128 t = mont.Subtract(ss, dd);
        return (mont.Multiply(ss, dd), mont.Multiply(t, mont.Add(dd, mont.Multiply(a24, t))));
    }

    /// <summary>P + Q given P - Q: X = Zd·(u+v)², Z = Xd·(u-v)² with u = (Xp-Zp)(Xq+Zq), v = (Xp+Zp)(Xq-Zq).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (UInt128 X, UInt128 Z) Add(Montgomery128 mont, UInt128 xp, UInt128 zp, UInt128 xq, UInt128 zq, UInt128 xd, UInt128 zd)
    {
        UInt128 u = mont.Multiply(mont.Subtract(xp, zp), mont.Add(xq, zq));
        UInt128 v = mont.Multiply(mont.Add(xp, zp), mont.Subtract(xq, zq));
        UInt128 sum = mont.Add(u, v);
        UInt128 difference = mont.Subtract(u, v);
        return (mont.Multiply(zd, mont.Multiply(sum, sum)), mont.Multiply(xd, mont.Multiply(difference, difference)));
    }
}
