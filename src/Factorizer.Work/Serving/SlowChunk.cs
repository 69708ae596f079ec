using System.Numerics;

namespace Factorizer.Work.Serving;

/// <summary>A chunk in work far longer than the rest, for the progress line.</summary>
/// <param name="Id">The chunk's id (its index in input order).</param>
/// <param name="Waiting">Its numbers with no result yet.</param>
/// <param name="Age">How long it has been in work this time.</param>
public sealed record SlowChunk(long Id, IReadOnlyList<BigInteger> Waiting, TimeSpan Age);
