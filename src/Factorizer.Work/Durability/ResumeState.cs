namespace Factorizer.Work.Durability;

/// <summary>What a journal says an earlier run got done (all zero for a new journal).</summary>
public sealed class ResumeState
{
    /// <summary>Chunks written to the output, in order, and flushed.</summary>
    public long ChunksWritten { get; set; }

    /// <summary>Lines those chunks wrote.</summary>
    public long LinesWritten { get; set; }

    /// <summary>Bytes of output they take: the output file is cut back to this before the run goes on.</summary>
    public long OutputBytes { get; set; }

    /// <summary>Chunks done beyond <see cref="ChunksWritten"/>, by id: written again from here, not recomputed.</summary>
    public Dictionary<long, DoneChunk> Pending { get; } = [];

    /// <summary>Failures (numbers failed or given up) of the chunks already written.</summary>
    public List<string> Failures { get; } = [];

    /// <summary>Whether the run finished.</summary>
    public bool Finished { get; set; }

    /// <summary>Valid records read.</summary>
    public long Records { get; set; }

    /// <summary>Whether an earlier run did anything at all.</summary>
    public bool HasProgress => ChunksWritten > 0 || Pending.Count > 0 || Finished;
}
