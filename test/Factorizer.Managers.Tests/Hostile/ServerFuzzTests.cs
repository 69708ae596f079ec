using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text.Json;
using Factorizer.Managers.Client;
using Factorizer.Managers.Tests.Support;
using Factorizer.Managers.Wire;
using Factorizer.Pickle;
using Xunit.Abstractions;

namespace Factorizer.Managers.Tests.Hostile;

/// <summary>
/// A seeded fuzz of a running server: 10,000 mutated request frames (from requests our writer makes and the
/// recorded pickle vectors), sent over authenticated call channels by a few peers at once. Every frame is
/// answered or its connection closed within a bound, the server's memory stays bounded, and a well-behaved
/// client keeps working between batches.
/// </summary>
public class ServerFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 4_2024;
    private const int Cases = 10_000;
    private const int Peers = 4;
    private const int Batches = 10;

    private static readonly byte[] Opcodes = "().0129NKMJ\u008a\u008bGX\u008cBC\u008e\u008d\u0096)\u0085\u0086\u0087t]le}dsu\u008f\u0090\u0091\u0094qrhjc\u0093R\u0081\u0092bP\u0095\u0080\u0088\u0089"u8.ToArray();

    [Fact]
    public async Task MutatedFrames_AreAnsweredOrClosed_MemoryStaysBounded_WitnessKeepsWorking()
    {
        await using TestServer server = TestServer.Start();
        await using ManagerClient witnessClient = await server.ConnectAsync();
        await using QueueProxy<string> witness = await witnessClient.GetQueueAsync<string>("get_queue", ["witness"]).WaitAsync(Timeouts.Short);
        (Token target, _) = await witnessClient.CreateAsync("get_queue", ["fuzz"]).WaitAsync(Timeouts.Short);
        // Enough items that no fuzzed get or reserve can block (join is never in a seed).
        for (int i = 0; i < Cases + 10; i++)
        {
            Assert.True(server.Named("fuzz").TryPut((long)i));
        }
        byte[][] seeds = Seeds(target.Id);
        long memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var stats = new Stats();
        var peers = new FuzzPeer[Peers];
        for (int p = 0; p < Peers; p++)
        {
            peers[p] = new FuzzPeer(server, stats);
        }

        try
        {
            int perBatch = Cases / Batches;
            for (int batch = 0; batch < Batches; batch++)
            {
                int first = batch * perBatch;
                await Task.WhenAll(peers.Select((peer, p) => peer.RunAsync(
                    Enumerable.Range(first, perBatch).Where(i => i % Peers == p), i => Mutate(seeds, new Random(Seed + i)))));
                string item = $"witness-{batch}";
                await witness.PutAsync(item).AsTask().WaitAsync(Timeouts.Short);
                Assert.Equal(item, await witness.GetAsync(TimeSpan.Zero).AsTask().WaitAsync(Timeouts.Short));
            }
        }
        finally
        {
            foreach (FuzzPeer peer in peers)
            {
                await peer.DisposeAsync();
            }
        }

        long memoryAfter = GC.GetTotalMemory(forceFullCollection: true);
        output.WriteLine($"{stats.Cases} cases in {watch.Elapsed.TotalSeconds:0.0} s: {stats.Replies} replies, {stats.Closes} closes, " +
            $"{stats.Connections} connections; managed heap {memoryBefore / 1e6:0.0} MB before, {memoryAfter / 1e6:0.0} MB after");
        Assert.Empty(stats.Failures);
        Assert.Equal(Cases, stats.Cases);
        Assert.True(stats.Replies > Cases / 10 && stats.Closes > Cases / 20, $"{stats.Replies} replies, {stats.Closes} closes: the mutator is off");
        Assert.True(memoryAfter - memoryBefore < 128L << 20, $"managed heap grew by {(memoryAfter - memoryBefore) / 1e6:0.0} MB");
        Assert.False(server.Server.Completion.IsCompleted);
    }

    /// <summary>Requests our writer makes for the fuzz queue, and every recorded vector as a put's item.</summary>
    private static byte[][] Seeds(string ident)
    {
        var kwargs = new Dictionary<string, object?> { ["block"] = false };
        List<byte[]> seeds =
        [
            .. new[]
            {
                Request.Of(ident, "qsize"), Request.Of(ident, "empty"), Request.Of(ident, "full"),
                Request.Of(ident, "get_nowait"), Request.Of(ident, "get", false), Request.Of(ident, "get", true, 0.5),
                Request.Of(ident, "put", new List<object?> { 999_999_999_999L, 1_000_000_000_001L }),
                Request.Of(ident, "put_nowait", new Dictionary<object, object?>(PyEqualityComparer.Instance) { [15L] = new List<object?> { 3L, 5L } }),
                Request.Of(ident, "put", "text", true, 1.0), Request.Of(ident, "reserve", false), Request.Of(ident, "touch", "lease-1"),
                Request.Of(ident, "ack", "lease-1"), Request.Of(ident, "task_done"), Request.Of(ident, "__repr__"),
                new Request(ident, "get", PyTuple.Empty, kwargs), Request.Of("9999", "qsize"), Request.Of(null, "dummy"),
            }.Select(r => PyPickle.Dumps(r.ToValue())),
        ];
        string path = Path.Combine(AppContext.BaseDirectory, "Data", "pickle_vectors.json");
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(path));
        byte[] prefix = PyPickle.Dumps(Request.Of(ident, "put", "x").ToValue(), protocol: 4);
        byte[] tail = [0x8C, 1, (byte)'x', 0x85, 0x7D, 0x74, 0x2E]; // 'x' TUPLE1 EMPTY_DICT TUPLE STOP
        Assert.Equal(tail, prefix[^tail.Length..]);
        foreach (JsonElement vector in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            byte[] pickle = Convert.FromHexString(vector.GetProperty("hex").GetString()!);
            seeds.Add(pickle);
            // ('<ident>', 'put', (<vector>,), {}): the vector's body in place of the item "x".
            seeds.Add([.. prefix.AsSpan(0, prefix.Length - tail.Length), .. pickle.AsSpan(2, pickle.Length - 3), .. tail[3..]]);
        }
        return [.. seeds];
    }

    /// <summary>One fuzz case: how the frame goes on the wire, and whether the sender then stops sending.</summary>
    private sealed record FuzzCase(byte[] Wire, bool ThenHalfClose);

    private static FuzzCase Mutate(byte[][] seeds, Random random)
    {
        byte[] payload = MutatePickle(seeds[random.Next(seeds.Length)], seeds, random);
        switch (random.Next(10))
        {
            case 0: // a header that lies about the length: EOF (half close) ends the frame early or late
            {
                int length = random.Next(4) switch
                {
                    0 => payload.Length + random.Next(1, 100),
                    1 => Math.Max(0, payload.Length - random.Next(1, 20)),
                    2 => int.MaxValue - random.Next(3),
                    _ => random.Next(int.MinValue, 0),
                };
                return new FuzzCase([.. Header(length), .. payload], true);
            }
            case 1: // the large form: -1 then a 64-bit length
            {
                byte[] large = new byte[8];
                BinaryPrimitives.WriteUInt64BigEndian(large, random.Next(2) == 0 ? (ulong)payload.Length : ulong.MaxValue - (ulong)random.Next(1000));
                return new FuzzCase([.. Header(-1), .. large, .. payload], true);
            }
            case 2: // a frame cut short, or two frames run together under one header
            {
                byte[] framed = [.. Header(payload.Length), .. payload];
                return random.Next(2) == 0
                    ? new FuzzCase(framed[..random.Next(1, framed.Length)], true)
                    : new FuzzCase([.. Header(payload.Length * 2), .. payload, .. payload], true);
            }
            default: // a well-framed mutated pickle: answered, or the connection closed
                return new FuzzCase([.. Header(payload.Length), .. payload], false);
        }
    }

    private static byte[] Header(int length)
    {
        byte[] header = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(header, length);
        return header;
    }

    private static byte[] MutatePickle(byte[] original, byte[][] seeds, Random random)
    {
        var data = new List<byte>(original);
        int count = random.Next(1, 4);
        for (int m = 0; m < count && data.Count > 0; m++)
        {
            int at = random.Next(data.Count);
            switch (random.Next(8))
            {
                case 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 2: // a length field that lies
                    for (int k = at; k < Math.Min(at + 4, data.Count); k++)
                    {
                        data[k] = random.Next(2) == 0 ? (byte)0xFF : (byte)0x7F;
                    }
                    break;
                case 3:
                    data.Insert(at, Opcodes[random.Next(Opcodes.Length)]);
                    break;
                case 4: // a duplicated segment, sometimes thousands of times (amplification)
                {
                    byte[] segment = [.. data.GetRange(at, random.Next(1, Math.Min(8, data.Count - at) + 1))];
                    int times = random.Next(5) == 0 ? random.Next(1000, 50_000) : random.Next(1, 4);
                    for (int t = 0; t < times; t++)
                    {
                        data.InsertRange(at, segment);
                    }
                    break;
                }
                case 5: // splice from another seed
                {
                    byte[] other = seeds[random.Next(seeds.Length)];
                    int from = random.Next(other.Length);
                    data.InsertRange(at, other.AsSpan(from, random.Next(other.Length - from + 1)).ToArray());
                    break;
                }
                case 6:
                    data[at] = (byte)random.Next(256);
                    break;
                default: // a huge declared length after a string or bytes opcode
                    data.InsertRange(at, [new byte[] { 0x58, 0x42, 0x8D, 0x8E }[random.Next(4)], 0xFF, 0xFF, 0xFF, 0x7F]);
                    break;
            }
        }
        return [.. data];
    }

    private sealed class Stats
    {
        private int _cases;
        private int _replies;
        private int _closes;
        private int _connections;

        public List<string> Failures { get; } = [];

        public int Cases => _cases;

        public int Replies => _replies;

        public int Closes => _closes;

        public int Connections => _connections;

        public void Case() => Interlocked.Increment(ref _cases);

        public void Reply() => Interlocked.Increment(ref _replies);

        public void Close() => Interlocked.Increment(ref _closes);

        public void Connection() => Interlocked.Increment(ref _connections);

        public void Fail(string failure)
        {
            lock (Failures)
            {
                if (Failures.Count < 20)
                {
                    Failures.Add(failure);
                }
            }
        }
    }

    /// <summary>One fuzzing connection at a time, replaced whenever the server closes it.</summary>
    private sealed class FuzzPeer(TestServer server, Stats stats) : IAsyncDisposable
    {
        private RawPeer? _peer;

        public async Task RunAsync(IEnumerable<int> cases, Func<int, FuzzCase> make)
        {
            foreach (int i in cases)
            {
                FuzzCase fuzz = make(i);
                stats.Case();
                try
                {
                    await RunCaseAsync(fuzz);
                }
                catch (Exception e) when (e is TimeoutException or InvalidOperationException or Xunit.Sdk.XunitException)
                {
                    stats.Fail($"case {i}: {e.GetType().Name}: {e.Message} (frame {Convert.ToHexStringLower(fuzz.Wire.AsSpan(0, Math.Min(fuzz.Wire.Length, 120)))})");
                    await DropAsync();
                }
            }
        }

        private async Task RunCaseAsync(FuzzCase fuzz)
        {
            if (_peer is null)
            {
                _peer = await RawPeer.ConnectCallChannelAsync(server.EndPoint, server.Key);
                stats.Connection();
            }
            try
            {
                await _peer.WriteRawAsync(fuzz.Wire);
                if (fuzz.ThenHalfClose)
                {
                    _peer.Socket.Shutdown(SocketShutdown.Send);
                }
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                // The server hung up while the frame was going out (an oversized header, say).
                stats.Close();
                await DropAsync();
                return;
            }
            if (fuzz.ThenHalfClose)
            {
                // Whatever the server answers, it must then close: the peer will send nothing more.
                while (await ReadOrClosedAsync() is not null)
                {
                }
                stats.Close();
                await DropAsync();
                return;
            }
            if (await ReadOrClosedAsync() is null)
            {
                stats.Close();
                await DropAsync();
                return;
            }
        }

        /// <summary>The next reply (checked to be one), or null once the server has closed; TimeoutException past the bound.</summary>
        private async Task<byte[]?> ReadOrClosedAsync()
        {
            byte[]? frame;
            try
            {
                frame = await _peer!.ReadFrameAsync(max: 1 << 24);
            }
            catch (IOException)
            {
                return null;
            }
            if (frame is null)
            {
                return null;
            }
            Assert.True(Reply.TryParse(MessageChannel.Decode(frame), out _), "the server sent something that is not a reply");
            stats.Reply();
            return frame;
        }

        private async Task DropAsync()
        {
            if (_peer is not null)
            {
                await _peer.DisposeAsync();
                _peer = null;
            }
        }

        public ValueTask DisposeAsync() => new(DropAsync());
    }
}
