using System.Text;
using Factorizer.Managers.Durability;

namespace Factorizer.Work.Durability;

/// <summary>
/// factor-server's append-only journal in <c>--data-dir</c>: enough to resume a run after the server
/// is killed, with nothing recomputed that was received and nothing written twice.
/// </summary>
/// <remarks>
/// <para>Records are stored in a <see cref="JournalFile"/> (checksummed, torn tails cut off); each
/// payload is a kind byte and its fields. Kinds: the run's identity (first, once), a chunk done (its
/// id, numbers, output text and failures), a checkpoint (chunks, lines and bytes of output written
/// and flushed), a failure carried over by compaction, and the run finished.</para>
/// <para>Compaction rewrites the journal as its identity, the last checkpoint, the failures so far and the
/// chunks done beyond the checkpoint, then renames it into place, so it does not grow without bound.</para>
/// <para>A lock file held open for the server's life keeps a second server off the same directory.</para>
/// </remarks>
public sealed class RunJournal : IDisposable
{
    private const string JournalName = "journal";
    private const string LockName = "lock";

    private enum Kind : byte
    {
        Identity = 1,
        Done = 2,
        Checkpoint = 3,
        Failure = 4,
        Finished = 5,
    }

    private readonly FileStream _lock;
    private readonly JournalFile _file;
    private readonly RunIdentity _identity;
    private long _compactedSize;

    private RunJournal(FileStream lockFile, JournalFile file, RunIdentity identity)
    {
        _lock = lockFile;
        _file = file;
        _identity = identity;
        _compactedSize = file.Size;
    }

    /// <summary>Bytes in the journal now.</summary>
    public long Size => _file.Size;

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
            var read = new ResumeState();
            JournalFile file = JournalFile.Open(Path.Combine(directory, JournalName), policy, warn, body => Apply(read, body, identity));
            var journal = new RunJournal(lockFile, file, identity);
            if (read.Records == 0)
            {
                file.Append(Encode(Kind.Identity, w => WriteIdentity(w, identity)));
                file.Sync(force: true);
            }
            state = read;
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
        _file.Append(Encode(Kind.Done, w =>
        {
            w.Write(chunkId);
            w.Write(numbers);
            w.Write(text);
            WriteList(w, failures);
        }));
    }

    /// <summary>
    /// Records that the output holds, flushed, the first <paramref name="chunks"/> chunks:
    /// <paramref name="lines"/> lines in <paramref name="bytes"/> bytes. Call it only after the output
    /// itself reached the OS (and the disk, under <see cref="FsyncPolicy.Always"/> or <see cref="FsyncPolicy.Interval"/>).
    /// </summary>
    public void Checkpoint(long chunks, long lines, long bytes) => _file.Append(Encode(Kind.Checkpoint, w =>
    {
        w.Write(chunks);
        w.Write(lines);
        w.Write(bytes);
    }));

    /// <summary>Records that the run finished (the same command run again has nothing to do), and compacts.</summary>
    public void Finished()
    {
        _file.Append(Encode(Kind.Finished, _ => { }));
        Compact(); // every chunk is written: what is left is the identity, the checkpoint and the failures
    }

    /// <summary>Forces the journal to disk under <see cref="FsyncPolicy.Interval"/> (the run calls this every second), or always when <paramref name="force"/>.</summary>
    public void Sync(bool force = false) => _file.Sync(force);

    /// <summary>Whether the journal has grown enough since its last compaction to be worth rewriting.</summary>
    public bool WantsCompaction => Size > System.Math.Max(8L << 20, 4 * _compactedSize);

    /// <summary>
    /// Rewrites the journal as: identity, the last checkpoint, every failure so far, and the chunks
    /// done beyond the checkpoint.
    /// </summary>
    public void Compact()
    {
        var state = new ResumeState();
        _file.Replay(body => Apply(state, body, _identity));
        _file.Rewrite(write =>
        {
            write(Encode(Kind.Identity, w => WriteIdentity(w, _identity)));
            write(Encode(Kind.Checkpoint, w =>
            {
                w.Write(state.ChunksWritten);
                w.Write(state.LinesWritten);
                w.Write(state.OutputBytes);
            }));
            foreach (string failure in state.Failures)
            {
                write(Encode(Kind.Failure, w => w.Write(failure)));
            }
            foreach (DoneChunk done in state.Pending.Values.OrderBy(d => d.Id))
            {
                write(Encode(Kind.Done, w =>
                {
                    w.Write(done.Id);
                    w.Write(done.Numbers);
                    w.Write(done.Text);
                    WriteList(w, done.Failures);
                }));
            }
            if (state.Finished)
            {
                write(Encode(Kind.Finished, _ => { }));
            }
        });
        _compactedSize = _file.Size;
    }

    public void Dispose()
    {
        _file.Dispose();
        _lock.Dispose();
    }

    private static byte[] Encode(Kind kind, Action<BinaryWriter> fields)
    {
        using var payload = new MemoryStream();
        using (var w = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            w.Write((byte)kind);
            fields(w);
        }
        return payload.ToArray();
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

    /// <summary>Applies one record to the state; <see cref="InvalidDataException"/> ends the valid prefix.</summary>
    private static void Apply(ResumeState state, byte[] body, RunIdentity identity)
    {
        using var r = new BinaryReader(new MemoryStream(body), Encoding.UTF8);
        var kind = (Kind)r.ReadByte();
        bool first = state.Records == 0;
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
        state.Records++;
    }
}
