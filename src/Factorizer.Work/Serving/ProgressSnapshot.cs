using System.Globalization;

namespace Factorizer.Work.Serving;

/// <summary>Where a run stands, for the progress line.</summary>
/// <param name="ChunksDone">Chunks verified.</param>
/// <param name="ChunksTotal">Chunks in the run.</param>
/// <param name="NumbersDone">Numbers verified.</param>
/// <param name="NumbersTotal">Numbers in the run.</param>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="Clients">Distinct clients connected.</param>
/// <param name="Workers">Worker connections (call channels) open.</param>
internal sealed record ProgressSnapshot(long ChunksDone, long ChunksTotal, long NumbersDone, long NumbersTotal, TimeSpan Elapsed, int Clients, int Workers)
{
    /// <summary>One line: counts, percentage, rate, ETA, clients and workers.</summary>
    public string Format()
    {
        double rate = Elapsed.TotalSeconds > 0 ? NumbersDone / Elapsed.TotalSeconds : 0;
        double percent = NumbersTotal > 0 ? 100.0 * NumbersDone / NumbersTotal : 100;
        string eta = rate > 0 && NumbersDone < NumbersTotal
            ? FormatDuration(TimeSpan.FromSeconds((NumbersTotal - NumbersDone) / rate))
            : "--";
        return string.Create(CultureInfo.InvariantCulture,
            $"chunks {ChunksDone}/{ChunksTotal}, numbers {NumbersDone}/{NumbersTotal} ({percent:0.0}%), {rate:0} numbers/s, ETA {eta}, {Clients} clients, {Workers} workers");
    }

    private static string FormatDuration(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:00}m" : t.TotalMinutes >= 1 ? $"{t.Minutes}m{t.Seconds:00}s" : $"{t.TotalSeconds:0}s";
}
