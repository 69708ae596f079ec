using System.Text;

namespace Factorizer.Work.Durability;

/// <summary>
/// factor-server's append-only journal in <c>--data-dir</c>: enough to resume a run after the server
/// is killed, with nothing recomputed that was received and nothing written twice.
/// </summary>
/// <remarks>
/// <para>A record is <c>[u32 length][u32 CRC-32 of the payload][payload]</c>, little-endian; the
/// payload is a kind byte and its fields. Kinds: the run's identity (first, once), a chunk done (its
/// id, numbers, output text and failures), a checkpoint (chunks, lines and bytes of output written
/// and flushed), a failure carried over by compaction, and the run finished.</para>
/// <para>Reading stops at the first record that is cut short or fails its checksum: that is a torn
/// tail (the server died mid-write) or corruption, and the valid prefix is kept with a warning.
/// Compaction rewrites the journal as its identity, the last checkpoint, the failures so far and the
/// chunks done beyond the checkpoint, then renames it into place, so it does not grow without bound.</para>
/// <para>A lock file held open for the server's life keeps a second server off the same directory.</para>
/// </remarks>
public sealed class RunJournal : IDisposable
{
    private const string JournalName = "journal";
    private const string LockName = "lock";
    private const int HeaderBytes = 8;

    /// <summary>Records larger than this are not ours (a corrupt length), so reading stops there.</summary>
    private const int MaxRecordBytes = 256 << 20;

    private enum Kind : byte
    {
        Identity = 1,
        Done = 2,
        Checkpoint = 3,
        Failure = 4,
        Finished = 5,
    }

    private readonly Lock _gate = new();
    private readonly string _path;
    private readonly FileStream _lock;
    private readonly FsyncPolicy _policy;
    private readonly RunIdentity _identity;
    private FileStream _file;
    private long _compactedSize;
    private bool _dirty; // written since the last fsync

    private RunJournal(string path, FileStream lockFile, FileStream file, FsyncPolicy policy, RunIdentity identity)
    {
        _path = path;
        _lock = lockFile;
        _file = file;
        _policy = policy;
        _identity = identity;
        _compactedSize = file.Length;
    }

    /// <summary>Bytes in the journal now.</summary>
    public long Size
    {
        get
        {
            lock (_gate)
            {
                return _file.Length;
            }
        }
    }

