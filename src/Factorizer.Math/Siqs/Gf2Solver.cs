namespace Factorizer.Math.Siqs;

/// <summary>
/// Finds subsets of relations whose factor exponents are all even: the null space of the exponent-parity
/// matrix over GF(2), by Gaussian elimination on bit-packed rows, each carrying the set of relations it is
/// the sum of. Dense, so quadratic-cubic in size: fine for the few thousand columns SIQS here produces.
/// </summary>
internal static class Gf2Solver
{
    /// <summary>Sets of relation indices, each combining to all-even exponents over <paramref name="columns"/> primes.</summary>
    public static List<int[]> Dependencies(IReadOnlyList<Relation> relations, int columns, CancellationToken cancellationToken)
    {
        int rows = relations.Count;
        int primeWords = (columns + 63) / 64, historyWords = (rows + 63) / 64, width = primeWords + historyWords;
        var matrix = new ulong[rows * width];
        for (int r = 0; r < rows; r++)
        {
            Span<ulong> row = matrix.AsSpan(r * width, width);
            foreach (int f in relations[r].Factors)
            {
                row[f >> 6] ^= 1UL << f;
            }
            row[primeWords + (r >> 6)] |= 1UL << r;
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
            ReadOnlySpan<ulong> source = matrix.AsSpan((pivot * width) + word, width - word);
            for (int r = pivot + 1; r < rows; r++)
            {
                if (!isPivot[r] && (matrix[(r * width) + word] & bit) != 0)
                {
                    Span<ulong> target = matrix.AsSpan((r * width) + word, width - word);
                    for (int i = 0; i < target.Length; i++)
                    {
                        target[i] ^= source[i];
                    }
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
                    members.Add(i);
                }
            }
            dependencies.Add([.. members]);
        }
        return dependencies;
    }
}
