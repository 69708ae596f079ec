using System.Text.Json;

namespace Factorizer.Pickle.Tests.Support;

/// <summary>One pickle of <c>Data/pickle_vectors.json</c>: the value's repr, the protocol, and the bytes.</summary>
public sealed record PickleVector(string Name, string Protocol, string Python, byte[] Bytes)
{
    /// <summary>Unique id for a theory row, e.g. <c>int_2p63/4</c>.</summary>
    public string Id => $"{Name}/{Protocol}";

    public override string ToString() => Id;
}

/// <summary>Loads <c>Data/pickle_vectors.json</c> (made by CPython 3.11.7; docs/protocol.md "Test data") once.</summary>
public static class PickleVectors
{
    private static readonly Lazy<(IReadOnlyList<PickleVector> Cases, IReadOnlyList<PickleVector> Writer)> Data = new(Load);

    /// <summary>The 332 <c>pickle.dumps</c> cases (protocols 2, 4, 5 and ForkingPickler's default).</summary>
    public static IReadOnlyList<PickleVector> Cases => Data.Value.Cases;

    /// <summary>The 26 minimal-writer examples (protocols 3 and 4).</summary>
    public static IReadOnlyList<PickleVector> WriterExamples => Data.Value.Writer;

    /// <summary>A case by <see cref="PickleVector.Id"/>.</summary>
    public static PickleVector Get(string id) => Cases.Concat(WriterExamples).Single(v => v.Id == id);

    /// <summary>Theory rows: the ids of every case.</summary>
    public static TheoryData<string> CaseIds() => [.. Cases.Select(c => c.Id)];

    /// <summary>Theory rows: the ids of every minimal-writer example.</summary>
    public static TheoryData<string> WriterExampleIds() => [.. WriterExamples.Select(c => c.Id)];

    private static (IReadOnlyList<PickleVector>, IReadOnlyList<PickleVector>) Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Data", "pickle_vectors.json");
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(path));
        return (Read(doc.RootElement.GetProperty("cases")), Read(doc.RootElement.GetProperty("minimal_writer_examples")));
    }

    private static List<PickleVector> Read(JsonElement array) =>
        [.. array.EnumerateArray().Select(e => new PickleVector(
            e.GetProperty("name").GetString()!,
            e.GetProperty("protocol").ToString(),
            e.GetProperty("python").GetString()!,
            Convert.FromHexString(e.GetProperty("hex").GetString()!)))];
}
