using System.Numerics;
using Factorizer.Managers.Server;
using Factorizer.Work.Jobs;

namespace Factorizer.Work.Serving;

/// <summary>
/// Book-keeping of the chunks in flight: which were issued (each with a stable id, its index in
/// input order), who holds which and how (a lease, or a plain <c>get</c>), what has been received
/// for each, which are done. Our workers' reports name their lease, so they are found by lease id;
/// the seed's bare result dicts carry no id and are matched by their set of numbers, so a chunk
/// gets its signature when it is first handed out as a list (our workers take packed chunks and
/// never need one). All state is under one lock; verification runs outside it.
/// Invariant: a chunk is in <c>_bySignature</c> iff it is outstanding (issued, not completed) and
/// has been handed out as a list.
/// </summary>
internal sealed class ChunkLedger(TimeProvider time)
{
    /// <summary>One issued chunk.</summary>
    internal sealed class Chunk(long id, List<object?> item)
    {
        /// <summary>Stable id: the chunk's index in input order (0-based).</summary>
        public long Id { get; } = id;

        /// <summary>The job as queued: a Python list of ints (the seed's shape).</summary>
        public List<object?> Item { get; } = item;

        /// <summary>The chunk's numbers, distinct and sorted, as text (to match bare result dicts); null until handed out as a list.</summary>
        public string? Signature { get; set; }

        /// <summary>Verified lines received so far, by number (partial reports fill it piece by piece).</summary>
        public Dictionary<BigInteger, string> Lines { get; } = [];

        /// <summary>Verified lines received in packed reports, by index in the chunk: where each is (null: none yet).</summary>
        public (VerifiedLines? Lines, int Entry)[]? LinesAt { get; private set; }

        /// <summary>The chunk as a <see cref="PackedChunk"/> once asked for (null: not yet, or it has no packed form).</summary>
        public byte[]? PackedJob { get; set; }

        /// <summary>True once <see cref="PackedJob"/> has been tried.</summary>
        public bool PackTried { get; set; }

        /// <summary>Records the verified lines of a packed report, each for the number at its index.</summary>
        public void SetLines(VerifiedLines lines)
        {
            ArgumentNullException.ThrowIfNull(lines);
            LinesAt ??= new (VerifiedLines?, int)[Item.Count];
            for (int entry = 0; entry < lines.Count; entry++)
            {
                LinesAt[lines.IndexAt(entry)] = (lines, entry);
            }
        }

        /// <summary>Records where the verified line of the number at <paramref name="index"/> is (a piece's line, for its parent).</summary>
        public void SetLine(int index, (VerifiedLines? Lines, int Entry) line) => (LinesAt ??= new (VerifiedLines?, int)[Item.Count])[index] = line;

        /// <summary>
        /// The chunk's output text (each line ending in a newline) when one packed report holds every line in
        /// order and nothing came by value: its buffer, copied once. Null otherwise.
        /// </summary>
        public string? WholeTextFromOneReport()
        {
            if (LinesAt is not { Length: > 0 } at || at[0].Lines is not { } lines || !lines.CoversInOrder(at.Length) || Lines.Count + Errors.Count > 0)
            {
                return null;
            }
            for (int i = 0; i < at.Length; i++)
            {
                if (at[i].Lines != lines || at[i].Entry != i)
                {
                    return null; // a later report replaced a line
                }
            }
            return lines.Text();
        }

        /// <summary>True when the number at <paramref name="index"/> has its line or its error.</summary>
        public bool HasResult(int index)
        {
            if (LinesAt?[index].Lines is not null)
            {
                return true;
            }
            if (Lines.Count == 0 && Errors.Count == 0)
            {
                return false; // the packed path: no need to look numbers up by value
            }
            BigInteger n = ToBig(Item[index]);
            return Lines.ContainsKey(n) || Errors.ContainsKey(n);
        }

        /// <summary>The numbers still without a line or an error (distinct), less those handed to a live piece.</summary>
        public List<BigInteger> Waiting() =>
            [.. Enumerable.Range(0, Item.Count).Where(i => !HasResult(i) && Delegated?[i] != true).Select(i => ToBig(Item[i])).Distinct()];

