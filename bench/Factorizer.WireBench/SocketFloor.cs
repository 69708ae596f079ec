using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Factorizer.WireBench;

/// <summary>
/// The floor of the one-client rows: a raw loopback TCP ping-pong between two processes (blocking sockets, a 60-byte
/// request and a 30-byte reply, about a put's sizes), no framing, no pickles. A put+get pair is two round trips,
/// so half its rate is the most any client and server pair could do one call at a time on this machine.
/// </summary>
internal static class SocketFloor
{
    private const int Request = 60;
    private const int Reply = 30;

    /// <summary>Round trips per second over <paramref name="duration"/>, against a child process that answers.</summary>
    public static double RoundTrips(TimeSpan duration)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        foreach (string arg in (string[])[typeof(SocketFloor).Assembly.Location, "echo", "--port",
            ((IPEndPoint)listener.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(arg);
        }
        using Process peer = Process.Start(start) ?? throw new InvalidOperationException("cannot start the echo peer");
        try
        {
            using Socket socket = listener.Accept();
            socket.NoDelay = true;
            byte[] buffer = new byte[256];
            for (int i = 0; i < 2000; i++)
            {
                RoundTrip(socket, buffer);
            }
            long trips = 0;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < duration)
            {
                for (int i = 0; i < 100; i++)
                {
                    RoundTrip(socket, buffer);
                }
                trips += 100;
            }
            return trips / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            peer.Kill();
            peer.WaitForExit();
        }
    }

    private static void RoundTrip(Socket socket, byte[] buffer)
    {
        socket.Send(buffer.AsSpan(0, Request));
        int got = 0;
        while (got < Reply)
        {
            int n = socket.Receive(buffer.AsSpan(got));
            got += n > 0 ? n : throw new EndOfStreamException("the echo peer went away");
        }
    }

    /// <summary>The child: connects, and answers each request with a reply, until the connection ends.</summary>
    public static void Echo(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
        byte[] buffer = new byte[256];
        while (true)
        {
            int got = 0;
            while (got < Request)
            {
                int n = socket.Receive(buffer.AsSpan(got));
                if (n == 0)
                {
                    return;
                }
                got += n;
            }
            socket.Send(buffer.AsSpan(0, Reply));
        }
    }
}
