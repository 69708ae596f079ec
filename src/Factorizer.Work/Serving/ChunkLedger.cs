using System.Numerics;
using Factorizer.Managers.Server;

namespace Factorizer.Work.Serving;

/// <summary>
/// Book-keeping of the chunks in flight: which were issued, who holds which, which are done.
/// Results carry no chunk id (the seed's shape is a bare dict), so a result is matched to an
/// outstanding chunk by its set of numbers. All state is under one lock; verification runs outside it.
/// Invariant: a chunk is in <c>_bySignature</c> iff it is outstanding (issued, not completed).
/// </summary>
internal sealed class ChunkLedger
{
    /// <summary>One issued chunk.</summary>
    internal sealed class Chunk(long index, List<object?> item, string signature)
    {
        public long Index { get; } = index;
        public List<object?> Item { get; } = item;
        public string Signature { get; } = signature;
        public long? HolderSession { get; set; }
        public int FailedAttempts { get; set; }
    }

    private readonly Lock _gate = new();
    private readonly Dictionary<object, Chunk> _byItem = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, List<Chunk>> _bySignature = new(StringComparer.Ordinal);
    private readonly Dictionary<long, HashSet<Chunk>> _heldBySession = [];
    private long _issued;

    /// <summary>Chunks issued so far.</summary>
    public long Issued
    {
        get
        {
            lock (_gate)
            {
                return _issued;
            }
        }
    }

    /// <summary>Registers a new chunk; returns it with its index (0-based, input order).</summary>
    public Chunk Issue(List<object?> numbers)
    {
        string signature = ResultCheck.SignatureOf(numbers.Select(n => n is long l ? new BigInteger(l) : (BigInteger)n!));
        lock (_gate)
        {
            var chunk = new Chunk(_issued++, numbers, signature);
            _byItem[numbers] = chunk;
            if (!_bySignature.TryGetValue(signature, out List<Chunk>? same))
            {
                _bySignature[signature] = same = [];
            }
            same.Add(chunk);
            return chunk;
        }
    }

    /// <summary>A session took <paramref name="item"/> from the job queue.</summary>
    public void Taken(object? item, SessionInfo session)
    {
        lock (_gate)
        {
            if (item is null || !_byItem.TryGetValue(item, out Chunk? chunk) || !IsOutstanding(chunk))
            {
                return;
            }
            chunk.HolderSession = session.Id;
            if (!_heldBySession.TryGetValue(session.Id, out HashSet<Chunk>? held))
            {
                _heldBySession[session.Id] = held = [];
            }
            held.Add(chunk);
        }
    }

    /// <summary>A take whose reply never reached <paramref name="session"/>: the item is back in the queue, not held.</summary>
    public void Untake(object? item, SessionInfo session)
    {
        lock (_gate)
        {
            if (item is not null && _byItem.TryGetValue(item, out Chunk? chunk) && chunk.HolderSession == session.Id)
            {
                chunk.HolderSession = null;
                if (_heldBySession.TryGetValue(session.Id, out HashSet<Chunk>? held))
                {
                    held.Remove(chunk);
                }
            }
        }
    }

    /// <summary>A session closed: returns the items it held and never finished, for requeueing.</summary>
    public List<object?> Release(SessionInfo session)
    {
        lock (_gate)
        {
            if (!_heldBySession.Remove(session.Id, out HashSet<Chunk>? held))
            {
                return [];
            }
            var items = new List<object?>();
            foreach (Chunk chunk in held.Where(c => IsOutstanding(c) && c.HolderSession == session.Id).OrderByDescending(c => c.Index))
            {
                chunk.HolderSession = null;
                items.Add(chunk.Item);
            }
            return items; // highest index first: requeueing each at the front leaves the lowest first
        }
    }

    /// <summary>
    /// Finds the outstanding chunk a result is for: one with this signature (preferring one the session
    /// holds); failing that, the oldest chunk the session holds, so an incomplete or altered result
    /// still counts against its chunk (and gets it redone) instead of leaving it outstanding for ever.
    /// </summary>
    public Chunk? Match(string signature, SessionInfo session)
    {
        lock (_gate)
        {
            if (_bySignature.TryGetValue(signature, out List<Chunk>? candidates))
            {
                return candidates.FirstOrDefault(c => c.HolderSession == session.Id) ?? candidates[0];
            }
            return _heldBySession.TryGetValue(session.Id, out HashSet<Chunk>? held)
                ? held.Where(c => IsOutstanding(c) && c.HolderSession == session.Id).MinBy(c => c.Index)
                : null;
        }
    }

    /// <summary>Marks the chunk done; false if someone completed it first (a duplicate result).</summary>
    public bool Complete(Chunk chunk)
    {
        lock (_gate)
        {
            if (!IsOutstanding(chunk))
            {
                return false;
            }
            List<Chunk> same = _bySignature[chunk.Signature];
            same.Remove(chunk);
            if (same.Count == 0)
            {
                _bySignature.Remove(chunk.Signature);
            }
            _byItem.Remove(chunk.Item);
            if (chunk.HolderSession is { } holder && _heldBySession.TryGetValue(holder, out HashSet<Chunk>? held))
            {
                held.Remove(chunk);
            }
            return true;
        }
    }

    /// <summary>A result for the chunk failed verification: counts it and clears the holder so it can be requeued.</summary>
    public int RecordFailure(Chunk chunk)
    {
        lock (_gate)
        {
            if (chunk.HolderSession is { } holder && _heldBySession.TryGetValue(holder, out HashSet<Chunk>? held))
            {
                held.Remove(chunk);
            }
            chunk.HolderSession = null;
            return ++chunk.FailedAttempts;
        }
    }

    private bool IsOutstanding(Chunk chunk) =>
        _bySignature.TryGetValue(chunk.Signature, out List<Chunk>? same) && same.Contains(chunk);
}
