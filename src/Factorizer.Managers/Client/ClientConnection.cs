using System.Net.Sockets;
using Factorizer.Managers.Auth;
using Factorizer.Managers.Wire;
using Factorizer.Pickle;

namespace Factorizer.Managers.Client;

/// <summary>An authenticated connection to a manager that carries request/reply pairs.</summary>
internal sealed class ClientConnection : IAsyncDisposable
{
    private readonly MessageChannel _channel;
    private readonly Socket _socket;
    private readonly ThreadBoundSocketStream? _stream;
    private readonly string _peer;

    private ClientConnection(MessageChannel channel, Socket socket, string peer, ThreadBoundSocketStream? stream = null)
    {
        _channel = channel;
        _socket = socket;
        _peer = peer;
        _stream = stream;
    }

    /// <summary>
    /// Connects and runs the handshake on the calling thread, with blocking calls only, so the socket stays out of
    /// the socket engine's event loop: the synchronous calls on it then cost one <c>send</c> and one blocking
    /// <c>recv</c> and wake only the caller (an event-loop socket also wakes the event thread on every reply).
    /// </summary>
    public static ClientConnection Open(ManagerClientOptions options)
    {
        string peer = $"{options.Host}:{options.Port}";
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var stream = new ThreadBoundSocketStream(socket);
        var channel = new MessageChannel(stream, options.MaxFrameLength);
        bool timedOut = false;
        stream.Bind();
        try
        {
            // A blocking connect has no timeout of its own: closing the socket ends it.
            using (new Timer(_ => { timedOut = true; socket.Dispose(); }, null, options.ConnectTimeout, Timeout.InfiniteTimeSpan))
            {
                socket.Connect(options.Host, options.Port);
            }
            using var timeout = new CancellationTokenSource(options.ConnectTimeout);
            Handshake.RunAsClientAsync(channel.Frames, options.AuthKey, timeout.Token).AsTask().GetAwaiter().GetResult();
            return new ClientConnection(channel, socket, peer, stream);
        }
        catch (Exception e)
        {
            channel.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw e switch
            {
                _ when timedOut || e is OperationCanceledException =>
                    new ManagerConnectionException($"cannot connect to {peer}: no answer within {options.ConnectTimeout.TotalSeconds:0.#} s"),
                SocketException s => new ManagerConnectionException($"cannot connect to {peer}: {s.Message}", s),
                IOException io => new ManagerConnectionException($"connection to {peer} broke during the handshake: {io.Message}", io),
                _ => e,
            };
        }
        finally
        {
            stream.Release();
        }
    }

    /// <summary>Connects (TCP_NODELAY on) and runs the client side of the handshake.</summary>
    public static async Task<ClientConnection> OpenAsync(ManagerClientOptions options, CancellationToken cancellationToken)
    {
        string peer = $"{options.Host}:{options.Port}";
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        MessageChannel? channel = null;
        try
        {
            await socket.ConnectAsync(options.Host, options.Port, timeout.Token).ConfigureAwait(false);
            channel = new MessageChannel(new NetworkStream(socket, ownsSocket: true), options.MaxFrameLength);
            await Handshake.RunAsClientAsync(channel.Frames, options.AuthKey, timeout.Token).ConfigureAwait(false);
            return new ClientConnection(channel, socket, peer);
        }
        catch (Exception e)
        {
            if (channel is not null)
            {
                await channel.DisposeAsync().ConfigureAwait(false);
            }
            socket.Dispose();
            throw e switch
            {
                OperationCanceledException when !cancellationToken.IsCancellationRequested =>
                    new ManagerConnectionException($"cannot connect to {peer}: no answer within {options.ConnectTimeout.TotalSeconds:0.#} s"),
                SocketException s => new ManagerConnectionException($"cannot connect to {peer}: {s.Message}", s),
                IOException io => new ManagerConnectionException($"connection to {peer} broke during the handshake: {io.Message}", io),
                _ => e,
            };
        }
    }

