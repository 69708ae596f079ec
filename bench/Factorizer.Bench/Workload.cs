using System.Numerics;

namespace Factorizer.Bench;

/// <summary>
/// A named list of inputs, the program ours is compared with on them, and the goal for the ratio.
/// All below 2^64 (<see cref="Words"/> set, ours runs the ulong overload) or some above (only <see cref="Numbers"/>).
/// </summary>
internal sealed class Workload
{
    public Workload(string name, IReadOnlyList<BigInteger> numbers, string goal, IReferenceFactorizer? reference = null)
    {
        Name = name;
        Numbers = numbers;
        Goal = goal;
        Reference = reference ?? GnuFactorRunner.Instance;
        Words = numbers.All(n => n.Sign >= 0 && n <= ulong.MaxValue) ? [.. numbers.Select(n => (ulong)n)] : null;
    }

    /// <summary>Short label for the table.</summary>
    public string Name { get; }

    /// <summary>The inputs, in the order both sides factor them.</summary>
    public IReadOnlyList<BigInteger> Numbers { get; }

    /// <summary>The goal for ours/reference, e.g. "&gt;= 3x" (issue 10).</summary>
    public string Goal { get; }

    /// <summary>What ours is timed against.</summary>
    public IReferenceFactorizer Reference { get; }

    /// <summary>The same inputs as ulong when they all fit, so ours runs the ulong overload on them.</summary>
    public ulong[]? Words { get; }

    /// <summary>The four kernel workloads of issue 10, from fixed seeds; <paramref name="scale"/> multiplies the counts.</summary>
    public static IReadOnlyList<Workload> Standard(double scale)
    {
        var random = new Random(2024);
        return
        [
            new Workload("consecutive odd from 999999999999", [.. Enumerable.Range(0, Scaled(100_000, scale)).Select(i => 999_999_999_999 + (2 * (BigInteger)i))], ">= 3x"),
            new Workload("random 64-bit", [.. Enumerable.Range(0, Scaled(20_000, scale)).Select(_ => (BigInteger)RandomBits(random, 64))], ">= 4.5x"),
            new Workload("products of two random 32-bit primes", [.. Enumerable.Range(0, Scaled(5_000, scale)).Select(_ => (BigInteger)RandomPrime(random, 32) * RandomPrime(random, 32))], ">= 10x"),
            new Workload("~96-bit products of three 32-bit primes", [.. Enumerable.Range(0, Scaled(200, scale)).Select(_ =>
                (BigInteger)RandomPrime(random, 32) * RandomPrime(random, 32) * RandomPrime(random, 32))], ">= 2x"),
        ];
    }

    /// <summary>A count times the scale, at least 1.</summary>
    public static int Scaled(int count, double scale) => System.Math.Max(1, (int)(count * scale));

    /// <summary>A random number with exactly <paramref name="bits"/> bits (top bit set).</summary>
    public static ulong RandomBits(Random random, int bits)
    {
        ulong value = (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
        return (value >> (64 - bits)) | (1UL << (bits - 1));
    }

    /// <summary>The first prime at or after a random <paramref name="bits"/>-bit odd start.</summary>
    public static ulong RandomPrime(Random random, int bits)
    {
        // The generator uses the library's own primality test; the reference cross-checks every result anyway.
        ulong p = RandomBits(random, bits) | 1;
        while (!Factorizer.Math.Primality.IsPrime(p))
        {
            p += 2;
        }
        return p;
    }
}