        /// <summary>True when every number has its line or its error.</summary>
        public bool AllHaveResults() => Enumerable.Range(0, Item.Count).All(HasResult);

        /// <summary>
        /// For a piece (numbers a worker handed back, queued on their own): the chunk they came from,
        /// and where each of the piece's numbers sits in it. Null for a chunk of the input.
        /// </summary>
        public Chunk? Parent { get; init; }

        /// <summary>For a piece: the index in <see cref="Parent"/> of each of its numbers.</summary>
        public int[]? ParentIndex { get; init; }

        /// <summary>Pieces handed back from it and not yet done (null: none ever).</summary>
        public List<Chunk>? LivePieces { get; set; }

        /// <summary>By index: handed to a live piece, so its own lease's final report need not carry it (null: none).</summary>
        public bool[]? Delegated { get; set; }

        /// <summary>A final result came (or its number was given up): it completes once its live pieces are done.</summary>
        public bool FinalSeen { get; set; }

        /// <summary>Who sent the final result, credited when it completes.</summary>
        public SessionInfo? FinalSession { get; set; }

        /// <summary>Failures to record when it completes (verification failed for good, here or in a piece).</summary>
        public List<string> PendingFailures { get; } = [];

        /// <summary>Numbers of it finished by its pieces (credited to their workers, not to its own).</summary>
        public long PieceNumbers { get; set; }

        /// <summary>Numbers a worker failed on (an exception): given up, named at the end.</summary>
        public Dictionary<BigInteger, WorkError> Errors { get; } = [];

        /// <summary>Session holding it through a plain <c>get</c> (null when queued or leased).</summary>
        public long? GetHolder { get; set; }

        /// <summary>When it was last handed out, by get or reserve (a <see cref="TimeProvider"/> timestamp; 0: never).</summary>
        public long TakenAt { get; set; }

        /// <summary>The current lease on it, if any.</summary>
        public long? LeaseId { get; set; }

        /// <summary>Every lease it has had (forgotten with it when it completes).</summary>
        public List<long> Leases { get; } = [];

        /// <summary>Time spent on it in attempts that ended without a final result (crashes, lost leases).</summary>
        public TimeSpan Spent { get; set; }

        /// <summary>Results for it that failed verification.</summary>
        public int FailedAttempts { get; set; }

        /// <summary>Guarded by the ledger's lock.</summary>
        public bool Done { get; set; }

        /// <summary>It went back to the queue at least once, so a copy may still be queued when it completes.</summary>
        public bool Requeued { get; set; }
    }

    private readonly Lock _gate = new();
    private readonly Dictionary<object, Chunk> _byItem = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, List<Chunk>> _bySignature = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Chunk> _byLease = []; // every lease on an outstanding chunk, current or past (late reports count)
    private readonly Dictionary<long, HashSet<Chunk>> _heldBySession = []; // plain-get holders
    private readonly HashSet<object> _stale = new(ReferenceEqualityComparer.Instance); // done chunks' items that may still be queued
    private long _issued;
    private long _outstanding;
    private double _typicalSeconds; // moving average of how long a chunk is out before it completes

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

    /// <summary>Chunks issued and not yet completed.</summary>
    public long Outstanding
    {
        get
        {
            lock (_gate)
            {
                return _outstanding;
            }
        }
    }

