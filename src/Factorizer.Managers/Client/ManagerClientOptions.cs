namespace Factorizer.Managers.Client;

/// <summary>Where and how a <see cref="ManagerClient"/> connects.</summary>
public sealed record ManagerClientOptions
{
    /// <summary>Host name or IP address of the manager.</summary>
    public required string Host { get; init; }

    /// <summary>TCP port of the manager.</summary>
    public required int Port { get; init; }

    /// <summary>The shared secret (raw bytes, never sent).</summary>
    public required ReadOnlyMemory<byte> AuthKey { get; init; }

    /// <summary>Time allowed to connect and complete the handshake.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest reply frame accepted, in bytes.</summary>
    public long MaxFrameLength { get; init; } = 256L * 1024 * 1024;

    /// <summary>Name sent with <c>accept_connection</c> (CPython sends the process name, e.g. <c>Process-1</c>).</summary>
    public string ConnectionName { get; init; } = "MainProcess";
}