    /// <summary>
    /// Opens (or creates) the journal in <paramref name="directory"/> for a run with
    /// <paramref name="identity"/>, and reads what an earlier run left. Throws
    /// <see cref="JournalException"/> when the directory is in use or belongs to another run.
    /// </summary>
    public static RunJournal Open(string directory, RunIdentity identity, FsyncPolicy policy, Action<string> warn, out ResumeState state)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(warn);
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new JournalException($"cannot use --data-dir {Cli.DisplayText.QuotePath(directory)}: {Cli.ErrorText.FileProblem(e)}", e);
        }
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(Path.Combine(directory, LockName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new JournalException($"--data-dir {Cli.DisplayText.QuotePath(directory)} is in use by another factor-server", e);
        }
        try
        {
            string path = Path.Combine(directory, JournalName);
            File.Delete(path + ".new"); // a compaction that died before its rename
            var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
            state = Read(file, identity, warn);
            var journal = new RunJournal(path, lockFile, file, policy, identity);
            if (file.Length == 0)
            {
                journal.Append(Kind.Identity, w => WriteIdentity(w, identity));
                journal.Sync(force: true);
            }
            return journal;
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>Records a finished chunk: its output text (every line, newline-terminated) and any failures.</summary>
    public void Done(long chunkId, int numbers, string text, IReadOnlyList<string> failures)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(failures);
        Append(Kind.Done, w =>
        {
            w.Write(chunkId);
            w.Write(numbers);
            w.Write(text);
            WriteList(w, failures);
        });
    }

    /// <summary>
    /// Records that the output holds, flushed, the first <paramref name="chunks"/> chunks:
    /// <paramref name="lines"/> lines in <paramref name="bytes"/> bytes. Call it only after the output
    /// itself reached the OS (and the disk, under <see cref="FsyncPolicy.Always"/> or <see cref="FsyncPolicy.Interval"/>).
    /// </summary>
    public void Checkpoint(long chunks, long lines, long bytes) => Append(Kind.Checkpoint, w =>
    {
        w.Write(chunks);
        w.Write(lines);
        w.Write(bytes);
    });

    /// <summary>Records that the run finished (the same command run again has nothing to do), and compacts.</summary>
    public void Finished()
    {
        Append(Kind.Finished, _ => { });
        Compact(); // every chunk is written: what is left is the identity, the checkpoint and the failures
    }

    /// <summary>Forces the journal to disk under <see cref="FsyncPolicy.Interval"/> (the run calls this every second), or always when <paramref name="force"/>.</summary>
    public void Sync(bool force = false)
    {
        lock (_gate)
        {
            if (_dirty && (force ? _policy != FsyncPolicy.Never : _policy == FsyncPolicy.Interval))
            {
                _file.Flush(flushToDisk: true);
                _dirty = false;
            }
        }
    }

    /// <summary>Whether the journal has grown enough since its last compaction to be worth rewriting.</summary>
    public bool WantsCompaction => Size > System.Math.Max(8L << 20, 4 * _compactedSize);

    /// <summary>
    /// Rewrites the journal as: identity, the last checkpoint, every failure so far, and the chunks
    /// done beyond the checkpoint. Written to a new file, forced to disk and renamed into place.
    /// </summary>
    public void Compact()
    {
        lock (_gate)
        {
            _file.Flush(flushToDisk: _policy != FsyncPolicy.Never);
            _file.Position = 0;
            ResumeState state = Read(_file, _identity, _ => { });
            string next = _path + ".new";
            using (var fresh = new FileStream(next, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                WriteRecord(fresh, Kind.Identity, w => WriteIdentity(w, _identity));
                WriteRecord(fresh, Kind.Checkpoint, w =>
                {
                    w.Write(state.ChunksWritten);
                    w.Write(state.LinesWritten);
                    w.Write(state.OutputBytes);
                });
                foreach (string failure in state.Failures)
                {
                    WriteRecord(fresh, Kind.Failure, w => w.Write(failure));
                }
                foreach (DoneChunk done in state.Pending.Values.OrderBy(d => d.Id))
                {
                    WriteRecord(fresh, Kind.Done, w =>
                    {
                        w.Write(done.Id);
                        w.Write(done.Numbers);
                        w.Write(done.Text);
                        WriteList(w, done.Failures);
                    });
                }
                if (state.Finished)
                {
                    WriteRecord(fresh, Kind.Finished, _ => { });
                }
                fresh.Flush(flushToDisk: _policy != FsyncPolicy.Never);
            }
            _file.Dispose();
            File.Move(next, _path, overwrite: true);
            _file = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
            _file.Seek(0, SeekOrigin.End);
            _compactedSize = _file.Length;
            _dirty = false;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_dirty && _policy != FsyncPolicy.Never)
            {
                _file.Flush(flushToDisk: true);
            }
            _file.Dispose();
            _lock.Dispose();
        }
    }

    private void Append(Kind kind, Action<BinaryWriter> fields)
    {
        lock (_gate)
        {
            WriteRecord(_file, kind, fields);
            _file.Flush(flushToDisk: _policy == FsyncPolicy.Always); // to the OS at once: a kill -9 loses nothing
            _dirty = _policy != FsyncPolicy.Always;
        }
    }

    private static void WriteRecord(Stream stream, Kind kind, Action<BinaryWriter> fields)
    {
        using var payload = new MemoryStream();
        using (var w = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            w.Write((byte)kind);
            fields(w);
        }
        ReadOnlySpan<byte> body = payload.GetBuffer().AsSpan(0, (int)payload.Length);
        Span<byte> header = stackalloc byte[HeaderBytes];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header, body.Length);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Crc32.Of(body));
        // One write per record, so a record is torn only by a crash in the middle of a single write.
        byte[] record = new byte[HeaderBytes + body.Length];
        header.CopyTo(record);
        body.CopyTo(record.AsSpan(HeaderBytes));
        stream.Write(record);
    }

    private static void WriteIdentity(BinaryWriter w, RunIdentity identity)
    {
        w.Write(identity.Fields.Count);
        foreach ((string key, string value) in identity.Fields)
        {
            w.Write(key);
            w.Write(value);
        }
    }

    private static void WriteList(BinaryWriter w, IReadOnlyList<string> items)
    {
        w.Write(items.Count);
        foreach (string item in items)
        {
            w.Write(item);
        }
    }

    private static List<string> ReadList(BinaryReader r)
    {
        int count = r.ReadInt32();
        if (count < 0 || count > 1 << 20)
        {
            throw new InvalidDataException("bad list length");
        }
        var items = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            items.Add(r.ReadString());
        }
        return items;
    }

    /// <summary>Reads every valid record from the start; cuts a torn or corrupt tail off (with a warning).</summary>
    private static ResumeState Read(FileStream file, RunIdentity identity, Action<string> warn)
    {
        var state = new ResumeState();
        file.Position = 0;
        long valid = 0;
        long records = 0;
        Span<byte> header = stackalloc byte[HeaderBytes];
        string? problem = null;
        while (true)
        {
            int got = file.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false);
            if (got == 0)
            {
                break;
            }
            int length = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(header);
            uint crc = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            if (got < HeaderBytes || length <= 0 || length > MaxRecordBytes || length > file.Length - file.Position)
            {
                problem = "a record cut short";
                break;
            }
            byte[] body = new byte[length];
            file.ReadExactly(body);
            if (Crc32.Of(body) != crc)
            {
                problem = "a record whose checksum does not match";
                break;
            }
            try
            {
                Apply(state, body, identity, first: records == 0);
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ArgumentException or IOException)
            {
                problem = $"an unreadable record ({e.Message})";
                break;
            }
            records++;
            valid = file.Position;
        }
        if (problem is not null)
        {
            warn($"journal: {problem} at byte {valid}; kept the {records} records before it (the server was probably killed mid-write)");
            file.SetLength(valid);
        }
        file.Position = valid;
        state.Records = records;
        return state;
    }

    private static void Apply(ResumeState state, byte[] body, RunIdentity identity, bool first)
    {
        using var r = new BinaryReader(new MemoryStream(body), Encoding.UTF8);
        var kind = (Kind)r.ReadByte();
        if (first != (kind == Kind.Identity))
        {
            throw new InvalidDataException(first ? "the journal does not start with the run's identity" : "a second identity record");
        }
        switch (kind)
        {
            case Kind.Identity:
                int count = r.ReadInt32();
                var fields = new Dictionary<string, string>(StringComparer.Ordinal);
                for (int i = 0; i < count; i++)
                {
                    fields[r.ReadString()] = r.ReadString();
                }
                identity.CheckSame(new RunIdentity(fields));
                break;
            case Kind.Done:
                var done = new DoneChunk(r.ReadInt64(), r.ReadInt32(), r.ReadString(), ReadList(r));
                if (done.Id >= state.ChunksWritten)
                {
                    state.Pending[done.Id] = done;
                }
                break;
            case Kind.Checkpoint:
                long chunks = r.ReadInt64(), lines = r.ReadInt64(), bytes = r.ReadInt64();
                foreach (long id in state.Pending.Keys.Where(id => id < chunks).ToList())
                {
                    state.Failures.AddRange(state.Pending[id].Failures);
                    state.Pending.Remove(id);
                }
                (state.ChunksWritten, state.LinesWritten, state.OutputBytes) = (chunks, lines, bytes);
                break;
            case Kind.Failure:
                state.Failures.Add(r.ReadString());
                break;
            case Kind.Finished:
                state.Finished = true;
                break;
            default:
                throw new InvalidDataException($"unknown record kind {(byte)kind}");
        }
    }
}
