namespace Factorizer.Pickle;

/// <summary>
/// Python's <c>pickle.loads</c>/<c>pickle.dumps</c> for the values that travel between manager peers.
/// The value model (docs/protocol.md, "Values"): None ↔ null, bool, int ↔ long (BigInteger beyond
/// 64 bits), float ↔ double, str ↔ string, bytes ↔ byte[], tuple ↔ <see cref="PyTuple"/>,
/// list ↔ <c>List&lt;object?&gt;</c>, dict ↔ <c>Dictionary&lt;object, object?&gt;</c>, set ↔
/// <c>HashSet&lt;object&gt;</c>, frozenset ↔ <c>FrozenSet&lt;object&gt;</c>, exceptions ↔ <see cref="PyException"/>,
/// and whatever else <see cref="PickleGlobals"/> maps.
/// </summary>
public static class PyPickle
{
    /// <summary>The protocol written by default: 3, which every CPython 3.x reads.</summary>
    public const int DefaultWriteProtocol = 3;

    /// <summary>Reads one pickle. Throws <see cref="UnpicklingException"/> on anything malformed or refused.</summary>
    public static object? Loads(ReadOnlySpan<byte> data, PickleReadOptions? options = null) =>
        new PickleReader(options ?? PickleReadOptions.Default).Read(data);

    /// <summary>Writes one pickle (protocol 3 or 4, no FRAME, no memo). Throws <see cref="PicklingException"/>.</summary>
    public static byte[] Dumps(object? value, int protocol = DefaultWriteProtocol) =>
        PickleWriter.Write(value, protocol);
}

/// <summary>Limits and whitelist for <see cref="PyPickle.Loads"/>.</summary>
/// <param name="Globals">Globals the pickle may name.</param>
/// <param name="MaxDepth">Deepest nesting of containers (and MARKs) accepted.</param>
/// <param name="MaxMemo">Largest memo size accepted.</param>
/// <param name="MaxCollectionItems">Most items in one list/tuple/dict/set.</param>
public sealed record PickleReadOptions(PickleGlobals Globals, int MaxDepth = 200, int MaxMemo = 1 << 20, int MaxCollectionItems = 1 << 24)
{
    /// <summary>The standard whitelist and limits.</summary>
    public static PickleReadOptions Default { get; } = new(PickleGlobals.Default);
}
