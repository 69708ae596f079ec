using System.Numerics;

namespace Factorizer.Math.Siqs;

/// <summary>
/// Collects full relations, and partial ones (one large prime left over after the factor base): two partials
/// with the same large prime multiply into a full one, which is the single large prime variation.
/// </summary>
internal sealed class RelationSet(BigInteger n)
{
    private readonly Dictionary<ulong, Relation> _partials = [];

    /// <summary>Full relations so far, sieved or combined.</summary>
    public List<Relation> Full { get; } = [];

    /// <summary>Records a relation whose cofactor after the factor base is <paramref name="largePrime"/> (1 for none).</summary>
    public void Add(BigInteger y, int[] factors, ulong largePrime)
    {
        if (largePrime == 1)
        {
            Full.Add(new Relation(y, factors, BigInteger.One));
            return;
        }
        if (!_partials.TryGetValue(largePrime, out Relation? other))
        {
            _partials[largePrime] = new Relation(y, factors, BigInteger.One);
            return;
        }
        if (other.Y == y)
        {
            return; // the same value found twice (a duplicate polynomial); adds nothing
        }
        Full.Add(new Relation(y * other.Y % n, [.. other.Factors, .. factors], largePrime));
    }
}
