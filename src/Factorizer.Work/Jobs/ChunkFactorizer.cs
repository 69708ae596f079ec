using System.Numerics;
using Factorizer.Math;
using Factorizer.Pickle;

namespace Factorizer.Work.Jobs;

/// <summary>
/// A worker's unit of work: factor every number of a job chunk (a Python list of ints) into a result
/// dict int → list of prime factors, ascending with multiplicity — the seed's shapes exactly.
/// Workers go number by number (<see cref="FactorOne(object?)"/>), so an item that cannot be done costs only
/// itself: a peer may put anything into the job queue, and no job may stop a worker.
/// </summary>
public static class ChunkFactorizer
{
    /// <summary>The type name errors about unreadable jobs and items carry.</summary>
    public const string InvalidDataType = nameof(InvalidDataException);

    /// <summary>Longest repr of a bad job or item quoted in an error.</summary>
    private const int ReprLength = 60;

    /// <summary>
    /// Factors <paramref name="chunk"/> all or nothing; throws <see cref="InvalidDataException"/> for a
    /// chunk of the wrong shape or an item that is not a non-negative int.
    /// </summary>
    public static Dictionary<object, object?> Factor(object? chunk)
    {
        if (!TryItems(chunk, out IReadOnlyList<object?> items, out WorkError? shape))
        {
            throw new InvalidDataException(shape!.Message);
        }
        var result = new Dictionary<object, object?>(PyEqualityComparer.Instance);
        foreach (object? item in items)
        {
            NumberOutcome outcome = FactorOne(item);
            if (outcome.Error is { } error)
            {
                throw new InvalidDataException(error.Message);
            }
            result[outcome.Number!] = outcome.Factors;
        }
        return result;
    }

    /// <summary>
    /// The items of a job, or (false) the error that says why <paramref name="chunk"/> is not a job:
    /// a list or tuple is one; anything else (a str a Python peer put, None…) is not.
    /// </summary>
    public static bool TryItems(object? chunk, out IReadOnlyList<object?> items, out WorkError? error)
    {
        switch (chunk)
        {
            case List<object?> list:
                items = list;
                error = null;
                return true;
            case PyTuple tuple:
                items = tuple;
                error = null;
                return true;
            default:
                items = [];
                string repr = PyRepr.Of(chunk, ReprLength);
                error = new WorkError(repr, InvalidDataType, $"a job must be a list of ints, not {repr}", "");
                return false;
        }
    }

    /// <summary>
    /// Factors one job item. Never throws (but for running out of memory): an item that is not a
    /// non-negative int, or a number the factorizer fails on, comes back as the outcome's error.
    /// </summary>
    public static NumberOutcome FactorOne(object? item) => FactorOne(item, FactorNumber);

    /// <summary><see cref="FactorOne(object?)"/> with the factorizer given (tests put in one that fails).</summary>
    internal static NumberOutcome FactorOne(object? item, Func<object, List<object?>> factor)
    {
        if (item is not (long and >= 0 or BigInteger { Sign: >= 0 }))
        {
            // bool is not long here (unlike Python, where True is an int): True is no number to factor.
            string repr = PyRepr.Of(item, ReprLength);
            return new NumberOutcome(null, null, new WorkError(repr, InvalidDataType, $"a job item must be a non-negative int, not {repr}", ""));
        }
        try
        {
            return new NumberOutcome(item, factor(item), null);
        }
        catch (NumberTimeoutException e)
        {
            return new NumberOutcome(null, null, new WorkError(Subject(item), JobWire.NumberTimeoutError, e.Message, ""));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug in the factorizer must cost this number only; the report carries it to the server.
            return new NumberOutcome(null, null, new WorkError(Subject(item), e.GetType().Name, e.Message, e.StackTrace ?? ""));
        }
    }

    /// <summary>The prime factors of a non-negative <see cref="long"/> or <see cref="BigInteger"/>, as Python ints.</summary>
    internal static List<object?> FactorNumber(object number) => number switch
    {
        long n => ToList(PrimeFactorizer.Factor((ulong)n)),
        BigInteger big when big <= ulong.MaxValue => ToList(PrimeFactorizer.Factor((ulong)big)),
        BigInteger big => PrimeFactorizer.Factor(big).Select(Normalize).ToList(),
        _ => throw new ArgumentException($"not a number: {PyRepr.Of(number, ReprLength)}", nameof(number)),
    };

    /// <summary>
    /// <see cref="FactorNumber"/> that gives up after <paramref name="limit"/> of work
    /// (<see cref="NumberTimeoutException"/>). Numbers below 2^64 take microseconds and are not timed.
    /// </summary>
    internal static Func<object, List<object?>> Within(TimeSpan limit) => number =>
    {
        if (number is not BigInteger big || big <= ulong.MaxValue)
        {
            return FactorNumber(number);
        }
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            return PrimeFactorizer.Factor(big, timeout.Token).Select(Normalize).ToList();
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new NumberTimeoutException($"no result after {limit.TotalSeconds:0.###} s of work on it (--number-timeout)");
        }
    };

    /// <summary>
    /// The items in the order to work on them: numbers below 2^64 (microseconds each) first, then the
    /// larger ones, smallest first. Only a number past 64 bits can take long, so one slow number
    /// leaves the rest of its chunk finished and handed in with the next partial report.
    /// </summary>
    public static IEnumerable<object?> QuickFirst(IReadOnlyList<object?> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return items.Any(IsLarge) ? QuickFirstOrder(items).Select(i => items[i]) : items;
    }

    /// <summary><see cref="QuickFirst"/> as indexes into <paramref name="items"/>.</summary>
    public static IEnumerable<int> QuickFirstOrder(IReadOnlyList<object?> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        IEnumerable<int> order = Enumerable.Range(0, items.Count);
        return items.Any(IsLarge)
            ? order.OrderBy(i => items[i] is BigInteger b && b > ulong.MaxValue ? b : BigInteger.Zero) // stable: small ones keep their order
            : order;
    }

    private static bool IsLarge(object? item) => item is BigInteger b && b > ulong.MaxValue;

    /// <summary>The decimal text of a number, as a <see cref="WorkError.Subject"/>.</summary>
    public static string Subject(object number) =>
        Convert.ToString(number, System.Globalization.CultureInfo.InvariantCulture) ?? "";

    private static List<object?> ToList(ulong[] factors)
    {
        var list = new List<object?>(factors.Length);
        foreach (ulong p in factors)
        {
            list.Add(p <= long.MaxValue ? (object)(long)p : (BigInteger)p); // (object): else the ?: is BigInteger
        }
        return list;
    }

    private static object? Normalize(BigInteger value) => value <= long.MaxValue ? (object)(long)value : value;
}
