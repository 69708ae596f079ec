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
    private readonly Stream _stream;
    private readonly byte[] _header = new byte[12];      // read side only
    private readonly byte[] _writeHeader = new byte[4];  // write side only: a read may be pending meanwhile

    /// <summary>Wraps <paramref name="stream"/>; disposing this disposes the stream.</summary>
    public FrameStream(Stream stream) => _stream = stream;

    /// <summary>
    /// Reads one frame of at most <paramref name="maxLength"/> bytes. Returns null on a clean end of
    /// stream before the first header byte. Throws <see cref="FrameException"/> for a negative or
    /// oversized length (without reading the payload) and <see cref="EndOfStreamException"/> when the
    /// stream ends inside a frame.
    /// </summary>
    public async ValueTask<byte[]?> ReadFrameAsync(long maxLength, CancellationToken cancellationToken)
    {
        int got = await _stream.ReadAtLeastAsync(_header.AsMemory(0, 4), 4, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (got == 0)
        {
            return null;
        }
        if (got < 4)
        {
            throw new EndOfStreamException("connection closed inside a frame header");
        }
        long length = BinaryPrimitives.ReadInt32BigEndian(_header);
        if (length == -1)
        {
            await _stream.ReadExactlyAsync(_header.AsMemory(4, 8), cancellationToken).ConfigureAwait(false);
            ulong large = BinaryPrimitives.ReadUInt64BigEndian(_header.AsSpan(4));
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
        await _stream.ReadExactlyAsync(payload, cancellationToken).ConfigureAwait(false);
        return payload;
    }

    /// <summary>Writes one frame: header and payload, flushed.</summary>
    public async ValueTask WriteFrameAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (payload.Length <= 16384)
        {
            // One write for small frames, as CPython does, so header and payload share a segment.
            byte[] buffer = new byte[4 + payload.Length];
            BinaryPrimitives.WriteInt32BigEndian(buffer, payload.Length);
            payload.Span.CopyTo(buffer.AsSpan(4));
            await _stream.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // .NET arrays stop short of 2 GiB, so the -1 + uint64 large form is never needed to send.
            BinaryPrimitives.WriteInt32BigEndian(_writeHeader, payload.Length);
            await _stream.WriteAsync(_writeHeader, cancellationToken).ConfigureAwait(false);
            await _stream.WriteAsync(payload, cancellationToken).ConfigureAwait(false);
        }
        await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
