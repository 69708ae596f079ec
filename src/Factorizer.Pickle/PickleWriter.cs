namespace Factorizer.Pickle;

/// <summary>The pickling engine. To be written.</summary>
internal static class PickleWriter
{
    public static byte[] Write(object? value, int protocol) => throw new NotImplementedException($"{value}{protocol}");
}
