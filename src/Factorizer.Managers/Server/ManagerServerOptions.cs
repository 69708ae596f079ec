namespace Factorizer.Managers.Server;

/// <summary>Settings of a <see cref="ManagerServer"/>.</summary>
public sealed record ManagerServerOptions
{
    /// <summary>The shared secret (raw bytes, never sent). An empty key still runs the handshake, as CPython does.</summary>
    public required ReadOnlyMemory<byte> AuthKey { get; init; }

    /// <summary>The typeids served (none by default; <see cref="QueueManager"/> fills it from its Register calls).</summary>
    public TypeRegistry Registry { get; init; } = new TypeRegistry.Builder().Build();

    /// <summary>Largest request frame accepted after the handshake, in bytes; a bigger one closes that connection.</summary>
    public long MaxFrameLength { get; init; } = 64L * 1024 * 1024;

    /// <summary>Time a new connection gets to complete the handshake.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Time a request frame gets to arrive whole once its first byte has come; a frame begun and stalled closes
    /// the connection with one log line. A connection idle between frames (a worker busy with its own work) is
    /// never cut off by it. <see cref="Timeout.InfiniteTimeSpan"/> turns it off.
    /// </summary>
    public TimeSpan FrameReadTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock of <see cref="FrameReadTimeout"/> and of the connection log's rate limit (tests inject one).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Per-connection log lines of one kind (refused handshakes, closed connections, protocol errors) written per
    /// <see cref="ConnectionLogInterval"/>; the rest are counted and summarised in one line when the interval ends.
    /// </summary>
    public int ConnectionLogLines { get; init; } = 10;

    /// <summary>The interval of <see cref="ConnectionLogLines"/>.</summary>
    public TimeSpan ConnectionLogInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Open connections allowed at once; connections past it are closed at once.</summary>
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>
    /// While at most this many connections are open, each new one is served by a thread of its own that blocks in
    /// the kernel for its next message, as CPython's manager serves every connection: the quickest round trip for
    /// a lone client. Past it, connections are served by the socket engine's event loop, which holds no thread per
    /// connection (a thousand clients blocked in <c>get</c> cost memory, not threads); a connection on its own
    /// thread moves there too when the count is exceeded, or when a call has to wait. 0 turns threads off.
    /// </summary>
    public int OwnThreadConnections { get; init; } = 4;

    /// <summary>Whether the <c>shutdown</c> control call may stop the server (CPython allows it).</summary>
    public bool AllowRemoteShutdown { get; init; } = true;

    /// <summary>
    /// Called once when a connection has closed and its last call has finished (after any reply), so
    /// an app can hand back work the peer took and never finished.
    /// </summary>
    public Action<SessionInfo>? SessionClosed { get; init; }

    /// <summary>Receives one line per notable event (refused peers, protocol errors). Never given the key.</summary>
    public Action<string>? Log { get; init; }
}
