namespace Factorizer.Managers.Server;

/// <summary>
/// Text for <c>#TRACEBACK</c> replies, laid out like Python's <c>format_exc()</c> so a Python client's
/// <c>RemoteError</c> reads naturally; the last line is <c>Type: message</c>.
/// </summary>
internal static class PythonTraceback
{
    public static string Format(string pythonType, string message, string? where = null) =>
        "Traceback (most recent call last):\n" +
        $"  File \"<factorizer manager>\", in {where ?? "serve_client"}\n" +
        $"{pythonType}: {message}\n";
}
