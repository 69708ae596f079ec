using Factorizer.Managers.Framing;
using Factorizer.Pickle;

namespace Factorizer.Managers.Wire;

/// <summary>
/// Frames carrying one pickle each, after the handshake: the connection layer both the server
/// sessions and the client use. Reads are capped at <see cref="MaxFrameLength"/> bytes.
/// </summary>
internal sealed class MessageChannel(Stream stream, long maxFrameLength, TimeSpan? frameTimeout = null, TimeProvider? time = null) : IAsyncDisposable
{
    private readonly Stream _stream = stream;
    private readonly TimeSpan _frameTimeout = frameTimeout ?? Timeout.InfiniteTimeSpan;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The frame layer (the handshake runs on it directly).</summary>
    public FrameStream Frames { get; } = new(stream);

    /// <summary>
    /// True while the connection is served by a thread of its own that blocks in the kernel for each message
    /// (<see cref="ThreadBoundSocketStream"/>); false on the async path.
    /// </summary>
    public bool HasOwnThread => _stream is ThreadBoundSocketStream { IsBound: true };

    /// <summary>Moves the connection to the async path for good (a no-op when it is there already).</summary>
    public void LeaveOwnThread() => (_stream as ThreadBoundSocketStream)?.Release();

    /// <summary>Largest frame accepted after the handshake.</summary>
    public long MaxFrameLength { get; } = maxFrameLength;

    /// <summary>Reads one frame; null at a clean end of stream. A frame begun must end within the frame timeout.</summary>
    public ValueTask<byte[]?> ReadFrameAsync(CancellationToken cancellationToken) =>
        Frames.ReadFrameAsync(MaxFrameLength, _frameTimeout, _time, cancellationToken);

    /// <summary>Decodes a frame's pickle with the manager whitelist.</summary>
    public static object? Decode(byte[] frame) => PyPickle.Loads(frame, ManagerPickle.ReadOptions);

    /// <summary>Pickles and sends one value.</summary>
    public ValueTask SendAsync(object? value, CancellationToken cancellationToken) =>
        Frames.WriteFrameAsync(PyPickle.Dumps(value), cancellationToken);

    /// <summary>Sends an already pickled value.</summary>
    public ValueTask SendPickledAsync(byte[] pickle, CancellationToken cancellationToken) =>
        Frames.WriteFrameAsync(pickle, cancellationToken);

    public ValueTask DisposeAsync() => Frames.DisposeAsync();
}
