using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Factorizer.Bench;
using Factorizer.Math;

if (args.Length > 0 && args[0] == "wide") { return WideKernelBench.Run(args[1..]); } // see WideKernelBench
// Usage: Factorizer.Bench [runs] [scale]   (defaults: 5 runs, scale 1 = the workload sizes of bench/README.md)
int runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
double scale = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 1.0;
if (!File.Exists(GnuFactorRunner.Executable))
{
    Console.Error.WriteLine($"{GnuFactorRunner.Executable} (GNU coreutils) is needed for the comparison.");
    return 1;
}

Console.WriteLine($"Factorizer.Math vs GNU factor; median of {runs} runs; {Environment.ProcessorCount} CPUs; .NET {Environment.Version}");
Console.WriteLine("ours: single thread, in process, result arrays only; GNU: one `factor` process per run, all numbers on stdin,");
Console.WriteLine("      wall time including process start (~1 ms) and printing its output.");
Console.WriteLine();
Console.WriteLine($"{"workload",-28} {"count",7} {"ours ms",10} {"ours n/s",12} {"GNU ms",10} {"GNU n/s",12} {"ours/GNU",9}");

foreach (Workload workload in Workload.Standard(scale))
{
    string input = GnuFactorRunner.InputFor(workload.Numbers);
    string gnuOutput = GnuFactorRunner.Run(input, TimeSpan.FromMinutes(10));
    CheckSameAnswers(workload, gnuOutput);
    // The check above was the warm-up for both sides (JIT, page cache); timed runs follow.
    double ours = Median(runs, () => FactorAll(workload));
    double gnu = Median(runs, () => GnuFactorRunner.Run(input, TimeSpan.FromMinutes(10)));
    int count = workload.Numbers.Count;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{workload.Name,-28} {count,7} {ours,10:F1} {count / ours * 1000,12:N0} {gnu,10:F1} {count / gnu * 1000,12:N0} {ours / gnu,9:F2}"));
}
return 0;

// Factors every input once; ulong inputs use the ulong overload (the fast path callers would use).
static void FactorAll(Workload workload)
{
    if (workload.Words is { } words)
    {
        foreach (ulong n in words)
        {
            PrimeFactorizer.Factor(n);
        }
    }
    else
    {
        foreach (BigInteger n in workload.Numbers)
        {
            PrimeFactorizer.Factor(n);
        }
    }
}

// Median wall time in milliseconds of `runs` executions.
static double Median(int runs, Action action)
{
    var times = new double[runs];
    for (int i = 0; i < runs; i++)
    {
        var watch = Stopwatch.StartNew();
        action();
        times[i] = watch.Elapsed.TotalMilliseconds;
    }
    Array.Sort(times);
    return runs % 2 == 1 ? times[runs / 2] : (times[(runs / 2) - 1] + times[runs / 2]) / 2;
}

// A benchmark of wrong answers is worthless: compare every line with GNU factor's before timing.
static void CheckSameAnswers(Workload workload, string gnuOutput)
{
    var expected = new Dictionary<string, string>(StringComparer.Ordinal);
    foreach (string line in gnuOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
    {
        expected[line[..line.IndexOf(':', StringComparison.Ordinal)]] = line;
    }
    foreach (BigInteger n in workload.Numbers)
    {
        string key = n.ToString(CultureInfo.InvariantCulture);
        string ours = key + ":" + string.Concat(PrimeFactorizer.Factor(n).Select(f => " " + f.ToString(CultureInfo.InvariantCulture)));
        if (!expected.TryGetValue(key, out string? theirs) || theirs != ours)
        {
            throw new InvalidOperationException($"{workload.Name}: ours '{ours}' but GNU factor '{theirs}'");
        }
    }
}
