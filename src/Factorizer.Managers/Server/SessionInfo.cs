namespace Factorizer.Managers.Server;

/// <summary>A client connection as the server sees it.</summary>
/// <param name="Id">Server-unique number of the connection.</param>
/// <param name="RemoteHost">The peer's IP address.</param>
/// <param name="RemotePort">The peer's port.</param>
public sealed record SessionInfo(long Id, string RemoteHost, int RemotePort)
{
    /// <summary>The name the client gave in <c>accept_connection</c> (e.g. <c>Process-1</c>), once it has.</summary>
    public string? Name { get; internal set; }

    /// <summary>When the connection was accepted.</summary>
    public DateTimeOffset ConnectedAt { get; init; } = DateTimeOffset.UtcNow;

    public override string ToString() => $"{RemoteHost}:{RemotePort}" + (Name is null ? "" : $" ({Name})");
}
