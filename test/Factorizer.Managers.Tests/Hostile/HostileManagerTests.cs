using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Factorizer.Managers.Auth;
using Factorizer.Managers.Client;
using Factorizer.Managers.Client.Proxies;
using Factorizer.Managers.Tests.Support;
using Factorizer.Managers.Wire;
using Factorizer.Pickle;

namespace Factorizer.Managers.Tests.Hostile;

/// <summary>
/// Typed proxies against a broken or hostile manager: a fake one that answers the handshake and the control
/// calls properly, then answers method calls with whatever the test gives it. Every case ends in an exception
/// the caller can read, never a hang, and the client goes on working.
/// </summary>
public sealed class HostileManagerTests : IAsyncLifetime
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _serving;
    private readonly Func<Request, Answer> _answer;

    public HostileManagerTests()
    {
        _answer = request => _answers.TryDequeue(out Func<Request, Answer>? next) ? next(request) : Answer.Of(Reply.None);
        _listener.Start();
        _serving = ServeAsync();
    }

    private readonly ConcurrentQueue<Func<Request, Answer>> _answers = new(); // served by the fake's connection tasks

    /// <summary>What the fake manager sends for one method call.</summary>
    private sealed record Answer(byte[]? Frame, bool CutOff = false)
    {
        public static Answer Of(Reply reply) => new(PyPickle.Dumps(reply.ToValue()));
    }

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = Task.Run(() => ServeConnectionAsync(socket));
        }
    }

    private async Task ServeConnectionAsync(Socket socket)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        await using var channel = new MessageChannel(stream, 1 << 20);
        try
        {
            await Handshake.RunAsServerAsync(channel.Frames, TestServer.DefaultKey, _stop.Token);
            while (await channel.ReadFrameAsync(_stop.Token) is { } frame)
            {
                Assert.True(Request.TryParse(MessageChannel.Decode(frame), out Request? request, out _));
                Answer answer = request!.Method switch
                {
                    WireLiterals.Create => Answer.Of(Reply.Return(new PyTuple("obj1", new PyTuple("__getitem__", "acquire", "release")))),
                    WireLiterals.Dummy or WireLiterals.AcceptConnection or WireLiterals.IncRef or WireLiterals.DecRef => Answer.Of(Reply.None),
                    _ => _answer(request),
                };
                if (answer.CutOff)
                {
                    // A frame header promising 100 bytes, 3 of them, then the connection closes.
                    byte[] header = new byte[4];
                    BinaryPrimitives.WriteInt32BigEndian(header, 100);
                    await stream.WriteAsync(header, _stop.Token);
                    await stream.WriteAsync(new byte[] { 0x80, 0x04, 0x95 }, _stop.Token);
                    return;
                }
                await channel.SendPickledAsync(answer.Frame!, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The test is over, or the client went away.
        }
    }

    private Task<ManagerClient> ConnectAsync() =>
        QueueManager.ConnectAsync("127.0.0.1", Port, TestServer.DefaultKey).WaitAsync(Timeouts.Short);

    [Fact]
    public async Task GarbageReply_UnpicklingError_ThenTheNextCallWorks()
    {
        await using ManagerClient client = await ConnectAsync();
        await using DictProxy<string, long> d = await client.CreateDictAsync<string, long>().WaitAsync(Timeouts.Short);
        _answers.Enqueue(_ => new Answer([0x80, 0x04, 0xff, 0xff, 0x2e]));
        _answers.Enqueue(_ => Answer.Of(Reply.Return(7L)));

        await Assert.ThrowsAnyAsync<UnpicklingException>(() => d.GetAsync("a").WaitAsync(Timeouts.Short));
        Assert.Equal(7, await d.GetAsync("a").WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task ReplyCutOffMidFrame_ManagerConnectionException()
    {
        await using ManagerClient client = await ConnectAsync();
        await using DictProxy<string, long> d = await client.CreateDictAsync<string, long>().WaitAsync(Timeouts.Short);
        _answers.Enqueue(_ => new Answer(null, CutOff: true));

        await Assert.ThrowsAsync<ManagerConnectionException>(() => d.GetAsync("a").WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task ReplyOfTheWrongShape_ProtocolErrorOrInvalidCast()
    {
        await using ManagerClient client = await ConnectAsync();
        await using DictProxy<string, long> d = await client.CreateDictAsync<string, long>().WaitAsync(Timeouts.Short);
        await using LockProxy lk = new(await client.CreateProxyAsync("Lock").WaitAsync(Timeouts.Short));
        _answers.Enqueue(_ => Answer.Of(new Reply(WireLiterals.Proxy, new PyTuple(new PyTuple(1L), "no token"))));
        _answers.Enqueue(_ => Answer.Of(Reply.Return("not a number")));
        _answers.Enqueue(_ => Answer.Of(Reply.Return("not a bool")));
        _answers.Enqueue(_ => Answer.Of(new Reply("#NONSENSE", null)));

        Assert.Equal("ProtocolError", (await Assert.ThrowsAsync<RemoteException>(() => d.GetIteratorAsync().WaitAsync(Timeouts.Short))).RemoteType);
        await Assert.ThrowsAsync<InvalidCastException>(() => d.GetAsync("a").WaitAsync(Timeouts.Short));
        Assert.Contains("acquire returned", (await Assert.ThrowsAsync<RemoteException>(() => lk.AcquireAsync(Timeouts.Short).WaitAsync(Timeouts.Short))).Message, StringComparison.Ordinal);
        Assert.Equal("ProtocolError", (await Assert.ThrowsAsync<RemoteException>(() => d.CountAsync().WaitAsync(Timeouts.Short))).RemoteType);
    }

    [Fact]
    public async Task ProxyReply_TokenAddressReplacedByTheClients_DisposeDecrefs()
    {
        await using ManagerClient client = await ConnectAsync();
        await using DictProxy<string, long> d = await client.CreateDictAsync<string, long>().WaitAsync(Timeouts.Short);
        // A server bound to 0.0.0.0 names that address in its tokens; the client keeps using the address it dialled.
        _answers.Enqueue(_ => Answer.Of(new Reply(WireLiterals.Proxy, new PyTuple(new PyTuple("__next__"), new Token("Iterator", "0.0.0.0", 1, "it1")))));
        _answers.Enqueue(request => Answer.Of(request.Method == "__next__" ? Reply.Error(PyException.Builtin("StopIteration", "")) : Reply.Return(null)));

        await using IteratorProxy<string> it = await d.GetIteratorAsync().WaitAsync(Timeouts.Short);

        Assert.Equal(new Token("Iterator", "127.0.0.1", Port, "it1"), it.Token);
        Assert.False((await it.TryNextAsync().WaitAsync(Timeouts.Short)).HasItem);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _serving.WaitAsync(Timeouts.Short);
        _stop.Dispose();
    }
}
