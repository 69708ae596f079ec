using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Factorizer.WireBench;

/// <summary>
/// The reference queues' side of the comparison: tiny clients of beanstalkd's and redis's text protocols, one
/// blocking connection per thread (the cheapest a client gets, so the references are not handicapped).
/// Benchmark only: they parse just the replies these loops expect.
/// </summary>
internal static class TextProtocolLoad
{
    // The same payload our queue carries: [1, 2, 3] pickled by CPython (protocol 4).
    private static readonly byte[] Payload = Convert.FromHexString("8004950b000000000000005d94284b014b024b03652e");

    /// <summary>beanstalkd: put, reserve, delete per item. Returns items/s summed over <paramref name="clients"/>.</summary>
    public static double Beanstalk(int port, int clients, TimeSpan duration) => Run(port, clients, duration, connection =>
    {
        byte[] put = [.. Encoding.ASCII.GetBytes($"put 0 0 60 {Payload.Length}\r\n"), .. Payload, .. "\r\n"u8];
        byte[] reserve = "reserve\r\n"u8.ToArray();
        return () =>
        {
            connection.Send(put);
            connection.ExpectLine("INSERTED ");
            connection.Send(reserve);
            string reserved = connection.ExpectLine("RESERVED ");
            string[] parts = reserved.Split(' ');
            connection.Skip(int.Parse(parts[2], CultureInfo.InvariantCulture) + 2);
            connection.Send(Encoding.ASCII.GetBytes($"delete {parts[1]}\r\n"));
            connection.ExpectLine("DELETED");
        };
    });

    /// <summary>redis: LPUSH then BRPOP per item, each client on its own list. Returns items/s summed.</summary>
    public static double Redis(int port, int clients, TimeSpan duration)
    {
        int next = 0;
        return Run(port, clients, duration, connection =>
        {
            string key = "q" + Interlocked.Increment(ref next).ToString(CultureInfo.InvariantCulture);
            byte[] push = [.. Encoding.ASCII.GetBytes($"*3\r\n$5\r\nLPUSH\r\n${key.Length}\r\n{key}\r\n${Payload.Length}\r\n"), .. Payload, .. "\r\n"u8];
            byte[] pop = Encoding.ASCII.GetBytes($"*3\r\n$5\r\nBRPOP\r\n${key.Length}\r\n{key}\r\n$1\r\n0\r\n");
            return () =>
            {
                connection.Send(push);
                connection.ExpectLine(":");
                connection.Send(pop);
                connection.ExpectLine("*2");
                string keyLength = connection.ExpectLine("$");
                connection.Skip(int.Parse(keyLength[1..], CultureInfo.InvariantCulture) + 2);
                string valueLength = connection.ExpectLine("$");
                connection.Skip(int.Parse(valueLength[1..], CultureInfo.InvariantCulture) + 2);
            };
        });
    }

    private static double Run(int port, int clients, TimeSpan duration, Func<LineConnection, Action> makeItem)
    {
        var connections = Enumerable.Range(0, clients).Select(_ => new LineConnection(port)).ToList();
        try
        {
            Action[] items = [.. connections.Select(makeItem)];
            foreach (Action item in items)
            {
                for (int i = 0; i < 300; i++)
                {
                    item(); // warm-up
                }
            }
            double[] rates = new double[clients];
            using var start = new Barrier(clients);
            Thread[] threads = [.. Enumerable.Range(0, clients).Select(c => new Thread(() =>
            {
                start.SignalAndWait();
                long done = 0;
                var clock = Stopwatch.StartNew();
                while (clock.Elapsed < duration)
                {
                    for (int i = 0; i < 50; i++)
                    {
                        items[c]();
                    }
                    done += 50;
                }
                rates[c] = done / clock.Elapsed.TotalSeconds;
            }))];
            foreach (Thread t in threads)
            {
                t.Start();
            }
            foreach (Thread t in threads)
            {
                t.Join();
            }
            return rates.Sum();
        }
        finally
        {
            foreach (LineConnection c in connections)
            {
                c.Dispose();
            }
        }
    }

    /// <summary>A blocking connection that reads CRLF-terminated lines and skips counted bytes.</summary>
    private sealed class LineConnection : IDisposable
    {
        private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        private readonly byte[] _buffer = new byte[4096];
        private int _start;
        private int _end;

        public LineConnection(int port) => _socket.Connect(IPAddress.Loopback, port);

        public void Send(byte[] data) => _socket.Send(data);

        public string ExpectLine(string prefix)
        {
            while (true)
            {
                int eol = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
                if (eol >= 0)
                {
                    string line = Encoding.ASCII.GetString(_buffer, _start, eol);
                    _start += eol + 2;
                    return line.StartsWith(prefix, StringComparison.Ordinal) ? line : throw new InvalidOperationException($"expected {prefix}..., got {line}");
                }
                Fill();
            }
        }

        public void Skip(int count)
        {
            while (_end - _start < count)
            {
                Fill();
            }
            _start += count;
        }

        private void Fill()
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            int got = _socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
            _end += got > 0 ? got : throw new EndOfStreamException("the server closed the connection");
        }

        public void Dispose() => _socket.Dispose();
    }
}
