using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Factorizer.Bench;

/// <summary>One row of the suite's JSON (bench/README.md): ratio above 1 means ours is faster.</summary>
internal sealed record BenchRow(
    [property: JsonPropertyName("section")] string Section,
    [property: JsonPropertyName("what")] string What,
    [property: JsonPropertyName("ours")] string Ours,
    [property: JsonPropertyName("reference")] string Reference,
    [property: JsonPropertyName("ratio")] double? Ratio,
    [property: JsonPropertyName("goal")] string Goal,
    [property: JsonPropertyName("note")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Note = null)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A rate the way the issue writes them: 632k/s, 57.6k/s, 1,890/s, 12.5/s.</summary>
    public static string Rate(double perSecond) => perSecond switch
    {
        >= 100_000 => string.Create(CultureInfo.InvariantCulture, $"{perSecond / 1000:F0}k/s"),
        >= 10_000 => string.Create(CultureInfo.InvariantCulture, $"{perSecond / 1000:F1}k/s"),
        >= 100 => string.Create(CultureInfo.InvariantCulture, $"{perSecond:N0}/s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{perSecond:F1}/s"),
    };

    public static void WriteAll(string path, IReadOnlyList<BenchRow> rows) =>
        File.WriteAllText(path, JsonSerializer.Serialize(rows, Indented) + "\n");
}
