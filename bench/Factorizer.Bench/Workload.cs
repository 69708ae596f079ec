using System.Numerics;

namespace Factorizer.Bench;

/// <summary>A named list of inputs, all below 2^64 (<see cref="Words"/> set) or some above (only <see cref="Numbers"/>).</summary>
internal sealed class Workload
{
    public Workload(string name, IReadOnlyList<BigInteger> numbers)
    {
        Name = name;
        Numbers = numbers;
        Words = numbers.All(n => n <= ulong.MaxValue) ? [.. numbers.Select(n => (ulong)n)] : null;
    }

    /// <summary>Short label for the table.</summary>
    public string Name { get; }

    /// <summary>The inputs, in the order both sides factor them.</summary>
    public IReadOnlyList<BigInteger> Numbers { get; }

    /// <summary>The same inputs as ulong when they all fit, so ours runs the ulong overload on them.</summary>
    public ulong[]? Words { get; }

    /// <summary>The four workloads of the README, from fixed seeds.</summary>
    public static IReadOnlyList<Workload> Standard(double scale)
    {
        int Scaled(int count) => System.Math.Max(1, (int)(count * scale));
        var random = new Random(2024);
        return
        [
            new Workload("seed: odd from 999999999999", [.. Enumerable.Range(0, Scaled(100_000)).Select(i => 999_999_999_999 + (2 * (BigInteger)i))]),
            new Workload("random 64-bit", [.. Enumerable.Range(0, Scaled(20_000)).Select(_ => (BigInteger)RandomBits(random, 64))]),
            new Workload("semiprime 32x32 bit", [.. Enumerable.Range(0, Scaled(5_000)).Select(_ => (BigInteger)RandomPrime(random, 32) * RandomPrime(random, 32))]),
            new Workload("~96-bit, 3 x 32-bit primes", [.. Enumerable.Range(0, Scaled(200)).Select(_ =>
                (BigInteger)RandomPrime(random, 32) * RandomPrime(random, 32) * RandomPrime(random, 32))]),
        ];
    }

    private static ulong RandomBits(Random random, int bits)
    {
        ulong value = (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
        return (value >> (64 - bits)) | (1UL << (bits - 1));
    }

    private static ulong RandomPrime(Random random, int bits)
    {
        // The generator uses the library's own primality test; GNU factor cross-checks every result anyway.
        ulong p = RandomBits(random, bits) | 1;
        while (!Factorizer.Math.Primality.IsPrime(p))
        {
            p += 2;
        }
        return p;
    }
}
