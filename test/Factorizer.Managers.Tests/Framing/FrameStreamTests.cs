using Factorizer.Managers.Framing;
using Factorizer.Managers.Tests.Support;

namespace Factorizer.Managers.Tests.Framing;

public class FrameStreamTests
{
    private static async Task<byte[]> WriteAsync(params byte[][] payloads)
    {
        var buffer = new MemoryStream();
        var frames = new FrameStream(buffer);
        foreach (byte[] p in payloads)
        {
            await frames.WriteFrameAsync(p, CancellationToken.None);
        }
        return buffer.ToArray();
    }

    private static Task<byte[]?> ReadAsync(FrameStream frames, long max = 1 << 20) =>
        frames.ReadFrameAsync(max, CancellationToken.None).AsTask().WaitAsync(Timeouts.Short);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(16384)]
    [InlineData(16385)]
    [InlineData(200_000)]
    public async Task WriteThenRead_AnyPayloadSize_RoundTrips(int size)
    {
        byte[] payload = new byte[size];
        new Random(size).NextBytes(payload);

        byte[] wire = await WriteAsync(payload);

        Assert.Equal(4 + size, wire.Length);
        Assert.Equal(size, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(wire));
        var frames = new FrameStream(new MemoryStream(wire));
        Assert.Equal(payload, await ReadAsync(frames));
        Assert.Null(await ReadAsync(frames));
    }

    [Fact]
    public async Task WriteFrame_EmptyPayload_IsFourZeroBytes()
    {
        byte[] wire = await WriteAsync([[]]);

        Assert.Equal(new byte[] { 0, 0, 0, 0 }, wire);
        byte[]? read = await ReadAsync(new FrameStream(new MemoryStream(wire)));
        Assert.NotNull(read);
        Assert.Empty(read);
    }

    [Fact]
    public async Task ReadFrame_KnownBytes_BigEndianHeader()
    {
        // #WELCOME# as CPython frames it: 00 00 00 09 then the 9 bytes.
        byte[] wire = Convert.FromHexString("000000092357454c434f4d4523");

        byte[]? read = await ReadAsync(new FrameStream(new MemoryStream(wire)));

        Assert.Equal("#WELCOME#"u8.ToArray(), read);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public async Task ReadFrame_StreamReturnsFewBytesPerRead_ReassemblesEveryFrame(int chunk)
    {
        byte[][] payloads = [[], "a"u8.ToArray(), new byte[1000], "#CHALLENGE#"u8.ToArray()];
        byte[] wire = await WriteAsync(payloads);
        var stream = new ChunkedStream(wire, chunk);
        var frames = new FrameStream(stream);

        foreach (byte[] expected in payloads)
        {
            Assert.Equal(expected, await ReadAsync(frames));
        }
        Assert.Null(await ReadAsync(frames));
        Assert.True(stream.ReadCalls >= wire.Length / chunk, "the stream really was read in small pieces");
    }

    [Fact]
    public async Task ReadFrame_LargeHeaderFormWithSmallPayload_Parsed()
    {
        // -1, then the length as a big-endian uint64: the form CPython 3.8+ uses past 2 GiB; readers accept it for any size.
        byte[] wire = [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 5, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o', 0, 0, 0, 1, (byte)'!'];

        var frames = new FrameStream(new ChunkedStream(wire, 1));

        Assert.Equal("hello"u8.ToArray(), await ReadAsync(frames));
        Assert.Equal("!"u8.ToArray(), await ReadAsync(frames));
        Assert.Null(await ReadAsync(frames));
    }

    [Fact]
    public async Task ReadFrame_LargeHeaderFormEmptyPayload_Parsed()
    {
        byte[] wire = [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0];

        byte[]? read = await ReadAsync(new FrameStream(new MemoryStream(wire)));

        Assert.NotNull(read);
        Assert.Empty(read);
    }

    [Theory]
    [InlineData("fffffffe")]
    [InlineData("80000000")]
    [InlineData("ffffff00")]
    public async Task ReadFrame_NegativeLength_Rejected(string header)
    {
        var frames = new FrameStream(new MemoryStream(Convert.FromHexString(header + "0000000000")));

        await Assert.ThrowsAsync<FrameException>(() => ReadAsync(frames));
    }

    [Fact]
    public async Task ReadFrame_LengthOverCap_RejectedWithoutReadingPayload()
    {
        byte[] wire = new byte[4 + 300];
        wire[2] = 0x01; // 0x0000012C = 300
        wire[3] = 0x2C;
        var stream = new ChunkedStream(wire, 4); // the reader buffers what one receive brings: deliver 4 bytes at a time

        await Assert.ThrowsAsync<FrameException>(() => ReadAsync(new FrameStream(stream), max: 256));

        Assert.Equal(4, stream.BytesRead);
    }

    [Fact]
    public async Task ReadFrame_HugeLength_RejectedWithoutReadingPayload()
    {
        byte[] wire = [0x7F, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4];
        var stream = new ChunkedStream(wire, 4); // the reader buffers what one receive brings: deliver 4 bytes at a time

        await Assert.ThrowsAsync<FrameException>(() => ReadAsync(new FrameStream(stream), max: 64L * 1024 * 1024));

        Assert.Equal(4, stream.BytesRead);
    }

    [Fact]
    public async Task ReadFrame_HugeLargeFormLength_RejectedWithoutReadingPayload()
    {
        byte[] wire = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3];
        var stream = new ChunkedStream(wire, 4); // the reader buffers what one receive brings: deliver 4 bytes at a time

        await Assert.ThrowsAsync<FrameException>(() => ReadAsync(new FrameStream(stream), max: long.MaxValue));

        Assert.Equal(12, stream.BytesRead);
    }

    [Fact]
    public async Task ReadFrame_LengthExactlyAtCap_Accepted()
    {
        byte[] wire = await WriteAsync(new byte[256]);

        byte[]? read = await ReadAsync(new FrameStream(new MemoryStream(wire)), max: 256);

        Assert.Equal(256, read!.Length);
    }

    [Theory]
    [InlineData("00")]
    [InlineData("0000")]
    [InlineData("000000")]
    [InlineData("ffffffff00000000")]
    public async Task ReadFrame_TruncatedHeader_ThrowsEndOfStream(string hex)
    {
        var frames = new FrameStream(new ChunkedStream(Convert.FromHexString(hex), 1));

        await Assert.ThrowsAsync<EndOfStreamException>(() => ReadAsync(frames));
    }

    [Theory]
    [InlineData("00000005")]
    [InlineData("0000000568656c6c")]
    [InlineData("ffffffff000000000000000568")]
    public async Task ReadFrame_TruncatedPayload_ThrowsEndOfStream(string hex)
    {
        var frames = new FrameStream(new ChunkedStream(Convert.FromHexString(hex), 1));

        await Assert.ThrowsAsync<EndOfStreamException>(() => ReadAsync(frames));
    }

    [Fact]
    public async Task ReadFrame_CleanEndOfStream_ReturnsNull()
    {
        Assert.Null(await ReadAsync(new FrameStream(new MemoryStream([]))));
    }

    [Fact]
    public async Task ReadFrame_OverLoopbackSocket_RoundTripsBothWays()
    {
        await using SocketPair pair = await SocketPair.CreateAsync();
        var left = new FrameStream(pair.Left);
        var right = new FrameStream(pair.Right);
        byte[] big = new byte[100_000];
        new Random(7).NextBytes(big);

        Task send = left.WriteFrameAsync(big, CancellationToken.None).AsTask();
        Assert.Equal(big, await ReadAsync(right, max: big.Length));
        await send;
        await right.WriteFrameAsync("pong"u8.ToArray(), CancellationToken.None);
        Assert.Equal("pong"u8.ToArray(), await ReadAsync(left));
    }
}
