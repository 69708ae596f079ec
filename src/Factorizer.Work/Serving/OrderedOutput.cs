using System.Text;

namespace Factorizer.Work.Serving;

/// <summary>
/// Writes finished chunks in input order through a reorder buffer: chunk i is written once all
/// chunks before it are. One slow chunk must not stall the run, so the buffer has no chunk limit:
/// past <see cref="MemoryLimit"/> characters, waiting chunks go to a temporary spill file (deleted
/// on close) and only their place in it stays in memory. <see cref="Close"/> flushes and ends it,
/// so a run that stops early leaves whole lines only, and a result that arrives afterwards is not
/// half-written.
/// </summary>
internal sealed class OrderedOutput(TextWriter writer) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, string> _pending = []; // finished chunks waiting for earlier ones, in memory
    private readonly Dictionary<long, (long Offset, int Length)> _spilled = []; // the same, in the spill file (UTF-8)
    private readonly List<(long AtLeast, TaskCompletionSource Done)> _waiters = [];
    private long _pendingChars;
    private FileStream? _spill;
    private long _spillEnd; // bytes used in the spill file
    private long _written; // chunks written, i.e. the index of the next chunk to write
    private long _linesWritten;
    private bool _closed;

    /// <summary>Characters of waiting chunks kept in memory before further ones are spilled to disk.</summary>
    public long MemoryLimit { get; init; } = 16 << 20;

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

    /// <summary>Chunks finished but waiting for an earlier one (in memory or spilled).</summary>
    public int Buffered
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count + _spilled.Count;
            }
        }
    }

    /// <summary>Chunks waiting in the spill file.</summary>
    public int Spilled
    {
        get
        {
            lock (_gate)
            {
                return _spilled.Count;
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
            if (_closed || index < _written || _pending.ContainsKey(index) || _spilled.ContainsKey(index))
            {
                return; // the run has stopped (this chunk is redone when it is run again), or a duplicate
            }
            if (index == _written)
            {
                WriteLocked(text);
            }
            else if (_pendingChars + text.Length <= MemoryLimit)
            {
                _pending[index] = text;
                _pendingChars += text.Length;
            }
            else
            {
                SpillLocked(index, text);
            }
            // Writing under the lock keeps the output in order; it is a buffered writer, so this is quick.
            while (TakeNextLocked() is { } next)
            {
                WriteLocked(next);
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

    /// <summary>Starts after what an earlier run wrote: the next chunk to write is <paramref name="chunks"/>.</summary>
    public void ResumeAt(long chunks, long lines)
    {
        lock (_gate)
        {
            _written = chunks;
            _linesWritten = lines;
        }
    }

    /// <summary>
    /// Flushes the written lines to the file (and to the disk when <paramref name="toDisk"/>), and
    /// says what it holds: chunks and lines written, and the file's length in bytes (-1 when the
    /// output is not a file).
    /// </summary>
    public (long Chunks, long Lines, long Bytes) Checkpoint(bool toDisk)
    {
        lock (_gate)
        {
            if (!_closed)
            {
                writer.Flush();
            }
            long bytes = -1;
            if (writer is StreamWriter { BaseStream: FileStream file })
            {
                if (toDisk)
                {
                    file.Flush(flushToDisk: true);
                }
                bytes = file.Position;
            }
            return (_written, _linesWritten, bytes);
        }
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
                _spill?.Dispose();
                _spill = null;
                _pending.Clear();
                _spilled.Clear();
            }
        }
    }

    public void Dispose() => Close();

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

    private void WriteLocked(string text)
    {
        writer.Write(text);
        _written++;
        _linesWritten += text.AsSpan().Count('\n');
    }

    /// <summary>The next chunk's text if it has arrived, taken out of memory or the spill file.</summary>
    private string? TakeNextLocked()
    {
        if (_pending.Remove(_written, out string? text))
        {
            _pendingChars -= text.Length;
            return text;
        }
        if (_spilled.Remove(_written, out (long Offset, int Length) place))
        {
            byte[] bytes = new byte[place.Length];
            RandomAccess.Read(_spill!.SafeFileHandle, bytes, place.Offset);
            if (_spilled.Count == 0)
            {
                _spill.SetLength(0); // nothing left in it: start over, so a long run does not grow it forever
                _spillEnd = 0;
            }
            return Encoding.UTF8.GetString(bytes);
        }
        return null;
    }

    private void SpillLocked(long index, string text)
    {
        _spill ??= new FileStream(Path.Combine(Path.GetTempPath(), $"factor-server-{Environment.ProcessId}-{Guid.NewGuid():N}.spill"),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        RandomAccess.Write(_spill.SafeFileHandle, bytes, _spillEnd);
        _spilled[index] = (_spillEnd, bytes.Length);
        _spillEnd += bytes.Length;
    }
}
