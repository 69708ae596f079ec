using System.Numerics;

namespace Factorizer.Bench;

/// <summary>A program ours is compared with: it factors a whole workload in one run, timed from outside.</summary>
internal interface IReferenceFactorizer
{
    /// <summary>How the table names it, e.g. "GNU factor".</summary>
    string Name { get; }

    /// <summary>False when the program is not installed (the workload is then skipped with a note).</summary>
    bool IsAvailable { get; }

    /// <summary>
    /// Factors every number in one run and returns its answers as GNU-style lines (<c>n: p1 p2 ...</c>, ascending)
    /// keyed by the number's decimal text, for the correctness check before timing.
    /// </summary>
    IReadOnlyDictionary<string, string> FactorAll(IReadOnlyList<BigInteger> numbers, TimeSpan timeout);
}