    /// <summary>Sends one request and reads its reply.</summary>
    public async Task<Reply> RequestAsync(Request request, CancellationToken cancellationToken)
    {
        try
        {
            await _channel.SendAsync(request.ToValue(), cancellationToken).ConfigureAwait(false);
            return await ReadReplyAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException && e is not ManagerConnectionException)
        {
            throw new ManagerConnectionException($"connection to manager {_peer} lost: {e.Message}", e);
        }
    }

    /// <summary>
    /// Sends one request and reads its reply on the calling thread, which blocks in the kernel until the reply
    /// arrives and is woken by it directly: no event thread, no thread-pool hop (docs/performance.md). The send
    /// and the read complete at once in the usual case; otherwise they are waited for, also on this thread.
    /// </summary>
    public Reply Request(Request request) =>
        OnCallingThread(request, static (connection, request) =>
        {
            Wait(connection._channel.SendAsync(request.ToValue(), CancellationToken.None));
            return connection.ReadReply();
        });

    /// <summary>
    /// Sends several requests at once (one write) and reads their replies, in order, on the calling thread, as
    /// <see cref="Request(Wire.Request)"/> does for one: one round trip for the lot. The server answers them one
    /// after another exactly as if they had come one by one.
    /// </summary>
    public Reply[] RequestAll(IReadOnlyList<Request> requests) =>
        OnCallingThread(requests, static (connection, requests) =>
        {
            byte[][] pickles = [.. requests.Select(r => PyPickle.Dumps(r.ToValue()))];
            Wait(connection._channel.Frames.WriteFramesAsync(pickles, CancellationToken.None));
            var replies = new Reply[requests.Count];
            for (int i = 0; i < replies.Length; i++)
            {
                replies[i] = connection.ReadReply();
            }
            return replies;
        });

    /// <summary>
    /// Runs a synchronous exchange on the calling thread: on a connection opened by <see cref="Open"/> and never used
    /// by an async call, with its stream bound to this thread (blocking <c>send</c> and <c>recv</c>); a lost
    /// connection surfaces as <see cref="ManagerConnectionException"/>.
    /// </summary>
    private TResult OnCallingThread<TState, TResult>(TState state, Func<ClientConnection, TState, TResult> exchange)
    {
        bool bound = false;
        if (_stream is { NeverAsync: true })
        {
            _stream.Bind();
            bound = true;
        }
        try
        {
            return exchange(this, state);
        }
        catch (Exception e) when (e is IOException or SocketException && e is not ManagerConnectionException)
        {
            throw new ManagerConnectionException($"connection to manager {_peer} lost: {e.Message}", e);
        }
        finally
        {
            if (bound)
            {
                _stream!.Release();
            }
        }
    }

    /// <summary>Reads one reply on the calling thread, blocked in the kernel (<c>poll</c>) until it has come.</summary>
    private Reply ReadReply()
    {
        if (!_channel.HasOwnThread && !_channel.Frames.HasBufferedFrame)
        {
            _socket.Poll(-1, SelectMode.SelectRead); // readable: the reply, or the end of the stream
        }
        ValueTask<byte[]?> read = _channel.ReadFrameAsync(CancellationToken.None);
        return ToReply(read.IsCompletedSuccessfully ? read.Result : read.AsTask().GetAwaiter().GetResult());
    }

    private static void Wait(ValueTask pending)
    {
        if (!pending.IsCompletedSuccessfully)
        {
            pending.AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Reads one more reply (a <c>shutdown</c> call gets two).</summary>
    public async Task<Reply> ReadReplyAsync(CancellationToken cancellationToken) =>
        ToReply(await _channel.ReadFrameAsync(cancellationToken).ConfigureAwait(false));

    private Reply ToReply(byte[]? frame)
    {
        if (frame is null)
        {
            throw new ManagerConnectionException($"manager {_peer} closed the connection");
        }
        object? value = MessageChannel.Decode(frame);
        return Reply.TryParse(value, out Reply? reply)
            ? reply!
            : throw new ManagerConnectionException($"manager {_peer} sent a malformed reply");
    }

    public ValueTask DisposeAsync() => _channel.DisposeAsync();
}
