using Factorizer.Pickle;
using Factorizer.Work.Jobs;

namespace Factorizer.Work.Worker;

/// <summary>
/// The outcomes of the chunk a worker is on, shared between the thread that factors (which adds)
/// and the lease heartbeat's timer (which takes what is finished for a partial report). Each
/// finished number is handed out once: by <see cref="TakeFinished"/> for a partial report, or by
/// <see cref="TakeRest"/> for the final one. Errors wait for the final report. For a packed chunk
/// the reports are packed: factorizations by index (<see cref="PackedResults"/>), and in the dict
/// only those with a factor past 64 bits.
/// </summary>
/// <param name="packed">True when the chunk came packed, so the server reads packed reports.</param>
internal sealed class ChunkProgress(bool packed = false)
{
    private readonly Lock _gate = new();
    private readonly List<WorkError> _errors = [];
    private readonly PackedResults _packed = new();
    private Dictionary<object, object?> _unreported = NewResults();

    /// <summary>Records one item's outcome (of a chunk in the dict form): a factorization to report, or an error.</summary>
    public void Add(NumberOutcome outcome) => Add(-1, outcome);

    /// <summary>Records the outcome of the item at <paramref name="index"/> in the chunk.</summary>
    public void Add(int index, NumberOutcome outcome)
    {
        lock (_gate)
        {
            if (outcome.Error is { } error)
            {
                _errors.Add(error);
            }
            else if (!(packed && index >= 0 && _packed.TryAdd(index, outcome.Factors!)))
            {
                _unreported[outcome.Number!] = outcome.Factors;
            }
        }
    }

    /// <summary>Records an error that is not about one number (a job that is not a list).</summary>
    public void Add(WorkError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        lock (_gate)
        {
            _errors.Add(error);
        }
    }

    /// <summary>A partial report of the numbers finished since the last take, or null when there are none.</summary>
    public ChunkReport? TakeFinished(long leaseId)
    {
        lock (_gate)
        {
            if (_unreported.Count == 0 && _packed.Length == 0)
            {
                return null;
            }
            return TakeLocked(leaseId, final: false, []);
        }
    }

    /// <summary>Gives back the numbers of a report that could not be sent, so a later report carries them.</summary>
    public void Return(ChunkReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        lock (_gate)
        {
            foreach ((object number, object? factors) in report.Results)
            {
                _unreported.TryAdd(number, factors);
            }
            if (report.Packed is { } records)
            {
                _packed.AddRecords(records);
            }
        }
    }

    /// <summary>The final report: everything not yet reported, and every error.</summary>
    public ChunkReport TakeRest(long leaseId)
    {
        lock (_gate)
        {
            WorkError[] errors = [.. _errors];
            _errors.Clear();
            return TakeLocked(leaseId, final: true, errors);
        }
    }

    private ChunkReport TakeLocked(long leaseId, bool final, IReadOnlyList<WorkError> errors)
    {
        Dictionary<object, object?> taken = _unreported;
        _unreported = NewResults();
        return new ChunkReport(leaseId, final, taken, errors) { Packed = packed ? _packed.Take() : null };
    }

    // Python's dict semantics for keys: 15 and BigInteger 15 are one key.
    private static Dictionary<object, object?> NewResults() => new(PyEqualityComparer.Instance);
}
