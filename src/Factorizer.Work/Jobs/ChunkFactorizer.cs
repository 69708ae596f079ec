using System.Numerics;
using Factorizer.Math;
using Factorizer.Pickle;

namespace Factorizer.Work.Jobs;

/// <summary>
/// A worker's unit of work: factor every number of a job chunk (a Python list of ints) into a result
/// dict int → list of prime factors, ascending with multiplicity — the seed's shapes exactly.
/// </summary>
public static class ChunkFactorizer
{
    /// <summary>Factors <paramref name="chunk"/>; throws <see cref="InvalidDataException"/> for a chunk of the wrong shape.</summary>
    public static Dictionary<object, object?> Factor(object? chunk)
    {
        IEnumerable<object?> items = chunk switch
        {
            List<object?> list => list,
            PyTuple tuple => tuple,
            _ => throw new InvalidDataException($"a job must be a list of ints, not {PyRepr.Of(chunk, 60)}"),
        };
        var result = new Dictionary<object, object?>(PyEqualityComparer.Instance);
        foreach (object? item in items)
        {
            switch (item)
            {
                case long n when n >= 0:
                    result[n] = ToList(PrimeFactorizer.Factor((ulong)n));
                    break;
                case BigInteger big when big.Sign >= 0:
                    result[big] = big <= ulong.MaxValue
                        ? ToList(PrimeFactorizer.Factor((ulong)big))
                        : PrimeFactorizer.Factor(big).Select(Normalize).ToList();
                    break;
                default:
                    throw new InvalidDataException($"a job item must be a non-negative int, not {PyRepr.Of(item, 60)}");
            }
        }
        return result;
    }

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
