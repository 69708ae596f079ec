using System.Buffers.Binary;

namespace Factorizer.Managers.Durability;

/// <summary>
/// The live items of a durable queue as its journal describes them: the queued ones in order, the
/// leased ones in the order they were reserved, and every live item's pickle. Built by replaying the
/// journal at open, then kept in step with the queue (so compaction needs no replay).
/// </summary>
/// <remarks>Not thread-safe: <see cref="DurableQueue"/> guards it with its lock.</remarks>
internal sealed class QueueJournalState
{
    /// <summary>Bytes a record adds to the file besides the pickle: JournalFile's header, the kind and the sequence number.</summary>
    public const int RecordOverhead = 8 + 1 + 8;

    private readonly LinkedList<long> _queued = new();
    private readonly Dictionary<long, LinkedListNode<long>> _queuedNodes = [];
    private readonly SortedDictionary<long, long> _leasedByOrder = []; // reserve order → seq
    private readonly Dictionary<long, long> _leasedOrder = [];         // seq → reserve order
    private readonly Dictionary<long, byte[]?> _pickles = [];          // null: an item that could not be stored
    private long _nextOrder;

    /// <summary>The highest sequence number seen.</summary>
    public long LastSeq { get; private set; }

    /// <summary>Live items (queued or leased).</summary>
    public int Count => _pickles.Count;

    /// <summary>What the live items would take in a freshly written journal.</summary>
    public long LiveBytes { get; private set; }

    /// <summary>The sequence number of the item at the front of the queue.</summary>
    public long FirstQueued => _queued.First?.Value ?? throw new InvalidOperationException("the journal has no queued item");

    /// <summary>Queued items, front first.</summary>
    public IEnumerable<(long Seq, byte[]? Pickle)> Queued => _queued.Select(seq => (seq, _pickles[seq]));

    /// <summary>Leased items, oldest lease first.</summary>
    public IEnumerable<(long Seq, byte[]? Pickle)> Leased => _leasedByOrder.Values.Select(seq => (seq, _pickles[seq]));

    /// <summary>Encodes one record.</summary>
    public static byte[] Record(QueueRecordKind kind, long seq, byte[]? pickle = null)
    {
        byte[] record = new byte[9 + (pickle?.Length ?? 0)];
        record[0] = (byte)kind;
        BinaryPrimitives.WriteInt64LittleEndian(record.AsSpan(1), seq);
        pickle?.CopyTo(record.AsSpan(9));
        return record;
    }

    /// <summary>Applies one record read from the journal; <see cref="InvalidDataException"/> for one that is not ours.</summary>
    public void Apply(byte[] record)
    {
        if (record.Length < 9)
        {
            throw new InvalidDataException("a queue record shorter than its header");
        }
        var kind = (QueueRecordKind)record[0];
        long seq = BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(1));
        if (seq <= 0)
        {
            throw new InvalidDataException($"a queue record with sequence number {seq}");
        }
        switch (kind)
        {
            case QueueRecordKind.Put or QueueRecordKind.PutFront or QueueRecordKind.PutLeased:
                if (_pickles.ContainsKey(seq))
                {
                    throw new InvalidDataException($"item {seq} put twice");
                }
                Add(seq, record[9..], kind);
                break;
            // The rest name an item by number. One that is not live is ignored rather than taken for
            // corruption (the checksum catches that): it can only be an item that was never stored.
            case QueueRecordKind.Remove:
                Remove(seq);
                break;
            case QueueRecordKind.Reserve:
                Reserve(seq);
                break;
            case QueueRecordKind.Front or QueueRecordKind.Back:
                Return(seq, kind == QueueRecordKind.Front);
                break;
            default:
                throw new InvalidDataException($"a queue record of unknown kind {record[0]}");
        }
    }

    /// <summary>A new live item: queued at the back or front, or leased.</summary>
    public void Add(long seq, byte[]? pickle, QueueRecordKind kind)
    {
        _pickles[seq] = pickle;
        LiveBytes += RecordOverhead + (pickle?.Length ?? 0);
        LastSeq = Math.Max(LastSeq, seq);
        switch (kind)
        {
            case QueueRecordKind.Put:
                _queuedNodes[seq] = _queued.AddLast(seq);
                break;
            case QueueRecordKind.PutFront:
                _queuedNodes[seq] = _queued.AddFirst(seq);
                break;
            default:
                Lease(seq);
                break;
        }
    }

    /// <summary>The item is gone (got or acked).</summary>
    public void Remove(long seq)
    {
        if (!_pickles.Remove(seq, out byte[]? pickle))
        {
            return;
        }
        LiveBytes -= RecordOverhead + (pickle?.Length ?? 0);
        if (_queuedNodes.Remove(seq, out LinkedListNode<long>? node))
        {
            _queued.Remove(node);
        }
        else if (_leasedOrder.Remove(seq, out long order))
        {
            _leasedByOrder.Remove(order);
        }
    }

    /// <summary>The item (queued, or leased before) is now under the newest lease.</summary>
    public void Reserve(long seq)
    {
        if (!_pickles.ContainsKey(seq))
        {
            return;
        }
        if (_queuedNodes.Remove(seq, out LinkedListNode<long>? node))
        {
            _queued.Remove(node);
        }
        else if (_leasedOrder.Remove(seq, out long order))
        {
            _leasedByOrder.Remove(order);
        }
        Lease(seq);
    }

    /// <summary>A leased item is queued again, at the front or the back.</summary>
    public void Return(long seq, bool atFront)
    {
        if (!_leasedOrder.Remove(seq, out long order))
        {
            return;
        }
        _leasedByOrder.Remove(order);
        _queuedNodes[seq] = atFront ? _queued.AddFirst(seq) : _queued.AddLast(seq);
    }

    private void Lease(long seq)
    {
        long order = ++_nextOrder;
        _leasedOrder[seq] = order;
        _leasedByOrder[order] = seq;
    }
}
