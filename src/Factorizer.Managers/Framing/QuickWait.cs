using System.Net.Sockets;

namespace Factorizer.Managers.Framing;

/// <summary>
/// Waits a moment, blocking, for a socket to have bytes to read, so that a message which follows
/// quickly (a reply to a request just sent, a client's next request after a reply) is read on the
/// thread already running. An async read that finds nothing costs an extra receive, a wake-up of the
/// socket engine's event thread and a hop to a thread-pool thread; on loopback those dominate a
/// round trip (docs/performance.md). A wait that times out costs one poll and the read goes async.
/// </summary>
/// <remarks>
/// Adaptive: a connection whose peer answered late skips the next waits (doubling up to
/// <see cref="MaxSkip"/> reads), so an idle worker or a blocked <c>get</c> does not hold a thread.
/// Process-wide, at most <see cref="MaxWaiters"/> threads wait at once, so the thread pool always
/// has threads free for other work. Not thread-safe: one reader per connection.
/// </remarks>
internal sealed class QuickWait(Socket socket)
{
    /// <summary>How long one wait lasts: a little more than a loopback peer needs to answer.</summary>
    public const int WaitMicroseconds = 250;

    private const int MaxSkip = 64;

    /// <summary>Threads that may wait at once, process-wide.</summary>
    private static readonly int MaxWaiters = Math.Max(1, Environment.ProcessorCount - 1);

    private static int s_waiters;
    private int _skip;    // reads left to go async before waiting again
    private int _backoff; // what _skip restarts from after the next late answer

    /// <summary>
    /// Waits up to <see cref="WaitMicroseconds"/> for bytes (or an end of stream) to read. True when the
    /// next read will not wait; false when it may (no wait made, or the wait timed out).
    /// </summary>
    public bool TryWait()
    {
        if (_skip > 0)
        {
            _skip--;
            return false;
        }
        if (Interlocked.Increment(ref s_waiters) > MaxWaiters)
        {
            Interlocked.Decrement(ref s_waiters);
            return false;
        }
        bool ready;
        try
        {
            ready = socket.Poll(WaitMicroseconds, SelectMode.SelectRead);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            ready = true; // the read reports it
        }
        finally
        {
            Interlocked.Decrement(ref s_waiters);
        }
        if (ready)
        {
            _backoff = 0;
        }
        else
        {
            _backoff = Math.Min(MaxSkip, 2 * _backoff + 1);
            _skip = _backoff;
        }
        return ready;
    }
}
