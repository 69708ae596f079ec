using Factorizer.Pickle;
using Factorizer.Work.Jobs;

namespace Factorizer.Work.Worker;

/// <summary>
/// The outcomes of the chunk a worker is on, shared between the thread that factors (which adds)
/// and the lease heartbeat's timer (which takes what is finished for a partial report). Each
/// finished number is handed out once: by <see cref="TakeFinished"/> for a partial report, or by
/// <see cref="TakeRest"/> for the final one. Errors wait for the final report.
/// </summary>
internal sealed class ChunkProgress
{
    private readonly Lock _gate = new();
    private readonly List<WorkError> _errors = [];
    private Dictionary<object, object?> _unreported = NewResults();

    /// <summary>Records one item's outcome: a factorization to report, or an error.</summary>
    public void Add(NumberOutcome outcome)
    {
        lock (_gate)
        {
            if (outcome.Error is { } error)
            {
                _errors.Add(error);
            }
            else
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

    /// <summary>The numbers finished since the last take, or null when there are none.</summary>
    public Dictionary<object, object?>? TakeFinished()
    {
        lock (_gate)
        {
            if (_unreported.Count == 0)
            {
                return null;
            }
            Dictionary<object, object?> taken = _unreported;
            _unreported = NewResults();
            return taken;
        }
    }

    /// <summary>Gives back numbers taken for a report that could not be sent, so a later report carries them.</summary>
    public void Return(Dictionary<object, object?> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        lock (_gate)
        {
            foreach ((object number, object? factors) in results)
            {
                _unreported.TryAdd(number, factors);
            }
        }
    }

    /// <summary>Everything not yet reported, and every error: the final report's content.</summary>
    public (Dictionary<object, object?> Results, IReadOnlyList<WorkError> Errors) TakeRest()
    {
        lock (_gate)
        {
            Dictionary<object, object?> taken = _unreported;
            _unreported = NewResults();
            WorkError[] errors = [.. _errors];
            _errors.Clear();
            return (taken, errors);
        }
    }

    // Python's dict semantics for keys: 15 and BigInteger 15 are one key.
    private static Dictionary<object, object?> NewResults() => new(PyEqualityComparer.Instance);
}