    /// <summary>Registers a new chunk; returns it with its id (0-based, input order).</summary>
    public Chunk Issue(List<object?> numbers)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        lock (_gate)
        {
            var chunk = new Chunk(_issued++, numbers);
            _outstanding++;
            _byItem[numbers] = chunk;
            return chunk;
        }
    }

    /// <summary>
    /// <paramref name="item"/> (a queued chunk) goes out as a list, to a peer that may answer with a
    /// bare result dict: from now on such a dict finds it by its numbers.
    /// </summary>
    public void HandedAsList(object? item)
    {
        lock (_gate)
        {
            if (item is not null && _byItem.TryGetValue(item, out Chunk? chunk))
            {
                IndexSignatureLocked(chunk);
            }
        }
    }

    /// <summary>The packed form of chunk <paramref name="item"/> (made once), or null when it has none or is no chunk of this run.</summary>
    public byte[]? PackedJob(object? item)
    {
        lock (_gate)
        {
            if (item is null || !_byItem.TryGetValue(item, out Chunk? chunk))
            {
                return null;
            }
            if (!chunk.PackTried)
            {
                chunk.PackTried = true;
                chunk.PackedJob = PackedChunk.TryPack(chunk.Item);
            }
            return chunk.PackedJob;
        }
    }

    private void IndexSignatureLocked(Chunk chunk)
    {
        if (chunk.Signature is not null || chunk.Done)
        {
            return;
        }
        string signature = ResultCheck.SignatureOf(chunk.Item.Select(ToBig));
        chunk.Signature = signature;
        if (!_bySignature.TryGetValue(signature, out List<Chunk>? same))
        {
            _bySignature[signature] = same = [];
        }
        same.Add(chunk);
    }

    /// <summary>Passes over the next chunk id without issuing it (an earlier run did that chunk).</summary>
    public void Skip()
    {
        lock (_gate)
        {
            _issued++;
        }
    }

    /// <summary>A session took <paramref name="item"/> from the job queue with a plain <c>get</c>.</summary>
    public void Taken(object? item, SessionInfo session)
    {
        ArgumentNullException.ThrowIfNull(session);
        lock (_gate)
        {
            if (item is null || !_byItem.TryGetValue(item, out Chunk? chunk))
            {
                return;
            }
            IndexSignatureLocked(chunk); // a plain get is the seed's: a bare dict answers it
            chunk.GetHolder = session.Id;
            chunk.TakenAt = time.GetTimestamp();
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
        ArgumentNullException.ThrowIfNull(session);
        lock (_gate)
        {
            if (item is not null && _byItem.TryGetValue(item, out Chunk? chunk) && chunk.GetHolder == session.Id)
            {
                DropGetHolder(chunk);
                chunk.Requeued = true;
            }
        }
    }

    /// <summary>A session reserved <paramref name="item"/> under lease <paramref name="leaseId"/>; false when it is no chunk of this run.</summary>
    public bool Reserved(object? item, long leaseId)
    {
        lock (_gate)
        {
            if (item is null || !_byItem.TryGetValue(item, out Chunk? chunk))
            {
                return false;
            }
            chunk.LeaseId = leaseId;
            chunk.TakenAt = time.GetTimestamp();
            chunk.Leases.Add(leaseId);
            _byLease[leaseId] = chunk;
            return true;
        }
    }

    /// <summary>
    /// Lease <paramref name="leaseId"/> ended without a result (expired, its holder gone, released):
    /// the queue has the item back. Returns the chunk's id, or null when the lease was no chunk's.
    /// The lease still finds the chunk, so a late report from its holder counts. A lease
    /// <paramref name="released"/> (a worker giving back a prefetched chunk it never started, or the
    /// server redoing a wrong result) adds no time toward the number timeout.
    /// </summary>
    public long? LeaseEnded(long leaseId, bool released = false)
    {
        lock (_gate)
        {
            if (!_byLease.TryGetValue(leaseId, out Chunk? chunk))
            {
                return null;
            }
            if (chunk.LeaseId == leaseId)
            {
                chunk.LeaseId = null;
                if (released)
                {
                    chunk.TakenAt = 0;
                }
                EndAttempt(chunk);
            }
            chunk.Requeued = true;
            return chunk.Id;
        }
    }

    /// <summary>The outstanding chunk lease <paramref name="leaseId"/> was for, or null (unknown lease, or the chunk is done).</summary>
    public Chunk? ByLease(long leaseId)
    {
        lock (_gate)
        {
            return _byLease.TryGetValue(leaseId, out Chunk? chunk) && !chunk.Done ? chunk : null;
        }
    }

    /// <summary>A session closed: returns the items it held by plain <c>get</c> and never finished, for requeueing.</summary>
    public List<object?> Release(SessionInfo session)
    {
        ArgumentNullException.ThrowIfNull(session);
        lock (_gate)
        {
            if (!_heldBySession.Remove(session.Id, out HashSet<Chunk>? held))
            {
                return [];
            }
            var items = new List<object?>();
            foreach (Chunk chunk in held.Where(c => !c.Done && c.GetHolder == session.Id).OrderByDescending(c => c.Id))
            {
                chunk.GetHolder = null;
                EndAttempt(chunk);
                chunk.Requeued = true;
                items.Add(chunk.Item);
            }
            return items; // highest id first: requeueing each at the front leaves the lowest first
        }
    }

    /// <summary>
    /// Chunks taken by plain <c>get</c> longer than <paramref name="limit"/> ago (a stopped or vanished
    /// Python worker): no longer counted as held, returned for requeueing, highest id first. A late
    /// result from the old holder still counts; the duplicate is then ignored.
    /// </summary>
    public List<object?> Overdue(TimeSpan limit)
    {
        lock (_gate)
        {
            var overdue = new List<Chunk>();
            foreach (HashSet<Chunk> held in _heldBySession.Values)
            {
                overdue.AddRange(held.Where(c => !c.Done && c.GetHolder is not null && time.GetElapsedTime(c.TakenAt) > limit));
            }
            foreach (Chunk chunk in overdue)
            {
                EndAttempt(chunk);
                DropGetHolder(chunk);
                chunk.Requeued = true;
            }
            return [.. overdue.OrderByDescending(c => c.Id).Select(c => (object?)c.Item)];
        }
    }

    /// <summary>
    /// Finds the outstanding chunk a bare result dict is for: one with this signature (preferring one
    /// the session holds); failing that, the oldest chunk the session holds that shares a number with
    /// the result, so an incomplete or altered result counts against its chunk (and gets it redone).
    /// A result that shares no number with anything the session holds matches nothing.
    /// </summary>
    public Chunk? Match(string signature, IReadOnlyDictionary<object, object?> result, SessionInfo session)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(session);
        lock (_gate)
        {
            if (_bySignature.TryGetValue(signature, out List<Chunk>? candidates))
            {
                return candidates.FirstOrDefault(c => c.GetHolder == session.Id) ?? candidates[0];
            }
            return _heldBySession.TryGetValue(session.Id, out HashSet<Chunk>? held)
                ? held.Where(c => !c.Done && c.GetHolder == session.Id && c.Item.Any(n => n is not null && result.ContainsKey(n))).MinBy(c => c.Id)
                : null;
        }
    }

    /// <summary>Runs <paramref name="update"/> on the chunk under the ledger's lock (its lines and errors are guarded by it).</summary>
    public T Update<T>(Chunk chunk, Func<Chunk, T> update)
    {
        ArgumentNullException.ThrowIfNull(update);
        lock (_gate)
        {
            return update(chunk);
        }
    }

    /// <summary>Marks the chunk done; false if it was done already (a duplicate result).</summary>
    public bool Complete(Chunk chunk) => Complete(chunk, out _);

    /// <summary>
    /// Marks the chunk done; false if it was done already (a duplicate result). A piece's lines and
    /// errors go to its parent, and <paramref name="readyParent"/> is the parent when that completed
    /// it (its final result came and no other piece is live). Pieces of a chunk done before them are
    /// retired: a copy still queued is skipped, a late report dropped.
    /// </summary>
    public bool Complete(Chunk chunk, out Chunk? readyParent)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        readyParent = null;
        lock (_gate)
        {
            if (chunk.Done)
            {
                return false;
            }
            ForgetLocked(chunk);
            if (chunk.Parent is { } parent)
            {
                MergeIntoParentLocked(chunk, parent);
                readyParent = parent.FinalSeen && parent.LivePieces!.Count == 0 && !parent.Done ? parent : null;
                return true;
            }
            _outstanding--;
            if (chunk.TakenAt != 0)
            {
                double seconds = time.GetElapsedTime(chunk.TakenAt).TotalSeconds;
                _typicalSeconds = _typicalSeconds == 0 ? seconds : (0.95 * _typicalSeconds) + (0.05 * seconds);
            }
            return true;
        }
    }

    /// <summary>
    /// A final result for the chunk came (its numbers verified, or failed for good, or given up):
    /// true when it can complete now; false while numbers it handed back are still out in a piece
    /// (the piece's completion completes it then).
    /// </summary>
    public bool Concluded(Chunk chunk, SessionInfo? session, IEnumerable<string> failures)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        ArgumentNullException.ThrowIfNull(failures);
        lock (_gate)
        {
            chunk.FinalSeen = true;
            chunk.FinalSession = session ?? chunk.FinalSession;
            chunk.PendingFailures.AddRange(failures);
            // Redone whole after a hand-back (its lease ran out), it may have every number already.
            if (chunk.LivePieces is not { Count: > 0 } || chunk.AllHaveResults())
            {
                return true;
            }
            chunk.LeaseId = null; // acked: no longer in work, only waiting for its pieces
            DropGetHolder(chunk);
            return false;
        }
    }

    /// <summary>
    /// The holder of lease <paramref name="leaseId"/> hands back the numbers at
    /// <paramref name="indexes"/> of its chunk, unstarted: they become a piece, a chunk of their own
    /// (returned, for the caller to queue), and the chunk completes once both are done.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The lease is not the current lease of an outstanding chunk.</exception>
    /// <exception cref="ArgumentException">An index out of range, repeated, or of a number that has its result or is handed back already.</exception>
    public Chunk HandBack(long leaseId, IReadOnlyList<long> indexes)
    {
        ArgumentNullException.ThrowIfNull(indexes);
        lock (_gate)
        {
            if (!_byLease.TryGetValue(leaseId, out Chunk? chunk) || chunk.Done || chunk.FinalSeen || chunk.LeaseId != leaseId)
            {
                throw new KeyNotFoundException($"lease {leaseId} is unknown, expired, or not a chunk's current lease");
            }
            if (indexes.Count == 0 || indexes.Count >= chunk.Item.Count)
            {
                throw new ArgumentException($"hand back between 1 and {chunk.Item.Count - 1} of the chunk's {chunk.Item.Count} numbers, not {indexes.Count}");
            }
            var seen = new HashSet<long>();
            foreach (long index in indexes)
            {
                if (index < 0 || index >= chunk.Item.Count)
                {
                    throw new ArgumentException($"index {index} is outside the chunk of {chunk.Item.Count} numbers");
                }
                if (!seen.Add(index))
                {
                    throw new ArgumentException($"index {index} is given twice");
                }
                if (chunk.HasResult((int)index) || chunk.Delegated?[index] == true)
                {
                    throw new ArgumentException($"the number at index {index} has its result or is handed back already");
                }
            }
            int[] at = [.. indexes.Select(i => (int)i)];
            var piece = new Chunk(chunk.Id, [.. at.Select(i => chunk.Item[i])]) { Parent = chunk, ParentIndex = at };
            chunk.Delegated ??= new bool[chunk.Item.Count];
            foreach (int i in at)
            {
                chunk.Delegated[i] = true;
            }
            (chunk.LivePieces ??= []).Add(piece);
            _byItem[piece.Item] = piece;
            return piece;
        }
    }

    /// <summary>Drops a chunk done from every index, and retires its live pieces.</summary>
    private void ForgetLocked(Chunk chunk)
    {
        chunk.Done = true;
        if (chunk.Signature is { } signature && _bySignature.TryGetValue(signature, out List<Chunk>? same))
        {
            same.Remove(chunk);
            if (same.Count == 0)
            {
                _bySignature.Remove(signature);
            }
        }
        _byItem.Remove(chunk.Item);
        foreach (long lease in chunk.Leases)
        {
            _byLease.Remove(lease);
        }
        DropGetHolder(chunk);
        if (chunk.Requeued)
        {
            _stale.Add(chunk.Item);
        }
        if (chunk.LivePieces is { Count: > 0 } pieces)
        {
            foreach (Chunk piece in pieces)
            {
                // Its item may be queued or held: a queued copy is skipped, a holder's report dropped.
                piece.Requeued = true;
                ForgetLocked(piece);
            }
            pieces.Clear();
        }
    }

    /// <summary>A piece is done: its numbers' lines and errors (and failures) become its parent's.</summary>
    private static void MergeIntoParentLocked(Chunk piece, Chunk parent)
    {
        int[] at = piece.ParentIndex!;
        for (int i = 0; i < at.Length; i++)
        {
            if (piece.LinesAt?[i] is { Lines: not null } line)
            {
                parent.SetLine(at[i], line);
            }
            parent.Delegated![at[i]] = false;
        }
        foreach ((BigInteger n, string line) in piece.Lines)
        {
            parent.Lines[n] = line;
        }
        foreach ((BigInteger n, WorkError error) in piece.Errors)
        {
            parent.Errors[n] = error;
        }
        parent.PendingFailures.AddRange(piece.PendingFailures);
        parent.PieceNumbers += piece.Item.Count;
        parent.LivePieces!.Remove(piece);
    }

    /// <summary>
    /// The chunks in work far longer than chunks usually take (over <paramref name="atLeast"/> and
    /// ten times the typical time), longest first, with the numbers of each not yet received: a
    /// worker's partial reports narrow that down to the slow number itself.
    /// </summary>
    public IReadOnlyList<SlowChunk> Slowest(int max, TimeSpan atLeast)
    {
        lock (_gate)
        {
            TimeSpan threshold = TimeSpan.FromSeconds(System.Math.Max(atLeast.TotalSeconds, 10 * _typicalSeconds));
            return [.. _byItem.Values
                .Where(c => c.TakenAt != 0 && (c.GetHolder is not null || c.LeaseId is not null))
                .Select(c => (Chunk: c, Age: time.GetElapsedTime(c.TakenAt)))
                .Where(x => x.Age > threshold)
                .OrderByDescending(x => x.Age)
                .Take(max)
                .Select(x => new SlowChunk(x.Chunk.Id, x.Chunk.Waiting(), x.Age))];
        }
    }

    /// <summary>
    /// True (once) when <paramref name="item"/> is a queued copy of a chunk that has been done since
    /// it was requeued: the queue hands it out no more.
    /// </summary>
    public bool ForgetStale(object? item)
    {
        lock (_gate)
        {
            return item is not null && _stale.Remove(item);
        }
    }

    /// <summary>A result for the chunk failed verification: counts it and clears the holder so it can be requeued.</summary>
    public int RecordFailure(Chunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        lock (_gate)
        {
            DropGetHolder(chunk);
            chunk.Requeued = true;
            return ++chunk.FailedAttempts;
        }
    }

    /// <summary>
    /// Outstanding chunks with exactly one number still waiting whose work, summed over attempts, is
    /// past <paramref name="limit"/>: that number is the slow one (partial reports delivered the
    /// rest), and it is given up. A chunk with several waiting numbers is left to the worker's own
    /// per-number limit.
    /// </summary>
    public List<(Chunk Chunk, BigInteger Number)> OverBudget(TimeSpan limit)
    {
        lock (_gate)
        {
            var over = new List<(Chunk, BigInteger)>();
            foreach (Chunk chunk in _byItem.Values)
            {
                bool inWork = chunk.TakenAt != 0 && (chunk.GetHolder is not null || chunk.LeaseId is not null);
                TimeSpan spent = chunk.Spent + (inWork ? time.GetElapsedTime(chunk.TakenAt) : TimeSpan.Zero);
                if (spent <= limit)
                {
                    continue;
                }
                List<BigInteger> waiting = chunk.Waiting();
                if (waiting.Count == 1)
                {
                    over.Add((chunk, waiting[0]));
                }
            }
            return over;
        }
    }

    /// <summary>An attempt on the chunk ended without a final result: its time counts toward the number timeout.</summary>
    private void EndAttempt(Chunk chunk)
    {
        if (chunk.TakenAt != 0)
        {
            chunk.Spent += time.GetElapsedTime(chunk.TakenAt);
            chunk.TakenAt = 0;
        }
    }

    private void DropGetHolder(Chunk chunk)
    {
        if (chunk.GetHolder is { } holder && _heldBySession.TryGetValue(holder, out HashSet<Chunk>? held))
        {
            held.Remove(chunk);
        }
        chunk.GetHolder = null;
    }

    internal static BigInteger ToBig(object? number) => number is long l ? l : (BigInteger)number!;
}
