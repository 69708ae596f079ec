using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Factorizer.Math.Siqs;

/// <summary>
/// Finds subsets of relations whose factor exponents are all even: the null space of the exponent-parity
/// matrix over GF(2), by Gaussian elimination on bit-packed rows, each carrying the set of relations it is
/// the sum of. Dense, so quadratic-cubic in size: fine for the few thousand columns SIQS here produces.
/// </summary>
internal static class Gf2Solver
{
    /// <summary>
    /// Sets of relation indices, each combining to all-even exponents over <paramref name="columns"/> primes.
    /// The elimination runs on the first enumeration; each set is read off only when asked for, since the
    /// first one or two usually split N.
    /// </summary>
    public static IEnumerable<int[]> Dependencies(IReadOnlyList<Relation> relations, int columns, CancellationToken cancellationToken)
    {
        int rows = relations.Count;
        int primeWords = (columns + 63) / 64, historyWords = (rows + 63) / 64, width = primeWords + historyWords;
        // Columns in reverse prime order: the large primes, in few relations each, are eliminated first, so
        // each pivot is added to few rows and the matrix fills in late (about a third of the work of base order).
        var matrix = new ulong[rows * width];
        for (int r = 0; r < rows; r++)
        {
            foreach (int f in relations[r].Factors)
            {
                int c = columns - 1 - f;
                matrix[(r * width) + (c >> 6)] ^= 1UL << c;
            }
            matrix[(r * width) + primeWords + (r >> 6)] |= 1UL << r;
        }
        // Rows not yet used as a pivot; once every column is handled, their prime bits are all zero. The word
        // of the current 64 columns of each active row is also kept side by side, where testing bits is cheap.
        int[] active = [.. Enumerable.Range(0, rows)];
        var words = new ulong[rows];
        int activeCount = rows;
        for (int column = 0; column < columns; column++)
        {
            if ((column & 63) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (int k = 0; k < activeCount; k++)
                {
                    words[k] = matrix[(active[k] * width) + (column >> 6)];
                }
            }
            activeCount = EliminateColumn(matrix, width, column, active, words, activeCount);
        }
        for (int k = 0; k < activeCount; k++)
        {
            yield return Members(matrix.AsSpan((active[k] * width) + primeWords, historyWords));
        }
    }

    /// <summary>
    /// Takes the first active row with <paramref name="column"/> set as its pivot (removing it from the
    /// active rows) and adds it to every other active row with that bit; returns the new active count.
    /// </summary>
    private static int EliminateColumn(ulong[] matrix, int width, int column, int[] active, ulong[] words, int activeCount)
    {
        int word = column >> 6;
        ulong bit = 1UL << column;
        int k = 0;
        while (k < activeCount && (words[k] & bit) == 0)
        {
            k++;
        }
        if (k == activeCount)
        {
            return activeCount;
        }
        int pivot = active[k];
        ulong pivotWord = words[k];
        activeCount--;
        active[k] = active[activeCount];
        words[k] = words[activeCount];
        // Active rows are zero in every column already handled, the pivot row too, so XOR from `word` on;
        // the rows before k were seen not to have the bit.
        for (int j = k; j < activeCount; j++)
        {
            if ((words[j] & bit) != 0)
            {
                words[j] ^= pivotWord;
                XorInto(matrix, (active[j] * width) + word, (pivot * width) + word, width - word);
            }
        }
        return activeCount;
    }

    /// <summary>The indices of the set bits of <paramref name="history"/>.</summary>
    private static int[] Members(ReadOnlySpan<ulong> history)
    {
        var members = new List<int>();
        for (int w = 0; w < history.Length; w++)
        {
            for (ulong bits = history[w]; bits != 0; bits &= bits - 1)
            {
                members.Add((w << 6) + BitOperations.TrailingZeroCount(bits));
            }
        }
        return [.. members];
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
