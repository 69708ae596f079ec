namespace Factorizer.Math;

/// <summary>
/// The odd primes below <see cref="Limit"/>, sieved once, with what trial division needs to test
/// divisibility by multiplication instead of a hardware divide (a divide costs ~10x a multiply).
/// </summary>
internal static class SmallPrimes
{
    /// <summary>Every prime in <see cref="Odd"/> is below this bound.</summary>
    public const int Limit = 1 << 16;

    /// <summary>The odd primes 3, 5, 7, ... below <see cref="Limit"/>, ascending.</summary>
    public static readonly uint[] Odd;

    /// <summary><c>Inverse[i] * Odd[i] == 1 (mod 2^64)</c>; exists because every entry is odd.</summary>
    public static readonly ulong[] Inverse;

    /// <summary><c>ulong.MaxValue / Odd[i]</c>: n is divisible by p exactly when <c>n * inv(p) &lt;= this</c>.</summary>
    public static readonly ulong[] QuotientLimit;

    static SmallPrimes()
    {
        var composite = new bool[Limit];
        var primes = new List<uint>(6600);
        for (int i = 3; i < Limit; i += 2)
        {
            if (composite[i])
            {
                continue;
            }
            primes.Add((uint)i);
            for (long j = (long)i * i; j < Limit; j += 2L * i)
            {
                composite[j] = true;
            }
        }
        Odd = [.. primes];
        Inverse = new ulong[Odd.Length];
        QuotientLimit = new ulong[Odd.Length];
        for (int i = 0; i < Odd.Length; i++)
        {
            Inverse[i] = InverseMod64(Odd[i]);
            QuotientLimit[i] = ulong.MaxValue / Odd[i];
        }
    }

    /// <summary>The inverse of odd <paramref name="a"/> modulo 2^64 (Newton: each step doubles the correct bits).</summary>
    public static ulong InverseMod64(ulong a)
    {
        // a*a == 1 (mod 8) for odd a, so x = a starts with 3 correct bits; 3 -> 6 -> 12 -> 24 -> 48 -> 96.
        ulong x = a;
        for (int i = 0; i < 5; i++)
        {
            x *= 2 - (a * x);
        }
        return x;
    }
}
