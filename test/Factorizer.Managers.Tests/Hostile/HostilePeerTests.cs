using System.Buffers.Binary;
using System.Text;
using Factorizer.Managers.Auth;
using Factorizer.Managers.Client;
using Factorizer.Managers.Tests.Support;
using Factorizer.Managers.Wire;
using Factorizer.Pickle;
using Factorizer.TestSupport;

namespace Factorizer.Managers.Tests.Hostile;

/// <summary>
/// Broken and malicious peers against our server, each while a well-behaved client is connected
/// (with a call channel open); the offender is cut off and the good client keeps working.
/// </summary>
public class HostilePeerTests
{
    private static readonly byte[] ChallengeTag = "#CHALLENGE#"u8.ToArray();

    /// <summary>A well-behaved client with an open call channel that proves the server still serves it.</summary>
    private sealed class Witness : IAsyncDisposable
    {
        private ManagerClient _client = null!;
        private QueueProxy<string> _queue = null!;
        private int _round;

        public static async Task<Witness> StartAsync(TestServer server)
        {
            var w = new Witness { _client = await server.ConnectAsync() };
            w._queue = await w._client.GetQueueAsync<string>("get_queue", ["witness"]).WaitAsync(Timeouts.Short);
            await w.RoundTripAsync();
            return w;
        }

        /// <summary>A put and a get on the client's existing call channel, then on a fresh connection.</summary>
        public async Task RoundTripAsync()
        {
            string item = $"item-{_round++}";
            await _queue.PutAsync(item).AsTask().WaitAsync(Timeouts.Short);
            Assert.Equal(item, await _queue.GetAsync(TimeSpan.Zero).AsTask().WaitAsync(Timeouts.Short));
            Assert.Null(await _client.ControlAsync(WireLiterals.Dummy, PyTuple.Empty).WaitAsync(Timeouts.Short));
        }

        public async ValueTask DisposeAsync()
        {
            await _queue.DisposeAsync();
            await _client.DisposeAsync();
        }
    }

