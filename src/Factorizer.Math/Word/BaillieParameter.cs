using System.Numerics;

namespace Factorizer.Math.Word;

/// <summary>
/// The Lucas parameter of the Baillie-PSW test (<see cref="Bpsw64"/>, <see cref="InterleavedBpsw64"/>): Selfridge-style
/// search for P with (P² - 4 / n) = -1, the common small P's symbols read from tables rather than computed.
/// </summary>
internal static class BaillieParameter
{
    /// <summary>After this many P candidates without (D/n) = -1, check whether n is a square (then none exists).</summary>
    private const int TriesBeforeSquareCheck = 6;

    /// <summary>
    /// Baillie's P: the first of 3, 4, 5, ... with (P² - 4 / n) = -1; 0 when n is certainly composite (some
    /// P² - 4 shares a factor with n, or n is a square, for which no such P exists) or n is 3 or 5.
    /// </summary>
    public static ulong Of(ulong n)
    {
        for (ulong p = 3, tries = 1; ; p++, tries++)
        {
            int j = p < FirstUntabled ? TabledJacobi(p, n) : JacobiOfSmall((p * p) - 4, n);
            if (j == -1)
            {
                return p;
            }
            if (j == 0 || (tries == TriesBeforeSquareCheck && IntegerSquareRoot.IsSquare(n)))
            {
                return 0;
            }
        }
    }

    /// <summary>P values below this have their symbols tabled (a search rarely gets past P = 6).</summary>
    private const int FirstUntabled = 11;

    /// <summary>
    /// For each tabled P with D = P² - 4: (D/r) for every odd r &lt; 4D. As a function of odd n, (D/n) has
    /// period 4D, so one remainder and a lookup replace the symbol's sign rules, whose branches mispredict.
    /// </summary>
    private static readonly sbyte[][] Tabled = [.. Enumerable.Range(0, FirstUntabled).Select(TableFor)];

    private static sbyte[] TableFor(int p)
    {
        if (p < 3)
        {
            return []; // never used
        }
        ulong d = (ulong)((p * p) - 4);
        return [.. Enumerable.Range(0, (int)(4 * d)).Select(r => (sbyte)((r & 1) == 0 ? 0 : Jacobi64.Symbol(d, (ulong)r)))];
    }

    /// <summary>(P² - 4 / n) for odd n and P &lt; <see cref="FirstUntabled"/>, from the table.</summary>
    private static int TabledJacobi(ulong p, ulong n)
    {
        sbyte[] symbols = Tabled[p];
        return symbols[(int)(n % (ulong)symbols.Length)];
    }

    /// <summary>
    /// The Jacobi symbol (D/n) for odd n and small D &gt; 0: the factors 2 of D by (2/n), the odd rest d by
    /// reciprocity from n mod d, which leaves small numbers only.
    /// </summary>
    private static int JacobiOfSmall(ulong d, ulong n)
    {
        int twos = BitOperations.TrailingZeroCount(d);
        d >>= twos;
        return Signs(twos, d, n) * Jacobi64.Symbol(n % d, d);
    }

    /// <summary>The sign that turns (n mod d / d) into (2^twos·d / n), for odd d and odd n.</summary>
    private static int Signs(int twos, ulong d, ulong n)
    {
        int result = 1;
        ulong n8 = n & 7;
        if ((twos & 1) != 0 && (n8 == 3 || n8 == 5))
        {
            result = -result; // (2/n) = -1 exactly when n = 3 or 5 (mod 8)
        }
        if ((d & n & 3) == 3)
        {
            result = -result; // both 3 (mod 4): reciprocity flips the sign
        }
        return result;
    }
}
