using System.Buffers.Binary;

namespace Factorizer.Managers.Framing;

/// <summary>
/// Length-prefixed frames over a byte stream, exactly as CPython's <c>Connection</c> frames them
/// (docs/protocol.md §1): a big-endian int32 length, or -1 followed by a big-endian uint64 length
/// for payloads over 2 GiB - 1. Knows nothing of what the payload means.
/// Not thread-safe: one reader and one writer at a time (each session is sequential).
/// </summary>
public sealed class FrameStream : IAsyncDisposable
{
    // Largest payload copied behind its header into one write; a larger one is written after a header of its own.
    private const int SmallFrame = 16384;

    private readonly Stream _stream;
    // Write side only (a read may be pending meanwhile): header and payload of a small frame are copied
    // here and sent with one write; the buffer is kept for the next frame.
    private byte[] _writeBuffer = new byte[256];

    // Read side only. Bytes received but not yet consumed are _readBuffer[_readStart.._readEnd):
    // one receive usually brings a whole small frame (header and payload), saving a system call per frame.
    // 1 KiB holds a whole request or reply of the usual sizes (a put of a chunk of 43 numbers is under 500 bytes);
    // a larger payload is read straight into its own array. Small, because an idle or blocked connection keeps it:
    // with 8 KiB it was two thirds of a connection's memory (docs/performance.md).
    private readonly byte[] _readBuffer = new byte[1024];
    private int _readStart;
    private int _readEnd;

    /// <summary>Wraps <paramref name="stream"/>; disposing this disposes the stream.</summary>
    public FrameStream(Stream stream) => _stream = stream;

    /// <summary>
    /// Reads one frame of at most <paramref name="maxLength"/> bytes. Returns null on a clean end of
    /// stream before the first header byte. Throws <see cref="FrameException"/> for a negative or
    /// oversized length (without reading the payload) and <see cref="EndOfStreamException"/> when the
    /// stream ends inside a frame.
    /// </summary>
    public ValueTask<byte[]?> ReadFrameAsync(long maxLength, CancellationToken cancellationToken) =>
        ReadFrameAsync(maxLength, Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken);

