using System.Net.Sockets;

namespace Factorizer.Managers.Wire;

/// <summary>
/// A socket's stream that, while bound to a thread, reads and writes on that thread with blocking system calls,
/// and otherwise is an ordinary async <see cref="NetworkStream"/>. A connection served by a thread of its own
/// (as CPython's manager serves each) costs one wake-up and two system calls per message (a blocking
/// <c>recv</c> woken by the packet, one <c>send</c>) where the socket engine's event loop costs an
/// <c>epoll_wait</c> wake-up and four (docs/performance.md).
/// </summary>
/// <remarks>
/// <para>The async methods complete synchronously on the bound thread, so code written for async streams
/// (the frame layer, the handshake, the call loop) runs unchanged on it. Any other thread (a continuation
/// after a call that had to wait) takes the async path. Release is one-way: once an async operation has run,
/// .NET keeps the socket non-blocking for good, and a blocking call would then wait through the event loop.</para>
/// <para>A blocking read cannot watch a cancellation token, so a read on the bound thread shuts the socket's
/// receive side down when its token is cancelled (a handshake or frame timeout, the server stopping): that wakes
/// the read, which then throws <see cref="OperationCanceledException"/>. Every caller ends the connection on a
/// cancelled read anyway.</para>
/// </remarks>
internal sealed class ThreadBoundSocketStream : Stream
{
    private readonly Socket _socket;
    private NetworkStream? _asyncStream; // made on first use: a NetworkStream needs a connected socket
    private Thread? _owner;
    private bool _wentAsync;

    /// <summary>
    /// Wraps <paramref name="socket"/> (connected, or to be connected by a blocking call on the bound thread), which
    /// must not have been used by an async operation yet; owns it.
    /// </summary>
    public ThreadBoundSocketStream(Socket socket) => _socket = socket;

    private NetworkStream Async => LazyInitializer.EnsureInitialized(ref _asyncStream, () => new NetworkStream(_socket, ownsSocket: true));

    /// <summary>From now on, reads and writes made on the calling thread block it in the kernel.</summary>
    public void Bind() => Volatile.Write(ref _owner, Thread.CurrentThread);

    /// <summary>Ends <see cref="Bind"/> for good: every read and write is async from now on.</summary>
    public void Release() => Volatile.Write(ref _owner, null);

    /// <summary>
    /// True until an operation has taken the async path: until then the socket is in blocking mode and out of the
    /// socket engine's event loop, so a blocking read costs one system call and wakes only its own thread.
    /// </summary>
    public bool NeverAsync => !Volatile.Read(ref _wentAsync);

    /// <summary>True while bound to a thread (blocking I/O on it).</summary>
    public bool IsBound => Volatile.Read(ref _owner) is not null;

    private bool OnBoundThread => ReferenceEquals(Volatile.Read(ref _owner), Thread.CurrentThread);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!OnBoundThread)
        {
            Volatile.Write(ref _wentAsync, true);
            return Async.ReadAsync(buffer, cancellationToken);
        }
        cancellationToken.ThrowIfCancellationRequested();
        using CancellationTokenRegistration closeOnCancel = ShutdownOnCancel(cancellationToken, SocketShutdown.Receive);
        int got;
        try
        {
            got = _socket.Receive(buffer.Span, SocketFlags.None);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new IOException($"Unable to read data from the transport connection: {e.Message}", e);
        }
        // A cancellation shuts the socket down, which ends the blocked read as if the peer had closed.
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<int>(got);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!OnBoundThread)
        {
            Volatile.Write(ref _wentAsync, true);
            return Async.WriteAsync(buffer, cancellationToken);
        }
        cancellationToken.ThrowIfCancellationRequested();
        using CancellationTokenRegistration closeOnCancel = ShutdownOnCancel(cancellationToken, SocketShutdown.Both);
        try
        {
            ReadOnlySpan<byte> rest = buffer.Span;
            while (!rest.IsEmpty)
            {
                rest = rest[_socket.Send(rest, SocketFlags.None)..];
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new IOException($"Unable to write data to the transport connection: {e.Message}", e);
        }
        return ValueTask.CompletedTask;
    }

    // Shutting down the receive side wakes a blocked read (it returns 0) and tells the peer nothing yet: the
    // caller logs why and closes the connection, in that order, as on the async path.
    private CancellationTokenRegistration ShutdownOnCancel(CancellationToken cancellationToken, SocketShutdown how)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            return default;
        }
        return how == SocketShutdown.Receive
            ? cancellationToken.UnsafeRegister(static s => Shutdown((Socket)s!, SocketShutdown.Receive), _socket)
            : cancellationToken.UnsafeRegister(static s => Shutdown((Socket)s!, SocketShutdown.Both), _socket);
    }

    private static void Shutdown(Socket socket, SocketShutdown how)
    {
        try
        {
            socket.Shutdown(how);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed: the blocked call has ended anyway.
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // A socket has nothing to flush (the base class would queue a no-op to the thread pool).
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => Async.Read(buffer, offset, count);

    public override void Write(byte[] buffer, int offset, int count) => Async.Write(buffer, offset, count);

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Close(_asyncStream);
        }
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        Close(_asyncStream);
        return ValueTask.CompletedTask;
    }

    private void Close(NetworkStream? stream)
    {
        if (stream is not null)
        {
            stream.Dispose(); // owns the socket
        }
        else
        {
            _socket.Dispose();
        }
    }
}
