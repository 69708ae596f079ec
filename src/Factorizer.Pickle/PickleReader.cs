namespace Factorizer.Pickle;

/// <summary>The unpickling engine (one instance per pickle). To be written.</summary>
internal sealed class PickleReader
{
    private readonly PickleReadOptions _options;

    public PickleReader(PickleReadOptions options) => _options = options;

    public object? Read(ReadOnlySpan<byte> data) => throw new NotImplementedException(_options.ToString() + data.Length);
}