    /// <summary>
    /// Reads one frame as <see cref="ReadFrameAsync(long, CancellationToken)"/> does, waiting for its first byte
    /// as long as it takes (an idle peer is not an error), but giving the rest of the frame, once begun,
    /// <paramref name="frameTimeout"/> on <paramref name="time"/>'s clock. A frame begun and not finished in time
    /// throws <see cref="FrameException"/>: a peer that sends a header and then part of a body must not hold the
    /// connection, and the buffer for its announced length, for ever.
    /// </summary>
    public async ValueTask<byte[]?> ReadFrameAsync(long maxLength, TimeSpan frameTimeout, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (!await FillAsync(1, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        if (frameTimeout == Timeout.InfiniteTimeSpan || WholeFrameBuffered())
        {
            return await ReadStartedFrameAsync(maxLength, cancellationToken).ConfigureAwait(false);
        }
        using var limit = new CancellationTokenSource(frameTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        try
        {
            return await ReadStartedFrameAsync(maxLength, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new FrameException($"frame not completed within {frameTimeout.TotalSeconds:0.#} s of its first byte");
        }
    }

    /// <summary>True when a whole frame has already been received: the next read will not wait.</summary>
    internal bool HasBufferedFrame => WholeFrameBuffered();

    // The common case (a small frame that arrived in one receive) needs no timer.
    private bool WholeFrameBuffered()
    {
        int buffered = _readEnd - _readStart;
        if (buffered < 4)
        {
            return false;
        }
        int length = BinaryPrimitives.ReadInt32BigEndian(_readBuffer.AsSpan(_readStart));
        return length >= 0 && buffered - 4 >= length;
    }

    private async ValueTask<byte[]?> ReadStartedFrameAsync(long maxLength, CancellationToken cancellationToken)
    {
        if (!await FillAsync(4, cancellationToken).ConfigureAwait(false))
        {
            if (_readEnd == _readStart)
            {
                return null;
            }
            throw new EndOfStreamException("connection closed inside a frame header");
        }
        long length = BinaryPrimitives.ReadInt32BigEndian(_readBuffer.AsSpan(_readStart));
        _readStart += 4;
        if (length == -1)
        {
            if (!await FillAsync(8, cancellationToken).ConfigureAwait(false))
            {
                throw new EndOfStreamException("connection closed inside a frame header");
            }
            ulong large = BinaryPrimitives.ReadUInt64BigEndian(_readBuffer.AsSpan(_readStart));
            _readStart += 8;
            length = large > long.MaxValue ? long.MaxValue : (long)large;
        }
        else if (length < 0)
        {
            throw new FrameException($"invalid frame length {length}");
        }
        if (length > maxLength)
        {
            throw new FrameException($"frame of {length} bytes exceeds the limit of {maxLength} bytes");
        }
        if (length > Array.MaxLength)
        {
            throw new FrameException($"frame of {length} bytes is too large for this process");
        }
        var payload = new byte[length];
        int buffered = (int)System.Math.Min(length, _readEnd - _readStart);
        _readBuffer.AsSpan(_readStart, buffered).CopyTo(payload);
        _readStart += buffered;
        if (buffered < payload.Length)
        {
            await _stream.ReadExactlyAsync(payload.AsMemory(buffered), cancellationToken).ConfigureAwait(false);
        }
        return payload;
    }

    /// <summary>Makes at least <paramref name="count"/> unread bytes available; false at end of stream.</summary>
    private async ValueTask<bool> FillAsync(int count, CancellationToken cancellationToken)
    {
        if (_readEnd - _readStart >= count)
        {
            return true;
        }
        if (_readStart > 0)
        {
            // Move the unread tail to the front so the whole buffer is free for the next receive.
            Buffer.BlockCopy(_readBuffer, _readStart, _readBuffer, 0, _readEnd - _readStart);
            _readEnd -= _readStart;
            _readStart = 0;
        }
        while (_readEnd < count)
        {
            int got = await _stream.ReadAsync(_readBuffer.AsMemory(_readEnd), cancellationToken).ConfigureAwait(false);
            if (got == 0)
            {
                return false;
            }
            _readEnd += got;
        }
        return true;
    }

    /// <summary>Writes one frame: header and payload, flushed.</summary>
    public async ValueTask WriteFrameAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (payload.Length <= SmallFrame)
        {
            // One write for small frames, as CPython does, so header and payload share a segment.
            int length = 4 + payload.Length;
            if (_writeBuffer.Length < length)
            {
                _writeBuffer = new byte[System.Math.Max(length, 2 * _writeBuffer.Length)];
            }
            BinaryPrimitives.WriteInt32BigEndian(_writeBuffer, payload.Length);
            payload.Span.CopyTo(_writeBuffer.AsSpan(4));
            await _stream.WriteAsync(_writeBuffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // .NET arrays stop short of 2 GiB, so the -1 + uint64 large form is never needed to send.
            BinaryPrimitives.WriteInt32BigEndian(_writeBuffer, payload.Length);
            await _stream.WriteAsync(_writeBuffer.AsMemory(0, 4), cancellationToken).ConfigureAwait(false);
            await _stream.WriteAsync(payload, cancellationToken).ConfigureAwait(false);
        }
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes several small frames (each at most 16 KiB) back to back with one write: a pipelined batch of
    /// requests leaves in one segment and costs the peer one wake-up.
    /// </summary>
    public ValueTask WriteFramesAsync(IReadOnlyList<byte[]> payloads, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payloads);
        int length = 0;
        foreach (byte[] payload in payloads)
        {
            if (payload.Length > SmallFrame)
            {
                throw new ArgumentException("a batched frame must be small", nameof(payloads));
            }
            length += 4 + payload.Length;
        }
        if (_writeBuffer.Length < length)
        {
            _writeBuffer = new byte[System.Math.Max(length, 2 * _writeBuffer.Length)];
        }
        int at = 0;
        foreach (byte[] payload in payloads)
        {
            BinaryPrimitives.WriteInt32BigEndian(_writeBuffer.AsSpan(at), payload.Length);
            payload.CopyTo(_writeBuffer, at + 4);
            at += 4 + payload.Length;
        }
        return _stream.WriteAsync(_writeBuffer.AsMemory(0, length), cancellationToken);
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
