namespace Factorizer.Work.Durability;

/// <summary>A finished chunk as the journal keeps it.</summary>
/// <param name="Id">The chunk's id (its index in input order).</param>
/// <param name="Numbers">Numbers in the chunk.</param>
/// <param name="Text">Its output lines, each ending in a newline (numbers given up have none).</param>
/// <param name="Failures">Its numbers that failed or were given up, one line each.</param>
public sealed record DoneChunk(long Id, int Numbers, string Text, IReadOnlyList<string> Failures);
