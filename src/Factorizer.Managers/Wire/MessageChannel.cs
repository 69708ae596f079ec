using System.Net.Sockets;
using Factorizer.Managers.Framing;
using Factorizer.Pickle;

namespace Factorizer.Managers.Wire;

/// <summary>
/// Frames carrying one pickle each, after the handshake: the connection layer both the server
/// sessions and the client use. Reads are capped at <see cref="MaxFrameLength"/> bytes. Given the
/// socket under the stream, a read of a message that is due at once (<see cref="ReadFrameAsync"/>)
/// first waits a moment for it on the running thread (<see cref="QuickWait"/>).
/// </summary>
internal sealed class MessageChannel(Stream stream, long maxFrameLength, TimeSpan? frameTimeout = null, TimeProvider? time = null, Socket? socket = null) : IAsyncDisposable
{
    private readonly TimeSpan _frameTimeout = frameTimeout ?? Timeout.InfiniteTimeSpan;
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly QuickWait? _quickWait = socket is null ? null : new QuickWait(socket);

    /// <summary>The frame layer (the handshake runs on it directly).</summary>
    public FrameStream Frames { get; } = new(stream);

    /// <summary>Largest frame accepted after the handshake.</summary>
    public long MaxFrameLength { get; } = maxFrameLength;

    /// <summary>
    /// Reads one frame that is due now (a reply, the next request of a busy peer); null at a clean end of
    /// stream. A frame begun must end within the frame timeout.
    /// </summary>
    public ValueTask<byte[]?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        if (_quickWait is not null && !Frames.HasBufferedFrame)
        {
            _quickWait.TryWait();
        }
        return Frames.ReadFrameAsync(MaxFrameLength, _frameTimeout, _time, cancellationToken);
    }

    /// <summary>Reads one frame that may be long in coming (no quick wait), as <see cref="ReadFrameAsync"/> does otherwise.</summary>
    public ValueTask<byte[]?> ReadLaterFrameAsync(CancellationToken cancellationToken) =>
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
