using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using Factorizer.Bench;
using Factorizer.Math;

// The kernel benchmark piece of the suite (bench/README.md): Factorizer.Math against a reference program on
// each workload of WorkloadCatalog, the two sides alternating, medians of the timed runs.
if (args.Length > 0 && args[0] == "wide") { return WideKernelBench.Run(args[1..]); } // 2^128+1 and 64-bit-prime semiprimes vs PARI/GP
BenchOptions? options = BenchOptions.Parse(args, out string? error);
if (options is null)
{
    Console.Error.WriteLine(error);
    return 2;
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"Factorizer.Math kernel vs reference; median of {options.Runs} alternating runs per side; scale {options.Scale}; {Environment.ProcessorCount} CPUs; .NET {Environment.Version}; load {LoadAverage()}"));
Console.WriteLine("ours: one thread, in process, result arrays only; reference: one process per run, all numbers on stdin,");
Console.WriteLine("      including process start (~1 ms) and printing its output. Times are CPU time (user+sys: our thread's,");
Console.WriteLine("      the child's) where the OS gives it, else wall time; 'wall' is the wall-clock ratio of the same runs.");
Console.WriteLine();
Console.WriteLine($"{"workload",-42} {"count",7} {"ours ms",10} {"ours",10} {"ref ms",10} {"reference",10} {"ratio",7} {"wall",7} {"goal",8}");

var rows = new List<BenchRow>();
foreach (Workload workload in WorkloadCatalog.All(options.Scale))
{
    rows.Add(Measure(workload, options.Runs));
}
if (options.JsonPath is { } path)
{
    BenchRow.WriteAll(path, rows);
}
return 0;

static BenchRow Measure(Workload workload, int runs)
{
    IReferenceFactorizer reference = workload.Reference;
    if (!reference.IsAvailable)
    {
        Console.WriteLine($"{workload.Name,-42} skipped: {reference.Name} is not installed");
        return new BenchRow("kernel", workload.Name, "", reference.Name, null, workload.Goal, $"{reference.Name} not installed");
    }
    TimeSpan timeout = TimeSpan.FromMinutes(10);
    // A benchmark of wrong answers is worthless: compare every answer before timing (this also warms up both sides).
    CheckSameAnswers(workload, reference.FactorAll(workload.Numbers, timeout));
    var ours = new Timing[runs];
    var theirs = new Timing[runs];
    for (int run = 0; run < runs; run++)
    {
        // Alternate which side goes first, so a load change between the two halves of a run hits both.
        if (run % 2 == 0)
        {
            ours[run] = Timing.OfOurs(() => FactorAll(workload));
            theirs[run] = Timing.OfChild(() => reference.FactorAll(workload.Numbers, timeout));
        }
        else
        {
            theirs[run] = Timing.OfChild(() => reference.FactorAll(workload.Numbers, timeout));
            ours[run] = Timing.OfOurs(() => FactorAll(workload));
        }
    }
    double oursWall = Median(ours.Select(t => t.WallMs)), theirsWall = Median(theirs.Select(t => t.WallMs));
    double wallRatio = System.Math.Round(theirsWall / oursWall, 2);
    // CPU time is what decides on a shared machine (wall time there mostly measures the scheduler); wall otherwise.
    bool cpu = ours.All(t => t.CpuMs > 0) && theirs.All(t => t.CpuMs > 0);
    double oursMs = cpu ? Median(ours.Select(t => t.CpuMs!.Value)) : oursWall;
    double theirsMs = cpu ? Median(theirs.Select(t => t.CpuMs!.Value)) : theirsWall;
    int count = workload.Numbers.Count;
    string oursRate = BenchRow.Rate(count / oursMs * 1000), theirsRate = BenchRow.Rate(count / theirsMs * 1000);
    double ratio = System.Math.Round(theirsMs / oursMs, 2);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{workload.Name,-42} {count,7} {oursMs,10:F1} {oursRate,10} {theirsMs,10:F1} {theirsRate,10} {ratio,7:F2} {wallRatio,7:F2} {workload.Goal,8}"));
    string note = cpu
        ? string.Create(CultureInfo.InvariantCulture, $"CPU time; wall-clock ratio {wallRatio:F2}")
        : "wall-clock time";
    return new BenchRow("kernel", string.Create(CultureInfo.InvariantCulture, $"kernel, {count:N0} {workload.Name}"), oursRate, $"{reference.Name} {theirsRate}", ratio, workload.Goal, note);
}

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

static double Median(IEnumerable<double> values)
{
    double[] sorted = [.. values.Order()];
    int middle = sorted.Length / 2;
    return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

static void CheckSameAnswers(Workload workload, IReadOnlyDictionary<string, string> expected)
{
    foreach (BigInteger n in workload.Numbers)
    {
        string key = n.ToString(CultureInfo.InvariantCulture);
        string ours = key + ":" + string.Concat(PrimeFactorizer.Factor(n).Select(f => " " + f.ToString(CultureInfo.InvariantCulture)));
        if (!expected.TryGetValue(key, out string? theirs) || theirs != ours)
        {
            throw new InvalidOperationException($"{workload.Name}: ours '{ours}' but the reference '{theirs}'");
        }
    }
}

static string LoadAverage()
{
    try
    {
        return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
    }
    catch (IOException)
    {
        return "unknown";
    }
}
