using Factorizer.Managers.Queues;
using Factorizer.Pickle;

namespace Factorizer.Managers.Durability;

/// <summary>
/// A <see cref="LocalQueue{T}"/> of pickle values whose items survive the process: every put, get,
/// reserve, ack and return is recorded in a <see cref="JournalFile"/>, and opening the same path again
/// (after a stop, a crash or kill -9) brings back every item put and not yet got or acked, in order.
/// </summary>
/// <remarks>
/// <para>Items are stored as protocol 3 pickles with a sequence number, and must read back through the
/// whitelist (<see cref="PickleReadOptions"/>) as from the wire: an item that cannot is refused by the
/// put (<see cref="PicklingException"/>), nothing queued.</para>
/// <para><b>Leases do not survive a restart</b>: their holders were connections of the old process. An
/// item that was leased (or waiting out a delayed release) comes back as a queued item at the front,
/// oldest lease first, ahead of the items that were queued.</para>
/// <para>Every record reaches the operating system before the call that made it returns, so killing the
/// process loses nothing; <see cref="FsyncPolicy"/> decides what a power failure can lose: nothing
/// (<see cref="FsyncPolicy.Always"/>), about the last second of changes (<see cref="FsyncPolicy.Interval"/>),
/// or whatever the OS had not yet written, often up to 30 s (<see cref="FsyncPolicy.Never"/>). A lost
/// change means an item got or acked comes back, or an item put is missing.</para>
/// <para>The journal is rewritten as the live items alone when it is over 1 MB and over 4 times their
/// size, and once at every open. A torn or corrupt tail is cut off with a warning in the log. A lock
/// file next to the journal (<c>.lock</c>) keeps a second process off it.</para>
/// </remarks>
public sealed class DurableQueue : IDisposable, IQueueJournal<object?>
{
    /// <summary>The file name used when <see cref="Open"/> is given a directory.</summary>
    public const string DefaultFileName = "queue.journal";

    private const long CompactMinBytes = 1 << 20;

    // One lock guards the state, the lease map, the counters and the appends, so the journal's records
    // are in the order of the changes. It is taken under the queue's lock (and never takes it).
    private readonly Lock _gate = new();
    private readonly QueueJournalState _state;
    private readonly Dictionary<long, long> _leaseSeqs = []; // lease id → item seq, for leased and delayed items
    private readonly JournalFile _file;
    private readonly FileStream _lockFile;
    private readonly Action<string> _log;
    private readonly PickleReadOptions _readOptions;
    private readonly ITimer? _syncTimer;
    private long _nextSeq;
    private long _fileBytes;
    private long _compactAbove = CompactMinBytes;
    private string? _failure; // why the journal can no longer be written; new puts are refused from then on
    private bool _disposed;

