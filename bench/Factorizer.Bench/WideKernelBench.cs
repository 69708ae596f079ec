using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Factorizer.Math;

namespace Factorizer.Bench;

/// <summary>
/// The kernel beyond 128 bits' reach of GNU factor (issue 10): 2^128+1 and products of two random 64-bit
/// primes against PARI/GP, per number, both sides timed without process start (the ~96-bit three-prime
/// workload against GNU factor is one of the main kernel workloads). Usage: <c>wide [--quick] [--json PATH]</c>.
/// Both sides are timed on the same numbers in the same run, alternating, and every answer is checked.
/// </summary>
internal static class WideKernelBench
{
    private const string GoalPari = "within 2x of PARI (ratio >= 0.5)";

    public static int Run(string[] args)
    {
        bool quick = args.Contains("--quick");
        int jsonAt = Array.IndexOf(args, "--json");
        string? jsonPath = jsonAt >= 0 && jsonAt + 1 < args.Length ? args[jsonAt + 1] : null;
        int rounds = quick ? 1 : 3;
        var rows = new List<BenchRow>();
        Console.WriteLine($"Wide kernel (beyond 64 bits); {rounds} alternating round(s) per side; load {LoadAverage()}");
        Console.WriteLine($"{"workload",-44} {"ours",14} {"reference",24} {"ratio",7}  goal");

        var random = new Random(96);
        if (!File.Exists(PariRunner.Executable))
        {
            Console.WriteLine($"{PariRunner.Executable} (PARI/GP) not installed: the PARI rows are skipped.");
        }
        else
        {
            rows.Add(VsPari("2^128+1", [(BigInteger.One << 128) + 1], quick ? 3 : 5, rounds));
            BigInteger[] semiprimes = [.. Enumerable.Range(0, quick ? 3 : 10).Select(_ => (BigInteger)RandomPrime(random, 64) * RandomPrime(random, 64))];
            rows.Add(VsPari($"product of two random 64-bit primes ({semiprimes.Length}, median)", semiprimes, quick ? 1 : 3, rounds));
        }
        if (jsonPath is not null)
        {
            BenchRow.WriteAll(jsonPath, rows);
        }
        return 0;
    }

    private static BenchRow VsPari(string what, BigInteger[] numbers, int repeats, int rounds)
    {
        var oursMs = new List<double>();
        var pariMs = new List<double>();
        foreach (BigInteger n in numbers)
        {
            BigInteger[] ours = PrimeFactorizer.Factor(n); // also the warm-up
            Check(ours.Aggregate(BigInteger.One, (a, b) => a * b) == n && ours.Length >= 2, $"{n}: ours {string.Join(' ', ours)}");
        }
        for (int r = 0; r < rounds; r++)
        {
            var roundOurs = new List<double>();
            foreach (BigInteger n in numbers)
            {
                var times = new List<double>();
                for (int i = 0; i < repeats; i++)
                {
                    times.Add(Time(() => PrimeFactorizer.Factor(n)));
                }
                roundOurs.Add(Median(times));
            }
            oursMs.Add(Median(roundOurs));
            IReadOnlyList<(double Milliseconds, BigInteger[] Factors)> pari = PariRunner.Run(numbers, repeats, TimeSpan.FromMinutes(10));
            for (int i = 0; i < numbers.Length; i++)
            {
                Check(pari[i].Factors.SequenceEqual(PrimeFactorizer.Factor(numbers[i])), $"{numbers[i]}: PARI {string.Join(' ', pari[i].Factors)}");
            }
            pariMs.Add(Median([.. pari.Select(p => p.Milliseconds)]));
        }
        double oursMedian = Median(oursMs), pariMedian = Median(pariMs);
        return Print(new BenchRow("kernel", what, Ms(oursMedian), "PARI/GP " + Ms(pariMedian), System.Math.Round(pariMedian / oursMedian, 2), GoalPari));
    }

    private static BenchRow Print(BenchRow row)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{row.What,-44} {row.Ours,14} {row.Reference,24} {row.Ratio,7:F2}  {row.Goal}"));
        return row;
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException("wrong answer: " + message);
        }
    }

    private static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        int c = values.Count;
        return c % 2 == 1 ? values[c / 2] : (values[(c / 2) - 1] + values[c / 2]) / 2;
    }

    private static string Ms(double ms) => string.Create(CultureInfo.InvariantCulture, $"{ms:F1} ms");

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private static ulong RandomPrime(Random random, int bits)
    {
        while (true)
        {
            ulong p = ((ulong)random.NextInt64() >> (64 - bits)) | (1UL << (bits - 1)) | 1;
            if (Primality.IsPrime(p))
            {
                return p;
            }
        }
    }
}