    private static async Task<Reply?> ReplyOrClosedAsync(RawPeer peer)
    {
        try
        {
            byte[]? frame = await peer.ReadFrameAsync();
            if (frame is null)
            {
                return null;
            }
            Assert.True(Reply.TryParse(MessageChannel.Decode(frame), out Reply? reply));
            return reply;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static byte[] Header(int length)
    {
        byte[] h = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(h, length);
        return h;
    }

    [Fact]
    public async Task WrongKey_GetsFailureAndNothingMore()
    {
        await using TestServer server = TestServer.Start();
        await using Witness witness = await Witness.StartAsync(server);
        await using RawPeer peer = await RawPeer.ConnectAsync(server.EndPoint);

        byte[] challenge = (await peer.ReadFrameAsync())!;
        Assert.Equal(ChallengeTag, challenge[..ChallengeTag.Length]);
        byte[] wrong = ChallengeDigest.CreateResponse("wrong-key"u8, challenge.AsSpan(ChallengeTag.Length));
        await peer.WriteFrameAsync(wrong);

        Assert.Equal("#FAILURE#"u8.ToArray(), await peer.ReadFrameAsync());
        await peer.AssertClosedAsync();
        await witness.RoundTripAsync();
    }

    [Fact]
    public async Task WrongKey_OurClient_ManagerAuthenticationException()
    {
        await using TestServer server = TestServer.Start();
        await using Witness witness = await Witness.StartAsync(server);

        await Assert.ThrowsAsync<ManagerAuthenticationException>(() => server.ConnectAsync("wrong-key"u8.ToArray()));

        await witness.RoundTripAsync();
    }

    [Fact]
    public async Task WrongKey_RequestSentAnywayAfterFailure_NeverAnswered()
    {
        await using TestServer server = TestServer.Start();
        await using Witness witness = await Witness.StartAsync(server);
        await using RawPeer peer = await RawPeer.ConnectAsync(server.EndPoint);

        await peer.ReadFrameAsync();
        await peer.WriteFrameAsync(new byte[16]);
        try
        {
            // Carry on as if welcomed: the server must not read, let alone run, this.
            await peer.WriteFrameAsync(PyPickle.Dumps(Request.Of(null, WireLiterals.Shutdown).ToValue()));
        }
        catch (Exception e) when (e is IOException)
        {
            // Already closed: fine.
        }

        Assert.Equal("#FAILURE#"u8.ToArray(), await peer.ReadFrameAsync());
        await peer.AssertClosedAsync();
        Assert.False(server.Server.Completion.IsCompleted);
        await witness.RoundTripAsync();
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\nHost: x\r\n\r\n")]
    [InlineData("\u0000\u0000\u0000\u0003abc")]
    [InlineData("\u0000\u0000\u0000\u0010#WELCOME##WELCOME#")]
    public async Task GarbageInsteadOfHandshake_ClosedWithoutWelcome(string garbage)
    {
        await using TestServer server = TestServer.Start();
        await using Witness witness = await Witness.StartAsync(server);
        await using RawPeer peer = await RawPeer.ConnectAsync(server.EndPoint);

        await peer.WriteRawAsync(Encoding.Latin1.GetBytes(garbage));

        Assert.StartsWith("#CHALLENGE#", Encoding.Latin1.GetString((await peer.ReadFrameAsync())!), StringComparison.Ordinal);
        byte[]? verdict = await ReadFrameOrNullAsync(peer);
        Assert.True(verdict is null || verdict.AsSpan().SequenceEqual("#FAILURE#"u8), "no #WELCOME# for garbage");
        await peer.AssertClosedAsync();
        await witness.RoundTripAsync();
    }

    [Fact]
    public async Task RandomBytesFlood_ClosedAndServerUnharmed()
    {
        await using TestServer server = TestServer.Start();
        await using Witness witness = await Witness.StartAsync(server);
        byte[] noise = new byte[64 * 1024];
        new Random(1234).NextBytes(noise);
        noise[0] = 0x7F; // make the first header huge rather than leave it to chance

        await using RawPeer peer = await RawPeer.ConnectAsync(server.EndPoint);
        try
        {
            await peer.WriteRawAsync(noise);
        }
        catch (IOException)
        {
            // The server may already have hung up.
        }

        await DrainUntilClosedAsync(peer);
        await witness.RoundTripAsync();
    }

    [Theory]
    [InlineData(0x7FFFFFFF)]
    [InlineData(257)]
    [InlineData(-1)]
    [InlineData(-2)]
    [InlineData(int.MinValue)]
    public async Task BadLengthHeader_BeforeAuth_Closed(int length)
    {
        await using TestServer server = TestServer.Start();
        await using Witness witness = await Witness.StartAsync(server);
        await using RawPeer peer = await RawPeer.ConnectAsync(server.EndPoint);

        Assert.NotNull(await peer.ReadFrameAsync()); // the challenge
        // -1 announces the large form: give it a huge 64-bit length.
        byte[] header = length == -1 ? [.. Header(-1), 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] : Header(length);
        await peer.WriteRawAsync([.. header, .. new byte[16]]);

        await peer.AssertClosedAsync();
        await witness.RoundTripAsync();
    }

    [Theory]
    [InlineData(0x7FFFFFFF, false)]
    [InlineData(0x7FFFFFFF, true)]
    [InlineData(-2, false)]
    [InlineData(-2, true)]
    [InlineData(-1, true)]
    public async Task BadLengthHeader_AfterAuth_Closed(int length, bool inCallLoop)
    {
        await using TestServer server = TestServer.Start();
        await using Witness witness = await Witness.StartAsync(server);
        await using RawPeer peer = inCallLoop
            ? await RawPeer.ConnectCallChannelAsync(server.EndPoint, server.Key)
            : await RawPeer.ConnectAuthenticatedAsync(server.EndPoint, server.Key);

        byte[] header = length == -1 ? [.. Header(-1), 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] : Header(length);
        await peer.WriteRawAsync([.. header, .. new byte[16]]);

        await peer.AssertClosedAsync();
        await witness.RoundTripAsync();
    }

    [Fact]
    public async Task FrameOverMaxFrameLength_AfterAuth_ClosedBeforeThePayloadIsStored()
    {
        await using TestServer server = TestServer.Start(maxFrameLength: 4096);
        await using Witness witness = await Witness.StartAsync(server);
        await using RawPeer control = await RawPeer.ConnectAuthenticatedAsync(server.EndPoint, server.Key);
        await using RawPeer call = await RawPeer.ConnectCallChannelAsync(server.EndPoint, server.Key);
        byte[] big = PyPickle.Dumps(Request.Of(null, WireLiterals.Dummy, new byte[5000]).ToValue());

        foreach (RawPeer peer in new[] { control, call })
        {
            try
            {
                await peer.WriteFrameAsync(big);
            }
            catch (IOException)
            {
                // The server may hang up before the payload is all sent.
            }
            await peer.AssertClosedAsync();
        }
        await witness.RoundTripAsync();
    }

    [Fact]
    public async Task FrameJustUnderMaxFrameLength_AfterAuth_Served()
    {
        await using TestServer server = TestServer.Start(maxFrameLength: 4096);
        await using RawPeer call = await RawPeer.ConnectCallChannelAsync(server.EndPoint, server.Key);
        await using ManagerClient client = await server.ConnectAsync();
        (Token token, _) = await client.CreateAsync("get_job_q", []);

        Reply reply = await call.RequestAsync(Request.Of(token.Id, "put", new byte[3900]));

        Assert.Equal(Reply.None, reply);
        Assert.Equal(1, server.Jobs.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("80")]
    [InlineData("80044e")]
    [InlineData("8004952000000000000000284e8c03707574")] // a request cut off mid-way
    [InlineData("800458ffffff7f")] // a str announcing 2 GiB that never comes
    public async Task TruncatedPickle_AfterAcceptConnection_ClosedWithoutReply(string hex)
    {
        await using TestServer server = TestServer.Start();
        await using Witness witness = await Witness.StartAsync(server);
        await using RawPeer peer = await RawPeer.ConnectCallChannelAsync(server.EndPoint, server.Key);

        await peer.WriteFrameAsync(Convert.FromHexString(hex));

        await peer.AssertClosedAsync();
        await witness.RoundTripAsync();
    }

    [Theory]
    [InlineData("not a pickle at all")]
    [InlineData("\u00ff\u00fe\u00fd")]
    [InlineData("\u0080\u0009N.")] // protocol 9
    [InlineData("\u0080\u0004I1\n.")] // INT: a protocol 0 opcode refused by the whitelist reader
    public async Task NonPickleBytes_InCallLoop_TracebackAndChannelStillWorks(string payload)
    {
        await using TestServer server = TestServer.Start();
        await using Witness witness = await Witness.StartAsync(server);
        await using RawPeer peer = await RawPeer.ConnectCallChannelAsync(server.EndPoint, server.Key);
        await using ManagerClient client = await server.ConnectAsync();
        (Token token, _) = await client.CreateAsync("get_job_q", []);

        await peer.WriteFrameAsync(Encoding.Latin1.GetBytes(payload));
        Reply bad = await peer.ReadReplyAsync();
        Reply good = await peer.RequestAsync(Request.Of(token.Id, "qsize"));

        Assert.Equal(WireLiterals.Traceback, bad.Kind);
        Assert.Contains("Traceback", Assert.IsType<string>(bad.Payload), StringComparison.Ordinal);
        Assert.Equal(Reply.Return(0L), good);
        await witness.RoundTripAsync();
    }

    public static TheoryData<string> MalformedRequests() =>
        ["two items", "not a tuple", "method not a str", "args not a tuple", "kwargs not a dict", "kwargs key not a str",
         "deep marks", "deep lists", "bad memo index", "stop on empty stack", "huge list count"];

    private static byte[] MalformedRequest(string what)
    {
        Dictionary<object, object?> Dict(object key, object? value) => new(PyEqualityComparer.Instance) { [key] = value };
        var empty = new Dictionary<object, object?>(PyEqualityComparer.Instance);
        return what switch
        {
            "two items" => PyPickle.Dumps(new PyTuple(null, "dummy")),
            "not a tuple" => PyPickle.Dumps("dummy"),
            "method not a str" => PyPickle.Dumps(new PyTuple("1000", 1L, PyTuple.Empty, empty)),
            "args not a tuple" => PyPickle.Dumps(new PyTuple("1000", "qsize", 1L, empty)),
            "kwargs not a dict" => PyPickle.Dumps(new PyTuple("1000", "qsize", PyTuple.Empty, 1L)),
            "kwargs key not a str" => PyPickle.Dumps(new PyTuple("1000", "qsize", PyTuple.Empty, Dict(1L, 2L))),
            "deep marks" => [0x80, 0x03, .. Enumerable.Repeat((byte)0x28, 5000), 0x2E],
            "deep lists" => [0x80, 0x03, .. Enumerable.Repeat((byte)0x5D, 5000), .. Enumerable.Repeat((byte)0x61, 4999), 0x2E],
            "bad memo index" => [0x80, 0x03, 0x68, 0x0A, 0x2E],
            "stop on empty stack" => [0x80, 0x03, 0x2E],
            _ => [0x80, 0x03, 0x28, .. Enumerable.Repeat((byte)0x4E, 100_000), 0x74, 0x2E],
        };
    }

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public async Task MalformedRequest_InCallLoop_TracebackAndChannelStillServes(string what)
    {
        await using TestServer server = TestServer.Start();
        await using Witness witness = await Witness.StartAsync(server);
        await using RawPeer peer = await RawPeer.ConnectCallChannelAsync(server.EndPoint, server.Key);

        await peer.WriteFrameAsync(MalformedRequest(what));
        Reply reply = await peer.ReadReplyAsync();
        Reply next = await peer.RequestAsync(Request.Of("0", "qsize"));

        // CPython answers every one of these with #TRACEBACK and keeps serving the channel.
        Assert.Equal(WireLiterals.Traceback, reply.Kind);
        Assert.Equal(WireLiterals.Traceback, next.Kind); // unknown ident '0', but answered: the loop goes on
        await witness.RoundTripAsync();
    }

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public async Task MalformedRequest_AsControlRequest_TracebackThenClosed(string what)
    {
        await using TestServer server = TestServer.Start();
        await using Witness witness = await Witness.StartAsync(server);
        await using RawPeer peer = await RawPeer.ConnectAuthenticatedAsync(server.EndPoint, server.Key);

        await peer.WriteFrameAsync(MalformedRequest(what));
        Reply reply = await peer.ReadReplyAsync();

        Assert.Equal(WireLiterals.Traceback, reply.Kind);
        await peer.AssertClosedAsync();
        await witness.RoundTripAsync();
    }

    /// <summary>Pickles that would run <c>touch MARKER</c> in a Python that unpickled them.</summary>
    public static TheoryData<string> CodeExecutionPickles() =>
        ["posix.system/2", "os.system/4", "os.system/in-request", "builtins.eval/4", "__builtin__.eval/2", "subprocess.check_call/4", "nt.system/3", "os.system/inst"];

    private static byte[] CodeExecutionPickle(string variant, string marker)
    {
        string command = $"touch '{marker}'";
        byte[] Str(string s)
        {
            byte[] b = Encoding.UTF8.GetBytes(s);
            return [0x58, .. BitConverter.GetBytes(b.Length), .. b]; // BINUNICODE (little-endian length)
        }
        byte[] Global(string module, string name) => [0x63, .. Encoding.ASCII.GetBytes($"{module}\n{name}\n")];
        byte[] StackGlobal(string module, string name) => [.. Str(module), .. Str(name), 0x93];
        byte[] Call(byte[] callable, byte[] arg) => [.. callable, .. arg, 0x85, 0x52]; // (arg,) REDUCE
        return variant switch
        {
            "posix.system/2" => [0x80, 0x02, .. Call(Global("posix", "system"), Str(command)), 0x2E],
            "os.system/4" => [0x80, 0x04, .. Call(StackGlobal("os", "system"), Str(command)), 0x2E],
            "nt.system/3" => [0x80, 0x03, .. Call(Global("nt", "system"), Str(command)), 0x2E],
            "builtins.eval/4" => [0x80, 0x04, .. Call(StackGlobal("builtins", "eval"), Str($"__import__('os').system(\"{command}\")")), 0x2E],
            "__builtin__.eval/2" => [0x80, 0x02, .. Call(Global("__builtin__", "eval"), Str($"__import__('os').system(\"{command}\")")), 0x2E],
            "subprocess.check_call/4" => [0x80, 0x04, .. StackGlobal("subprocess", "check_call"), 0x5D, .. Str("touch"), 0x61, .. Str(marker), 0x61, 0x85, 0x52, 0x2E],
            "os.system/inst" => [0x80, 0x02, 0x28, .. Str(command), 0x69, .. Encoding.ASCII.GetBytes("os\nsystem\n"), 0x2E],
            // A well-formed request whose only argument is the payload: ('0', 'put', (os.system(cmd),), {})
            _ => [0x80, 0x04, 0x28, .. Str("1000"), .. Str("put"), .. Call(StackGlobal("os", "system"), Str(command)), 0x85, 0x7D, 0x74, 0x2E],
        };
    }

    [Theory]
    [MemberData(nameof(CodeExecutionPickles))]
    public async Task CodeExecutionPickle_InCallLoop_NeverRunsRefusedAndChannelStillServes(string variant)
    {
        using var temp = new TempDirectory();
        string marker = temp.File("pwned");
        await using TestServer server = TestServer.Start();
        await using Witness witness = await Witness.StartAsync(server);
        await using RawPeer peer = await RawPeer.ConnectCallChannelAsync(server.EndPoint, server.Key);

        await peer.WriteFrameAsync(CodeExecutionPickle(variant, marker));
        Reply reply = await peer.ReadReplyAsync();
        Reply next = await peer.RequestAsync(Request.Of("0", "qsize"));

        Assert.Equal(WireLiterals.Traceback, reply.Kind);
        Assert.Contains("UnpicklingError", (string)reply.Payload!, StringComparison.Ordinal);
        Assert.Contains("refused", (string)reply.Payload!, StringComparison.Ordinal);
        Assert.False(File.Exists(marker), "the pickle ran code");
        Assert.Equal(0, server.Jobs.Count);
        Assert.Equal(0, server.Named("witness").Count);
        Assert.Equal(WireLiterals.Traceback, next.Kind); // unknown ident '0', but answered: one refusal does not cut off
        await witness.RoundTripAsync();
    }

    [Fact]
    public async Task CodeExecutionPickles_TenInARow_PeerIsCutOff()
    {
        using var temp = new TempDirectory();
        string marker = temp.File("pwned");
        await using TestServer server = TestServer.Start();
        await using Witness witness = await Witness.StartAsync(server);
        await using RawPeer peer = await RawPeer.ConnectCallChannelAsync(server.EndPoint, server.Key);

        // A good request in between resets the count.
        for (int i = 0; i < 9; i++)
        {
            await peer.WriteFrameAsync(CodeExecutionPickle("os.system/in-request", marker));
            Assert.Equal(WireLiterals.Traceback, (await peer.ReadReplyAsync()).Kind);
        }
        Assert.Equal(WireLiterals.Traceback, (await peer.RequestAsync(Request.Of("0", "qsize"))).Kind);
        for (int i = 0; i < 10; i++)
        {
            await peer.WriteFrameAsync(CodeExecutionPickle("os.system/4", marker));
            Reply? reply = await ReplyOrClosedAsync(peer);
            Assert.True(reply is null || reply.Kind == WireLiterals.Traceback, $"refusal {i + 1}: {reply}");
        }

        await peer.AssertClosedAsync();
        Assert.False(File.Exists(marker), "the pickle ran code");
        Assert.Contains(server.Log, l => l.Contains("10 refused in a row", StringComparison.Ordinal));
        await witness.RoundTripAsync();
    }

    [Theory]
    [MemberData(nameof(CodeExecutionPickles))]
    public async Task CodeExecutionPickle_AsControlRequest_NeverRunsAndPeerGetsTracebackOrClose(string variant)
    {
        using var temp = new TempDirectory();
        string marker = temp.File("pwned");
        await using TestServer server = TestServer.Start();
        await using Witness witness = await Witness.StartAsync(server);
        await using RawPeer peer = await RawPeer.ConnectAuthenticatedAsync(server.EndPoint, server.Key);

        await peer.WriteFrameAsync(CodeExecutionPickle(variant, marker));
        Reply? reply = await ReplyOrClosedAsync(peer);

        Assert.True(reply is null || reply.Kind == WireLiterals.Traceback, $"{variant}: {reply}");
        Assert.True(reply is null || ((string)reply.Payload!).Contains("UnpicklingError", StringComparison.Ordinal), $"{variant}: {reply}");
        Assert.False(File.Exists(marker), "the pickle ran code");
        await witness.RoundTripAsync();
    }

    [Fact]
    public async Task SlowPeer_NeverCompletesHandshake_ClosedAfterHandshakeTimeout()
    {
        await using TestServer server = TestServer.Start(handshakeTimeout: TimeSpan.FromMilliseconds(300));
        await using Witness witness = await Witness.StartAsync(server);
        await using RawPeer silent = await RawPeer.ConnectAsync(server.EndPoint);
        await using RawPeer dribbler = await RawPeer.ConnectAsync(server.EndPoint);

        Assert.NotNull(await silent.ReadFrameAsync()); // reads the challenge, never answers
        Assert.NotNull(await dribbler.ReadFrameAsync());
        await dribbler.WriteRawAsync([0, 0]); // half a header, then nothing

        await silent.AssertClosedAsync();
        await dribbler.AssertClosedAsync();
        Assert.Contains(server.Log, l => l.Contains("handshake not completed", StringComparison.Ordinal));
        await witness.RoundTripAsync();
    }

    [Fact]
    public async Task SlowPeers_ManyAtOnce_AllClosedAndWitnessUnharmed()
    {
        await using TestServer server = TestServer.Start(handshakeTimeout: TimeSpan.FromMilliseconds(300));
        await using Witness witness = await Witness.StartAsync(server);

        RawPeer[] peers = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => RawPeer.ConnectAsync(server.EndPoint)));
        try
        {
            await witness.RoundTripAsync(); // served while 50 handshakes hang
            foreach (RawPeer p in peers)
            {
                await DrainUntilClosedAsync(p);
            }
        }
        finally
        {
            foreach (RawPeer p in peers)
            {
                await p.DisposeAsync();
            }
        }
        await witness.RoundTripAsync();
    }

    [Fact]
    public async Task AuthenticatedPeer_ThatThenGoesSilent_DoesNotBlockOthers()
    {
        await using TestServer server = TestServer.Start();
        await using Witness witness = await Witness.StartAsync(server);
        await using RawPeer idle = await RawPeer.ConnectAuthenticatedAsync(server.EndPoint, server.Key);
        await using RawPeer half = await RawPeer.ConnectCallChannelAsync(server.EndPoint, server.Key);
        await half.WriteRawAsync([0, 0, 0, 50, 0x80, 0x04]); // a frame begun and never finished

        await witness.RoundTripAsync();
    }

    private static async Task<byte[]?> ReadFrameOrNullAsync(RawPeer peer)
    {
        try
        {
            return await peer.ReadFrameAsync();
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Reads (and ignores) whatever the server still sends until it closes; fails if it never does.</summary>
    private static async Task DrainUntilClosedAsync(RawPeer peer)
    {
        byte[] buffer = new byte[4096];
        using var cts = new CancellationTokenSource(Timeouts.Short);
        try
        {
            while (await peer.Stream.ReadAsync(buffer, cts.Token) > 0)
            {
            }
        }
        catch (IOException)
        {
            // reset: closed
        }
        catch (OperationCanceledException)
        {
            Assert.Fail("the server never closed the connection");
        }
    }
}
