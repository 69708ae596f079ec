namespace Factorizer.Managers.Wire;

/// <summary>
/// Every literal of CPython's manager protocol, in one place (docs/protocol.md). Python's snake_case
/// names live only here; C# code uses these constants.
/// </summary>
public static class WireLiterals
{
    // Handshake tokens (raw frames, not pickled).
    internal static ReadOnlySpan<byte> Challenge => "#CHALLENGE#"u8;
    internal static ReadOnlySpan<byte> Welcome => "#WELCOME#"u8;
    internal static ReadOnlySpan<byte> Failure => "#FAILURE#"u8;
    internal static ReadOnlySpan<byte> Sha256Prefix => "{sha256}"u8;

    /// <summary>Reply kinds: the first item of every reply tuple.</summary>
    public const string Return = "#RETURN";
    public const string Error = "#ERROR";
    public const string Traceback = "#TRACEBACK";
    public const string Unserializable = "#UNSERIALIZABLE";
    public const string Proxy = "#PROXY";

    /// <summary>The pseudo-method that returns a copy of the referent (<c>proxy._getvalue()</c>).</summary>
    public const string GetValue = "#GETVALUE";

    // Control functions a fresh connection may call (CPython's Server.public).
    public const string Create = "create";
    public const string IncRef = "incref";
    public const string DecRef = "decref";
    public const string AcceptConnection = "accept_connection";
    public const string GetMethods = "get_methods";
    public const string DebugInfo = "debug_info";
    public const string NumberOfObjects = "number_of_objects";
    public const string Dummy = "dummy";
    public const string Shutdown = "shutdown";
}
