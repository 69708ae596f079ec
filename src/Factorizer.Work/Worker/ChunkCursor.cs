namespace Factorizer.Work.Worker;

/// <summary>
/// Which numbers of the chunk in work are still to start, shared between the thread that factors
/// (it claims them one by one) and the <see cref="HandBackWatch"/> (it takes every unstarted one
/// at once, to hand back to the server, and gives them back if the server will not take them). A
/// number is started once: claimed by the factoring thread, or taken by a hand-back; never both.
/// </summary>
internal sealed class ChunkCursor
{
    private readonly Lock _gate = new();
    private readonly int[] _order;
    private int _next;                        // under _gate: _order[_next.._end) are unstarted
    private int _end;
    private int _claimed;                     // numbers claimed so far; read unlocked by the watch
    private TaskCompletionSource? _handingBack; // under _gate: a hand-back whose outcome is not known yet

    /// <summary>A cursor over the indexes of a chunk, in the order they are to be factored.</summary>
    public ChunkCursor(int[] order)
    {
        _order = order ?? throw new ArgumentNullException(nameof(order));
        _end = order.Length;
    }

    /// <summary>Numbers claimed by the factoring thread so far (a watch sees progress by it changing).</summary>
    public int Claimed => Volatile.Read(ref _claimed);

    /// <summary>
    /// The next index to factor (true), or false: nothing is left to start, or a hand-back's outcome is
    /// awaited (<paramref name="handingBack"/> then completes when the server has answered; numbers it
    /// refused come back, so ask again).
    /// </summary>
    public bool TryClaim(out int index, out Task? handingBack)
    {
        lock (_gate)
        {
            if (_next < _end)
            {
                index = _order[_next++];
                _claimed++;
                handingBack = null;
                return true;
            }
            index = -1;
            handingBack = _handingBack?.Task;
            return false;
        }
    }

    /// <summary>
    /// Takes every unstarted index for a hand-back (empty when none are left, or one is under way
    /// already); until <see cref="EndHandBack"/>, the factoring thread waits rather than finish.
    /// </summary>
    public int[] TakeUnstarted()
    {
        lock (_gate)
        {
            if (_handingBack is not null || _next >= _end)
            {
                return [];
            }
            int[] taken = _order[_next.._end];
            _end = _next;
            _handingBack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return taken;
        }
    }

    /// <summary>The server's answer to the hand-back: taken, or refused (the numbers are this worker's again).</summary>
    public void EndHandBack(bool taken)
    {
        TaskCompletionSource? done;
        lock (_gate)
        {
            done = _handingBack;
            _handingBack = null;
            if (!taken)
            {
                _end = _order.Length; // nothing was claimed meanwhile: _next stayed where the take left it
            }
        }
        done?.SetResult();
    }
}
