namespace Factorizer.Pickle.Globals;

/// <summary>
/// <c>builtins.bytes</c> / <c>builtins.bytearray</c> as pickles call them: <c>bytes()</c> (protocol 2
/// <c>b''</c>), <c>bytearray(b'..')</c> (protocol 4), <c>bytearray('..', 'latin-1')</c> (older protocol 2),
/// or a list of ints. <c>bytes(n)</c> is refused: a hostile n would allocate without limit.
/// </summary>
internal sealed class BytesClass(bool byteArray) : PyClass(byteArray ? "builtins.bytearray" : "builtins.bytes")
{
    public override object? Reduce(PyTuple args) => args.Count switch
    {
        0 => Array.Empty<byte>(),
        1 => FromOne(args[0]),
        2 or 3 when args[0] is string text && args[1] is string encoding => CodecsEncodeClass.Encode(text, encoding),
        _ => throw new UnpicklingException($"{QualifiedName} cannot be called with {args}"),
    };

    private byte[] FromOne(object? source) => source switch
    {
        byte[] bytes => (byte[])bytes.Clone(),
        List<object?> list => FromInts(list),
        PyTuple tuple => FromInts(tuple),
        _ => throw new UnpicklingException($"{QualifiedName} cannot be made from a {PyValues.TypeName(source)}"),
    };

    private byte[] FromInts(IReadOnlyList<object?> items)
    {
        byte[] bytes = new byte[items.Count];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = items[i] is long v and >= 0 and <= 255
                ? (byte)v
                : throw new UnpicklingException($"{QualifiedName}: items must be ints in range(0, 256)");
        }
        return bytes;
    }
}
