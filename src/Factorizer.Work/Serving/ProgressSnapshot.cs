using System.Globalization;
using System.Numerics;

namespace Factorizer.Work.Serving;

/// <summary>Where a run stands: what any progress view (terminal line, log lines) shows.</summary>
/// <param name="ChunksDone">Chunks verified.</param>
/// <param name="ChunksTotal">Chunks in the run.</param>
/// <param name="NumbersDone">Numbers verified.</param>
/// <param name="NumbersTotal">Numbers in the run.</param>
/// <param name="Elapsed">Time since the first chunk was handed out.</param>
/// <param name="Clients">Distinct clients connected.</param>
/// <param name="Workers">Worker connections (call channels) open.</param>
internal sealed record ProgressSnapshot(long ChunksDone, long ChunksTotal, long NumbersDone, long NumbersTotal, TimeSpan Elapsed, int Clients, int Workers)
{
    /// <summary>Chunks in work far longer than the rest, longest first.</summary>
    public IReadOnlyList<SlowChunk> Slow { get; init; } = [];

    /// <summary>One line: counts, percentage, rate, ETA, clients and workers, and the slow numbers if any.</summary>
    public string Format()
    {
        double rate = Elapsed.TotalSeconds > 0 ? NumbersDone / Elapsed.TotalSeconds : 0;
        double percent = NumbersTotal > 0 ? 100.0 * NumbersDone / NumbersTotal : 100;
        long remaining = NumbersTotal - NumbersDone;
        long slowNumbers = Slow.Sum(s => (long)s.Waiting.Count);
        string eta = remaining <= 0 ? "--"
            : rate <= 0 || remaining <= slowNumbers ? "unknown" // only slow numbers left: the rate says nothing about them
            : FormatDuration(TimeSpan.FromSeconds(System.Math.Max(1, remaining / rate)));
        string line = string.Create(CultureInfo.InvariantCulture,
            $"chunks {ChunksDone}/{ChunksTotal}, numbers {NumbersDone}/{NumbersTotal} ({percent:0.0}%), {rate:0} numbers/s, ETA {eta}, {Clients} clients, {Workers} workers");
        if (Slow.Count > 0)
        {
            line += "; slow: " + string.Join(", ", Slow.Select(s => $"{Numbers(s.Waiting)} ({FormatDuration(s.Age)})"));
        }
        return line;
    }

    /// <summary>The waiting numbers, cut short: a slow chunk may hold many, and a number may be long.</summary>
    private static string Numbers(IReadOnlyList<BigInteger> waiting)
    {
        IEnumerable<string> shown = waiting.Take(2).Select(n => n.ToString(CultureInfo.InvariantCulture) is var t && t.Length > 40 ? t[..20] + "…" + t[^8..] : t);
        return string.Join(" ", shown) + (waiting.Count > 2 ? $" +{waiting.Count - 2} more" : "");
    }

    private static string FormatDuration(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:00}m" : t.TotalMinutes >= 1 ? $"{t.Minutes}m{t.Seconds:00}s" : $"{t.TotalSeconds:0}s";
}
