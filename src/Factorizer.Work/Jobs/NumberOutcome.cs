namespace Factorizer.Work.Jobs;

/// <summary>
/// What became of one job item: its factorization (<see cref="Number"/> → <see cref="Factors"/>), or
/// the <see cref="Error"/> met on it. Exactly one of the two is set.
/// </summary>
/// <param name="Number">The number as a result-dict key (a <see cref="long"/> or a <see cref="System.Numerics.BigInteger"/>); null on error.</param>
/// <param name="Factors">Its prime factors, ascending with multiplicity, as Python ints; null on error.</param>
/// <param name="Error">Why the item could not be done; null on success.</param>
public readonly record struct NumberOutcome(object? Number, List<object?>? Factors, WorkError? Error)
{
    /// <summary>True when the item was factored.</summary>
    public bool Succeeded => Error is null;
}
