namespace Factorizer.Work.Serving;

/// <summary>
/// Writes finished chunks in input order through a reorder buffer: chunk i is written once all
/// chunks before it are. The feeder bounds the buffer by never running more than a window of
/// chunks ahead of <see cref="Written"/>. <see cref="Close"/> flushes and ends it, so a run that
/// stops early leaves whole lines only, and a result that arrives afterwards is not half-written.
/// </summary>
internal sealed class OrderedOutput(TextWriter writer)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, string> _pending = []; // finished chunks waiting for earlier ones
    private readonly List<(long AtLeast, TaskCompletionSource Done)> _waiters = [];
    private long _written; // chunks written, i.e. the index of the next chunk to write
    private long _linesWritten;
    private bool _closed;

    /// <summary>Chunks written so far.</summary>
    public long Written
    {
        get
        {
            lock (_gate)
            {
                return _written;
            }
        }
    }

    /// <summary>Lines written so far (each a number's result).</summary>
    public long LinesWritten
    {
        get
        {
            lock (_gate)
            {
                return _linesWritten;
            }
        }
    }

    /// <summary>Chunks finished but waiting for an earlier one.</summary>
    public int Buffered
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Hands in chunk <paramref name="index"/>'s text (its lines, each ending in a newline).</summary>
    public void Complete(long index, string text)
    {
        List<TaskCompletionSource>? released = null;
        ArgumentNullException.ThrowIfNull(text);
        lock (_gate)
        {
            if (_closed)
            {
                return; // the run has stopped; this chunk is redone when the run is
            }
            _pending[index] = text;
            // Writing under the lock keeps the output in order; it is a buffered writer, so this is quick.
            while (_pending.Remove(_written, out string? next))
            {
                writer.Write(next);
                _written++;
                _linesWritten += next.AsSpan().Count('\n');
            }
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_written >= _waiters[i].AtLeast)
                {
                    (released ??= []).Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
        }
        released?.ForEach(done => done.TrySetResult());
    }

    /// <summary>Pushes the lines written so far to the underlying file or pipe (the run does this every second).</summary>
    public void Flush()
    {
        lock (_gate)
        {
            if (!_closed)
            {
                writer.Flush();
            }
        }
    }

    /// <summary>Flushes everything written and ignores later chunks. Chunks still waiting for an earlier one are dropped.</summary>
    public void Close()
    {
        lock (_gate)
        {
            if (!_closed)
            {
                _closed = true;
                writer.Flush();
            }
        }
    }

    /// <summary>Completes once at least <paramref name="count"/> chunks are written.</summary>
    public Task WaitForWrittenAsync(long count, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_written >= count)
            {
                return Task.CompletedTask;
            }
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, done));
            return done.Task.WaitAsync(cancellationToken);
        }
    }
}