    private DurableQueue(string path, JournalFile file, FileStream lockFile, QueueJournalState state, LocalQueue<object?> queue, Action<string> log, PickleReadOptions readOptions)
    {
        Path = path;
        _file = file;
        _lockFile = lockFile;
        _state = state;
        _nextSeq = state.LastSeq;
        _fileBytes = file.Size;
        _log = log;
        _readOptions = readOptions;
        Queue = queue;
        if (file.Policy == FsyncPolicy.Interval)
        {
            _syncTimer = queue.TimeProvider.CreateTimer(_ => SyncQuietly(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>The queue; share it (e.g. <see cref="QueueManager.RegisterQueue(string, SharedQueue)"/>) or use it in-process.</summary>
    public LocalQueue<object?> Queue { get; }

    /// <summary>The journal file.</summary>
    public string Path { get; }

    /// <summary>When the journal is forced to disk.</summary>
    public FsyncPolicy Policy => _file.Policy;

    /// <summary>Items brought back at open (those leased then included).</summary>
    public int Recovered { get; private init; }

    /// <summary>Bytes in the journal now.</summary>
    public long JournalSize => _file.Size;

    /// <summary>
    /// Opens (or creates) the durable queue at <paramref name="path"/> (a file; given a directory, the file
    /// <see cref="DefaultFileName"/> in it) and fills its queue with what an earlier process left.
    /// <paramref name="maxSize"/>, <paramref name="timeToRun"/> and <paramref name="timeProvider"/> are the
    /// queue's, as for <see cref="LocalQueue{T}"/>; <paramref name="log"/> gets warnings (a cut tail);
    /// <paramref name="readOptions"/> is the whitelist items are read back with (the wire's by default).
    /// </summary>
    /// <exception cref="IOException">The journal is in use by another queue, or cannot be read or written.</exception>
    /// <exception cref="InvalidDataException">An item in the journal cannot be read back with <paramref name="readOptions"/> (nothing is changed).</exception>
    public static DurableQueue Open(string path, FsyncPolicy fsync = FsyncPolicy.Interval, int maxSize = 0, TimeSpan? timeToRun = null, TimeProvider? timeProvider = null, Action<string>? log = null, PickleReadOptions? readOptions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path))
        {
            path = System.IO.Path.Combine(path, DefaultFileName);
        }
        path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        Action<string> logTo = log ?? (_ => { });
        PickleReadOptions options = readOptions ?? PickleReadOptions.Default;
        var queue = new LocalQueue<object?>(maxSize, timeToRun, timeProvider); // validates its arguments first
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"durable queue {path} is in use by another queue or process", e);
        }
        JournalFile? file = null;
        try
        {
            var read = new QueueJournalState();
            file = JournalFile.Open(path, fsync, message => logTo($"durable queue: {message}"), read.Apply);
            // Leases died with the old process: their items come first, oldest lease first.
            List<byte[]> live = [.. read.Leased.Concat(read.Queued).Select(e => e.Pickle).OfType<byte[]>()];
            int leased = read.Leased.Count();
            var items = new List<object?>(live.Count);
            for (int i = 0; i < live.Count; i++)
            {
                try
                {
                    items.Add(PyPickle.Loads(live[i], options));
                }
                catch (UnpicklingException e)
                {
                    throw new InvalidDataException($"durable queue {path}: item {i + 1} of {live.Count} cannot be read back ({e.Message}); open it with the read options it was stored with", e);
                }
            }
            // Start afresh from the live items alone, numbered from 1, all queued.
            var state = new QueueJournalState();
            file.Rewrite(write =>
            {
                long seq = 0;
                foreach (byte[] pickle in live)
                {
                    write(QueueJournalState.Record(QueueRecordKind.Put, ++seq, pickle));
                    state.Add(seq, pickle, QueueRecordKind.Put);
                }
            });
            var durable = new DurableQueue(path, file, lockFile, state, queue, logTo, options) { Recovered = items.Count };
            queue.AttachJournal(durable, items);
            if (items.Count > 0)
            {
                logTo($"durable queue {System.IO.Path.GetFileName(path)}: {items.Count} items recovered ({leased} were leased, now at the front)");
            }
            return durable;
        }
        catch
        {
            file?.Dispose();
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>Rewrites the journal as the live items alone (done by itself as the journal grows).</summary>
    public void Compact()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            CompactLocked(quiet: false);
        }
    }

    /// <summary>Forces the journal to disk now (under any policy but <see cref="FsyncPolicy.Never"/>).</summary>
    public void Flush() => _file.Sync(force: true);

