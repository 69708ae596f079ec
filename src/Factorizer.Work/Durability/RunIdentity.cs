namespace Factorizer.Work.Durability;

/// <summary>
/// What a journal belongs to: the input's fingerprint and every setting that decides which numbers
/// go in which chunk. A journal made for another identity is refused, never silently used;
/// settings that do not change the chunks (port, procs, time-to-run) are not part of it.
/// </summary>
public sealed class RunIdentity
{
    /// <summary>An identity from its fields (name → value).</summary>
    public RunIdentity(IReadOnlyDictionary<string, string> fields) => Fields = fields ?? throw new ArgumentNullException(nameof(fields));

    /// <summary>The fields, e.g. <c>input</c> and <c>chunk-size</c>.</summary>
    public IReadOnlyDictionary<string, string> Fields { get; }

    /// <summary>The identity of a run over <paramref name="inputFingerprint"/> cut into chunks of <paramref name="chunkSize"/>.</summary>
    public static RunIdentity Of(string inputFingerprint, int chunkSize) => new(new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["input"] = inputFingerprint,
        ["chunk-size"] = chunkSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    /// <summary>Throws <see cref="JournalException"/> naming the first field that differs from <paramref name="journal"/>'s.</summary>
    public void CheckSame(RunIdentity journal)
    {
        ArgumentNullException.ThrowIfNull(journal);
        foreach (string key in Fields.Keys.Union(journal.Fields.Keys).Order(StringComparer.Ordinal))
        {
            string mine = Fields.GetValueOrDefault(key) ?? "(none)";
            string theirs = journal.Fields.GetValueOrDefault(key) ?? "(none)";
            if (mine != theirs)
            {
                throw new JournalException(
                    $"the journal in --data-dir is for another run ({key}: the journal has {Cli.DisplayText.QuotePath(theirs)}, this run {Cli.DisplayText.QuotePath(mine)}); " +
                    "give the same input and --chunk-size, or another --data-dir");
            }
        }
    }
}
