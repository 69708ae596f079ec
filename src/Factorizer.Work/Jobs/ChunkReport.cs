using Factorizer.Pickle;

namespace Factorizer.Work.Jobs;

/// <summary>
/// What one of our workers puts into the result queue for a chunk it reserved: the lease it holds,
/// the factorizations it found (a dict n → prime factors, the seed's result shape), and the numbers
/// or items it could not do. A <see cref="Final"/> report ends the lease (the server acks it on
/// receipt); a partial one keeps it and hands in the numbers finished so far, so one slow number
/// leaves only itself outstanding. A final report carries only the numbers not already sent in that
/// lease's partial reports (plus every error), so the server merges a lease's reports; a chunk
/// finished before its first heartbeat has all its numbers in the final report. The seed's Python workers put a bare result dict instead, which
/// the server matches to its chunk by content.
/// </summary>
/// <remarks>
/// On the wire: <c>('factor-result' | 'factor-partial', lease_id, {n: [p, ...]}, [(subject, type, message, stack), ...])</c>;
/// a worker that reserved a packed chunk (<see cref="JobWire.ReservePackedMethod"/>) sends
/// <c>('factor-result-packed' | 'factor-partial-packed', lease_id, records, {n: [p, ...]}, errors)</c>,
/// where <c>records</c> (bytes, <see cref="PackedResults"/>) holds the factorizations by index in
/// the chunk and the dict only those with a factor past 64 bits.
/// </remarks>
/// <param name="LeaseId">The lease of the chunk's reservation.</param>
/// <param name="Final">True when the worker is done with the chunk.</param>
/// <param name="Results">Number → list of its prime factors (Python ints).</param>
/// <param name="Errors">Numbers (or unreadable items) the worker failed on.</param>
public sealed record ChunkReport(long LeaseId, bool Final, Dictionary<object, object?> Results, IReadOnlyList<WorkError> Errors)
{
    /// <summary>Tag of a final report.</summary>
    public const string FinalTag = "factor-result";

    /// <summary>Tag of a partial report.</summary>
    public const string PartialTag = "factor-partial";

    /// <summary>Tag of a final packed report.</summary>
    public const string FinalPackedTag = "factor-result-packed";

    /// <summary>Tag of a partial packed report.</summary>
    public const string PartialPackedTag = "factor-partial-packed";

    /// <summary>Factorizations by index in the chunk (<see cref="PackedResults"/> records); null in a report of the dict form.</summary>
    public byte[]? Packed { get; init; }

    /// <summary>The report as a pickle value.</summary>
    public PyTuple ToWire()
    {
        List<object?> errors = [.. Errors.Select(e => (object?)new PyTuple(e.Subject, e.Type, e.Message, e.Stack))];
        return Packed is null
            ? new(Final ? FinalTag : PartialTag, LeaseId, Results, errors)
            : new(Final ? FinalPackedTag : PartialPackedTag, LeaseId, Packed, Results, errors);
    }

    /// <summary>
    /// Reads a report from a result-queue value. False when the value is not tagged as a report (a
    /// bare result dict, say); a tagged value of the wrong shape throws <see cref="InvalidDataException"/>.
    /// </summary>
    public static bool TryRead(object? value, out ChunkReport? report)
    {
        report = null;
        if (value is not PyTuple { Count: > 0 } tuple || tuple[0] is not (FinalTag or PartialTag or FinalPackedTag or PartialPackedTag))
        {
            return false;
        }
        string tag = (string)tuple[0]!;
        bool packed = tag is FinalPackedTag or PartialPackedTag;
        int rest = packed ? 3 : 2; // where the dict is
        if (tuple.Count != rest + 2 || tuple[1] is not long leaseId || (packed && tuple[2] is not byte[])
            || tuple[rest] is not Dictionary<object, object?> results || tuple[rest + 1] is not List<object?> errors)
        {
            throw new InvalidDataException(packed
                ? $"a {tag} report must be (tag, lease_id, bytes, dict, list), not {PyRepr.Of(value, 80)}"
                : $"a {tag} report must be (tag, lease_id, dict, list), not {PyRepr.Of(value, 80)}");
        }
        var read = new List<WorkError>(errors.Count);
        foreach (object? error in errors)
        {
            if (error is not PyTuple { Count: 4 } e || e[0] is not string subject || e[1] is not string type || e[2] is not string message || e[3] is not string stack)
            {
                throw new InvalidDataException($"a report's error must be (subject, type, message, stack) strings, not {PyRepr.Of(error, 80)}");
            }
            read.Add(new WorkError(subject, type, message, stack));
        }
        report = new ChunkReport(leaseId, tag is FinalTag or FinalPackedTag, results, read) { Packed = packed ? (byte[])tuple[2]! : null };
        return true;
    }
}
