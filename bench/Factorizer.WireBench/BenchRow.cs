using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Factorizer.WireBench;

/// <summary>One figure of the suite's table (bench/README.md: the row format every piece writes).</summary>
internal sealed record BenchRow(string Section, string What, string Ours, string Reference, double? Ratio, string Goal)
{
    public static void Print(IReadOnlyList<BenchRow> rows)
    {
        Console.WriteLine();
        Console.WriteLine($"{"section",-8} {"what",-62} {"ours",-26} {"reference",-40} {"ratio",6}  goal");
        foreach (BenchRow r in rows)
        {
            string ratio = r.Ratio is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) : "-";
            Console.WriteLine($"{r.Section,-8} {r.What,-62} {r.Ours,-26} {r.Reference,-40} {ratio,6}  {r.Goal}");
        }
    }

    public static void WriteJson(string path, IReadOnlyList<BenchRow> rows)
    {
        using FileStream file = File.Create(path);
        using var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartArray();
        foreach (BenchRow r in rows)
        {
            json.WriteStartObject();
            json.WriteString("section", r.Section);
            json.WriteString("what", r.What);
            json.WriteString("ours", r.Ours);
            json.WriteString("reference", r.Reference);
            if (r.Ratio is { } ratio)
            {
                json.WriteNumber("ratio", System.Math.Round(ratio, 2));
            }
            else
            {
                json.WriteNull("ratio");
            }
            json.WriteString("goal", r.Goal);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    /// <summary>A rate as the table shows it: 9.8k/s.</summary>
    public static string Rate(double perSecond) => perSecond >= 1000
        ? (perSecond / 1000).ToString("0.0", CultureInfo.InvariantCulture) + "k/s"
        : perSecond.ToString("0", CultureInfo.InvariantCulture) + "/s";

    public static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