    /// <summary>
    /// Closes the journal (forcing it to disk unless the policy is <see cref="FsyncPolicy.Never"/>). The
    /// queue goes on in memory: later changes are not recorded, and puts are refused.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
        }
        _syncTimer?.Dispose();
        _file.Dispose();
        _lockFile.Dispose();
    }

    byte[]? IQueueJournal<object?>.Encode(object? item, bool orThrow)
    {
        string? failure = Volatile.Read(ref _failure);
        if (failure is not null || Volatile.Read(ref _disposed))
        {
            return orThrow
                ? throw new IOException($"durable queue {Path} takes no new items: {failure ?? "it is closed"}")
                : null;
        }
        try
        {
            byte[] pickle = PyPickle.Dumps(item);
            // What could not be read back at the next open must not be taken now.
            PyPickle.Loads(pickle, _readOptions);
            return pickle;
        }
        catch (Exception e) when (e is PicklingException or UnpicklingException)
        {
            string message = $"a durable queue cannot store this item ({item?.GetType().Name ?? "null"}): {e.Message}";
            if (orThrow)
            {
                throw new PicklingException(message, e);
            }
            _log($"{message}; requeued in memory only");
            return null;
        }
    }

    void IQueueJournal<object?>.Queued(ItemOrigin origin, bool atFront)
    {
        lock (_gate)
        {
            if (origin.LeaseId > 0)
            {
                if (_leaseSeqs.Remove(origin.LeaseId, out long back))
                {
                    _state.Return(back, atFront);
                    AppendLocked(QueueJournalState.Record(atFront ? QueueRecordKind.Front : QueueRecordKind.Back, back));
                }
                return;
            }
            long seq = ++_nextSeq;
            QueueRecordKind kind = atFront ? QueueRecordKind.PutFront : QueueRecordKind.Put;
            _state.Add(seq, origin.Encoded, kind);
            if (origin.Encoded is not null)
            {
                AppendLocked(QueueJournalState.Record(kind, seq, origin.Encoded));
            }
        }
    }

    void IQueueJournal<object?>.Dequeued(long leaseId)
    {
        lock (_gate)
        {
            long seq = _state.FirstQueued;
            if (leaseId == 0)
            {
                _state.Remove(seq);
                AppendLocked(QueueJournalState.Record(QueueRecordKind.Remove, seq));
            }
            else
            {
                _state.Reserve(seq);
                _leaseSeqs[leaseId] = seq;
                AppendLocked(QueueJournalState.Record(QueueRecordKind.Reserve, seq));
            }
        }
    }

    void IQueueJournal<object?>.Handed(ItemOrigin origin, long leaseId)
    {
        lock (_gate)
        {
            if (origin.LeaseId > 0)
            {
                if (!_leaseSeqs.Remove(origin.LeaseId, out long seq))
                {
                    return;
                }
                if (leaseId == 0)
                {
                    _state.Remove(seq);
                    AppendLocked(QueueJournalState.Record(QueueRecordKind.Remove, seq));
                }
                else
                {
                    _state.Reserve(seq);
                    _leaseSeqs[leaseId] = seq;
                    AppendLocked(QueueJournalState.Record(QueueRecordKind.Reserve, seq));
                }
                return;
            }
            if (leaseId == 0)
            {
                return; // a new item straight to a get: in and out at once, nothing to keep
            }
            long fresh = ++_nextSeq;
            _state.Add(fresh, origin.Encoded, QueueRecordKind.PutLeased);
            _leaseSeqs[leaseId] = fresh;
            if (origin.Encoded is not null)
            {
                AppendLocked(QueueJournalState.Record(QueueRecordKind.PutLeased, fresh, origin.Encoded));
            }
        }
    }

    void IQueueJournal<object?>.Acked(long leaseId)
    {
        lock (_gate)
        {
            if (_leaseSeqs.Remove(leaseId, out long seq))
            {
                _state.Remove(seq);
                AppendLocked(QueueJournalState.Record(QueueRecordKind.Remove, seq));
            }
        }
    }

    /// <summary>Appends a record; a failed write is logged and ends the journal (it must not throw under the queue's lock).</summary>
    private void AppendLocked(byte[] record)
    {
        if (_disposed || _failure is not null)
        {
            return;
        }
        try
        {
            _file.Append(record);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            Volatile.Write(ref _failure, e.Message);
            _log($"durable queue {Path}: cannot write the journal ({e.Message}); the queue goes on in memory and takes no new items");
            return;
        }
        _fileBytes += record.Length + 8;
        if (_fileBytes > _compactAbove && _fileBytes > 4 * _state.LiveBytes)
        {
            CompactLocked(quiet: true);
        }
    }

    /// <summary>Rewrites the journal from the state: queued items in order, then leased ones, with their numbers.</summary>
    private void CompactLocked(bool quiet)
    {
        try
        {
            _file.Rewrite(write =>
            {
                foreach ((long seq, byte[]? pickle) in _state.Queued)
                {
                    if (pickle is not null)
                    {
                        write(QueueJournalState.Record(QueueRecordKind.Put, seq, pickle));
                    }
                }
                foreach ((long seq, byte[]? pickle) in _state.Leased)
                {
                    if (pickle is not null)
                    {
                        write(QueueJournalState.Record(QueueRecordKind.PutLeased, seq, pickle));
                    }
                }
            });
            _fileBytes = _file.Size;
            _compactAbove = CompactMinBytes;
        }
        catch (Exception e) when (quiet && e is IOException or UnauthorizedAccessException)
        {
            // The old journal is intact (the rewrite goes through a new file); try again once it has doubled.
            _compactAbove = _fileBytes * 2;
            _log($"durable queue {Path}: compaction failed ({e.Message}); the journal is kept as it is");
        }
    }

    private void SyncQuietly()
    {
        try
        {
            _file.Sync();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // Closed meanwhile, or the disk failed: the next append reports it.
        }
    }
}
