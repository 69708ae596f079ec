using System.Net;
using System.Net.Sockets;
using Factorizer.Managers.Auth;
using Factorizer.Managers.Framing;
using Factorizer.Managers.Wire;
using Factorizer.Pickle;

namespace Factorizer.Managers.Tests.Support;

/// <summary>
/// A hand-driven peer on a raw socket, for playing a broken or hostile client: frames, raw bytes,
/// the handshake, and pickled requests, each step bounded by a timeout.
/// </summary>
public sealed class RawPeer : IAsyncDisposable
{
    private RawPeer(Socket socket)
    {
        Socket = socket;
        Stream = new NetworkStream(socket, ownsSocket: true);
        Frames = new FrameStream(Stream);
    }

    public Socket Socket { get; }

    public NetworkStream Stream { get; }

    public FrameStream Frames { get; }

    public static async Task<RawPeer> ConnectAsync(IPEndPoint endPoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint).WaitAsync(Timeouts.Short);
        return new RawPeer(socket);
    }

    /// <summary>Connects and completes the client side of the handshake with <paramref name="key"/>.</summary>
    public static async Task<RawPeer> ConnectAuthenticatedAsync(IPEndPoint endPoint, byte[] key)
    {
        RawPeer peer = await ConnectAsync(endPoint);
        await peer.AuthenticateAsync(key);
        return peer;
    }

    /// <summary>Connects, authenticates, and turns the connection into a call channel.</summary>
    public static async Task<RawPeer> ConnectCallChannelAsync(IPEndPoint endPoint, byte[] key)
    {
        RawPeer peer = await ConnectAuthenticatedAsync(endPoint, key);
        Reply reply = await peer.RequestAsync(Request.Of(null, "accept_connection", "RawPeer"));
        Assert.Equal(WireLiterals.Return, reply.Kind);
        return peer;
    }

    public Task AuthenticateAsync(byte[] key) =>
        Handshake.RunAsClientAsync(Frames, key, CancellationToken.None).AsTask().WaitAsync(Timeouts.Short);

    public Task<byte[]?> ReadFrameAsync(long max = 1 << 20) =>
        Frames.ReadFrameAsync(max, CancellationToken.None).AsTask().WaitAsync(Timeouts.Short);

    public Task WriteFrameAsync(byte[] payload) =>
        Frames.WriteFrameAsync(payload, CancellationToken.None).AsTask().WaitAsync(Timeouts.Short);

    public Task WriteRawAsync(byte[] bytes) =>
        Stream.WriteAsync(bytes).AsTask().WaitAsync(Timeouts.Short);

    public Task SendAsync(Request request) => WriteFrameAsync(PyPickle.Dumps(request.ToValue()));

    /// <summary>Reads one reply frame and decodes it.</summary>
    public async Task<Reply> ReadReplyAsync()
    {
        byte[] frame = await ReadFrameAsync() ?? throw new EndOfStreamException("the server closed the connection instead of replying");
        Assert.True(Reply.TryParse(MessageChannel.Decode(frame), out Reply? reply), "not a reply tuple");
        return reply!;
    }

    public async Task<Reply> RequestAsync(Request request)
    {
        await SendAsync(request);
        return await ReadReplyAsync();
    }

    /// <summary>
    /// True when the server has closed the connection: the next read ends (EOF or reset) without any
    /// frame arriving. A frame arriving instead fails the assertion.
    /// </summary>
    public async Task AssertClosedAsync()
    {
        byte[] buffer = new byte[64];
        int n;
        try
        {
            n = await Stream.ReadAsync(buffer).AsTask().WaitAsync(Timeouts.Short);
        }
        catch (IOException)
        {
            return; // reset
        }
        Assert.True(n == 0, $"expected the server to close the connection, but it sent {Convert.ToHexString(buffer, 0, n)}");
    }

    public async ValueTask DisposeAsync()
    {
        await Frames.DisposeAsync();
    }
}
