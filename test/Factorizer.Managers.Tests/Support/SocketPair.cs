using System.Net;
using System.Net.Sockets;

namespace Factorizer.Managers.Tests.Support;

/// <summary>Two connected loopback TCP sockets, as network streams (a duplex pipe for handshake tests).</summary>
public sealed class SocketPair : IAsyncDisposable
{
    private SocketPair(NetworkStream left, NetworkStream right)
    {
        Left = left;
        Right = right;
    }

    public NetworkStream Left { get; }

    public NetworkStream Right { get; }

    public static async Task<SocketPair> CreateAsync()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Task<Socket> accept = listener.AcceptSocketAsync();
        await client.ConnectAsync((IPEndPoint)listener.LocalEndpoint).WaitAsync(Timeouts.Short);
        Socket server = await accept.WaitAsync(Timeouts.Short);
        server.NoDelay = true;
        return new SocketPair(new NetworkStream(client, ownsSocket: true), new NetworkStream(server, ownsSocket: true));
    }

    public async ValueTask DisposeAsync()
    {
        await Left.DisposeAsync();
        await Right.DisposeAsync();
    }
}
