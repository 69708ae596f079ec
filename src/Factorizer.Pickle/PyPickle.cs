namespace Factorizer.Pickle;

/// <summary>
/// Python's <c>pickle.loads</c>/<c>pickle.dumps</c> for the values that travel between manager peers
/// (docs/protocol.md §5). Nothing of Python ever runs: globals are looked up in a whitelist
/// (<see cref="PickleGlobals"/>) and built by C# code, refused when on the denylist (<see cref="PickleDenylist"/>),
/// and otherwise kept as inert data (<see cref="PyObject"/>).
/// </summary>
/// <remarks>
/// <para>The value model, Python ↔ C#:</para>
/// <list type="table">
/// <item><term>None</term><description><c>null</c></description></item>
/// <item><term>bool</term><description><see cref="bool"/></description></item>
/// <item><term>int</term><description><see cref="long"/>; <see cref="System.Numerics.BigInteger"/> only beyond the
/// long range (the reader normalizes). The writer takes every C# integer type, <c>Int128</c>/<c>UInt128</c> and
/// <c>BigInteger</c> and uses CPython's smallest encoding.</description></item>
/// <item><term>float</term><description><see cref="double"/> (the writer also takes float and Half)</description></item>
/// <item><term>str</term><description><see cref="string"/> (lone surrogates travel as Python's surrogatepass does)</description></item>
/// <item><term>bytes, bytearray</term><description><c>byte[]</c> (written as bytes; the writer also takes
/// <c>ReadOnlyMemory&lt;byte&gt;</c>, <c>Memory&lt;byte&gt;</c> and <c>ArraySegment&lt;byte&gt;</c>)</description></item>
/// <item><term>tuple</term><description><see cref="PyTuple"/> (the writer also takes ValueTuple/Tuple via <c>ITuple</c>)</description></item>
/// <item><term>list</term><description><c>List&lt;object?&gt;</c> (the writer takes any <c>IList</c>, arrays included)</description></item>
/// <item><term>dict</term><description><c>Dictionary&lt;object, object?&gt;</c> with <see cref="PyEqualityComparer"/>
/// (the writer takes any <c>IDictionary</c> or <c>IReadOnlyDictionary&lt;object, object?&gt;</c>). A None key is
/// refused by the reader, since C# dictionaries cannot hold one.</description></item>
/// <item><term>set</term><description><c>HashSet&lt;object&gt;</c> with <see cref="PyEqualityComparer"/> (the writer
/// takes any <c>ISet&lt;T&gt;</c>/<c>IReadOnlySet&lt;T&gt;</c>)</description></item>
/// <item><term>frozenset</term><description><c>FrozenSet&lt;object&gt;</c> (the writer also takes <c>IImmutableSet&lt;T&gt;</c>)</description></item>
/// <item><term>exceptions</term><description><see cref="PyException"/> (every builtins exception class, <c>queue.Empty</c>,
/// <c>queue.Full</c>, <c>queue.ShutDown</c>; more with <see cref="PyExceptionClass"/>)</description></item>
/// <item><term>complex</term><description><see cref="System.Numerics.Complex"/></description></item>
/// <item><term>other classes</term><description>whatever the <see cref="PyClass"/> registered in
/// <see cref="PickleGlobals"/> builds; any other (not denied) an inert <see cref="PyObject"/>, and a bare class
/// a <see cref="PyGlobal"/>; the writer writes those and any <see cref="IPyReducible"/></description></item>
/// </list>
/// </remarks>
public static class PyPickle
{
    /// <summary>The protocol written by default: 3, which every CPython 3.x reads.</summary>
    public const int DefaultWriteProtocol = 3;

    /// <summary>
    /// Reads one pickle (protocols 2–5). Throws <see cref="TruncatedPickleException"/> when the data ends before
    /// STOP, and <see cref="UnpicklingException"/> on anything else malformed, refused or over a limit.
    /// </summary>
    public static object? Loads(ReadOnlySpan<byte> data, PickleReadOptions? options = null) =>
        new PickleReader(options ?? PickleReadOptions.Default).Read(data);

    /// <summary>
    /// Writes one pickle (protocol 3 or 4, no FRAME, no memo). Throws <see cref="PicklingException"/> for a value
    /// of another type, one that contains itself, or one nested too deep; <see cref="ArgumentOutOfRangeException"/>
    /// for another protocol.
    /// </summary>
    public static byte[] Dumps(object? value, int protocol = DefaultWriteProtocol) =>
        PickleWriter.Write(value, protocol);
}

/// <summary>Limits and whitelist for <see cref="PyPickle.Loads"/>.</summary>
/// <param name="Globals">Globals the pickle may name.</param>
/// <param name="MaxDepth">Deepest nesting of containers (and MARKs) accepted.</param>
/// <param name="MaxMemo">Largest memo size accepted.</param>
/// <param name="MaxCollectionItems">Most items in one list/tuple/dict/set.</param>
/// <param name="MaxBytesPerInputByte">
/// Amplification limit: the reader estimates the memory every object, slot and table entry it makes costs, and
/// refuses a pickle that would cost more than this many bytes per byte of input (but see
/// <paramref name="MinBudgetBytes"/>). One-byte opcodes such as EMPTY_LIST each make a 30-100 byte object, so
/// without it a few MB of input cost a GB.
/// </param>
/// <param name="MinBudgetBytes">Memory any pickle may cost, however short (so small messages never meet the factor).</param>
/// <param name="MaxBudgetBytes">Memory no pickle may cost, however long.</param>
/// <param name="MaxExpandedValues">
/// Most values a result may hold when shared references (memo GETs) are counted each time they occur, as a writer
/// without a memo, hashing or equality would visit them: a few hundred bytes of memoized pairs of pairs otherwise
/// expand to 2¹⁰⁰ values.
/// </param>
public sealed record PickleReadOptions(
    PickleGlobals Globals,
    int MaxDepth = 200,
    int MaxMemo = 1 << 20,
    int MaxCollectionItems = 1 << 24,
    int MaxBytesPerInputByte = 12,
    long MinBudgetBytes = 64L << 20,
    long MaxBudgetBytes = 768L << 20,
    long MaxExpandedValues = 1L << 24)
{
    /// <summary>The standard whitelist, denylist and limits.</summary>
    public static PickleReadOptions Default { get; } = new(PickleGlobals.Default);

    /// <summary>
    /// Globals refused even as inert values (default <see cref="PickleDenylist.Default"/>): a pickle naming one
    /// throws <see cref="ForbiddenGlobalException"/>.
    /// </summary>
    public PickleDenylist Denied { get; init; } = PickleDenylist.Default;

    /// <summary>
    /// Whether a global that is neither whitelisted nor denied is kept as an inert <see cref="PyObject"/> or
    /// <see cref="PyGlobal"/> (true, the default) or refused with <see cref="ForbiddenGlobalException"/> (false:
    /// the whitelist-only rule of earlier versions).
    /// </summary>
    public bool KeepInert { get; init; } = true;

    /// <summary>The estimated memory a pickle of <paramref name="inputLength"/> bytes may cost.</summary>
    public long BudgetFor(int inputLength) =>
        Math.Min(MaxBudgetBytes, Math.Max(MinBudgetBytes, (long)MaxBytesPerInputByte * inputLength));
}
