using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Factorizer.Math.Siqs;

/// <summary>
/// Finds subsets of relations whose factor exponents are all even: the null space of the exponent-parity
/// matrix over GF(2), by Gaussian elimination on bit-packed rows, each carrying the set of relations it is
/// the sum of. Relations with a prime of odd exponent that no other kept relation has (a singleton) can be
/// in no subset, so they are dropped first, which shrinks the matrix by a good part at the sizes SIQS here
/// produces. Dense, so quadratic-cubic in size: fine for the few thousand columns SIQS here produces.
/// </summary>
internal static class Gf2Solver
{
    /// <summary>Sets of relation indices, each combining to all-even exponents over <paramref name="columns"/> primes.</summary>
    public static List<int[]> Dependencies(IReadOnlyList<Relation> relations, int columns, CancellationToken cancellationToken)
    {
        List<ulong[]> parities = [.. relations.Select(relation => Parity(relation, columns))];
        int[] kept = WithoutSingletons(parities, columns);
        int rows = kept.Length;
        int primeWords = (columns + 63) / 64, historyWords = (rows + 63) / 64, width = primeWords + historyWords;
        var matrix = new ulong[rows * width];
        for (int r = 0; r < rows; r++)
        {
            parities[kept[r]].CopyTo(matrix.AsSpan(r * width, primeWords));
            matrix[(r * width) + primeWords + (r >> 6)] |= 1UL << r;
        }
        var isPivot = new bool[rows];
        for (int column = 0; column < columns; column++)
        {
            if ((column & 63) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            int word = column >> 6;
            ulong bit = 1UL << column;
            int pivot = -1;
            for (int r = 0; r < rows; r++)
            {
                if (!isPivot[r] && (matrix[(r * width) + word] & bit) != 0)
                {
                    pivot = r;
                    break;
                }
            }
            if (pivot < 0)
            {
                continue;
            }
            isPivot[pivot] = true;
            // Words below `word` of the pivot row are zero in every remaining column already handled, so XOR from `word` on.
            for (int r = pivot + 1; r < rows; r++)
            {
                if (!isPivot[r] && (matrix[(r * width) + word] & bit) != 0)
                {
                    XorInto(matrix, (r * width) + word, (pivot * width) + word, width - word);
                }
            }
        }
        var dependencies = new List<int[]>();
        for (int r = 0; r < rows; r++)
        {
            if (isPivot[r])
            {
                continue;
            }
            ReadOnlySpan<ulong> history = matrix.AsSpan((r * width) + primeWords, historyWords);
            var members = new List<int>();
            for (int i = 0; i < rows; i++)
            {
                if ((history[i >> 6] & (1UL << i)) != 0)
                {
                    members.Add(kept[i]);
                }
            }
            dependencies.Add([.. members]);
        }
        return dependencies;
    }

    /// <summary>The relation's exponent parities, one bit per prime.</summary>
    private static ulong[] Parity(Relation relation, int columns)
    {
        var row = new ulong[(columns + 63) / 64];
        foreach (int f in relation.Factors)
        {
            row[f >> 6] ^= 1UL << f;
        }
        return row;
    }

    /// <summary>
    /// Indices of the rows that remain after repeatedly dropping every row with a column set in no other
    /// remaining row (such a row is in no dependency).
    /// </summary>
    private static int[] WithoutSingletons(List<ulong[]> rows, int columns)
    {
        var alive = new bool[rows.Count];
        Array.Fill(alive, true);
        var counts = new int[columns];
        for (int r = 0; r < rows.Count; r++)
        {
            ForEachSetBit(rows[r], column => counts[column]++);
        }
        bool dropped = true;
        while (dropped)
        {
            dropped = false;
            for (int r = 0; r < rows.Count; r++)
            {
                if (alive[r] && HasSingleton(rows[r], counts))
                {
                    alive[r] = false;
                    dropped = true;
                    ForEachSetBit(rows[r], column => counts[column]--);
                }
            }
        }
        return [.. Enumerable.Range(0, rows.Count).Where(r => alive[r])];
    }

    private static bool HasSingleton(ulong[] row, int[] counts)
    {
        for (int w = 0; w < row.Length; w++)
        {
            for (ulong bits = row[w]; bits != 0; bits &= bits - 1)
            {
                if (counts[(w << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits)] == 1)
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static void ForEachSetBit(ulong[] row, Action<int> action)
    {
        for (int w = 0; w < row.Length; w++)
        {
            for (ulong bits = row[w]; bits != 0; bits &= bits - 1)
            {
                action((w << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits));
            }
        }
    }

    /// <summary>matrix[target..target+length) ^= matrix[source..source+length), four words at a time.</summary>
    private static void XorInto(ulong[] matrix, int target, int source, int length)
    {
        ref ulong t = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(matrix), target);
        ref ulong s = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(matrix), source);
        int i = 0;
        for (; i + Vector256<ulong>.Count <= length; i += Vector256<ulong>.Count)
        {
            (Vector256.LoadUnsafe(ref t, (nuint)i) ^ Vector256.LoadUnsafe(ref s, (nuint)i)).StoreUnsafe(ref t, (nuint)i);
        }
        for (; i < length; i++)
        {
            Unsafe.Add(ref t, i) ^= Unsafe.Add(ref s, i);
        }
    }
}
