using System.Buffers.Binary;

namespace Factorizer.Managers.Durability;

/// <summary>
/// An append-only file of checksummed records, the storage under factor-server's run journal and
/// durable queues. It knows records, not what they mean.
/// </summary>
/// <remarks>
/// <para>A record is <c>[i32 length][u32 CRC-32 of the payload][payload]</c>, little-endian, written
/// with one write call and pushed to the operating system at once, so a killed process (kill -9)
/// loses nothing; <see cref="FsyncPolicy"/> decides when it is forced to disk, against power failure.</para>
/// <para>Opening reads every record from the start and stops at the first one that is cut short or
/// fails its checksum (or that the reader rejects with <see cref="InvalidDataException"/>): a torn
/// tail, from a process killed mid-write, or corruption. The valid prefix is kept, the rest cut off,
/// and a warning says so. <see cref="Rewrite"/> replaces the whole file (compaction) through a new
/// file that is forced to disk and renamed into place.</para>
/// </remarks>
public sealed class JournalFile : IDisposable
{
    private const int HeaderBytes = 8;

    /// <summary>Records larger than this are not ours (a corrupt length), so reading stops there.</summary>
    private const int MaxRecordBytes = 256 << 20;

    private readonly Lock _gate = new();
    private readonly string _path;
    private readonly FsyncPolicy _policy;
    private FileStream _file;
    private bool _dirty; // appended since the last fsync

    private JournalFile(string path, FileStream file, FsyncPolicy policy)
    {
        _path = path;
        _file = file;
        _policy = policy;
    }

    /// <summary>Bytes in the file now.</summary>
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

    /// <summary>The policy records are forced to disk by.</summary>
    public FsyncPolicy Policy => _policy;

    /// <summary>
    /// Opens (or creates) the file at <paramref name="path"/> and hands every valid record's payload,
    /// in order, to <paramref name="onRecord"/> (which may throw <see cref="InvalidDataException"/> to
    /// end the valid prefix). Other exceptions from it propagate, and the file is closed.
    /// </summary>
    public static JournalFile Open(string path, FsyncPolicy policy, Action<string> warn, Action<byte[]> onRecord)
    {
        ArgumentNullException.ThrowIfNull(warn);
        ArgumentNullException.ThrowIfNull(onRecord);
        File.Delete(path + ".new"); // a rewrite that died before its rename
        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
        try
        {
            (long valid, long records, string? problem) = ReadAll(file, onRecord);
            if (problem is not null)
            {
                warn($"{Path.GetFileName(path)}: {problem} at byte {valid}; kept the {records} records before it (the process was probably killed mid-write)");
                file.SetLength(valid);
            }
            file.Position = valid;
            return new JournalFile(path, file, policy);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Appends one record (to the OS at once; to disk at once under <see cref="FsyncPolicy.Always"/>).</summary>
    public void Append(ReadOnlySpan<byte> payload)
    {
        byte[] record = Frame(payload);
        lock (_gate)
        {
            _file.Write(record);
            _file.Flush(flushToDisk: _policy == FsyncPolicy.Always);
            _dirty = _policy != FsyncPolicy.Always;
        }
    }

    /// <summary>Forces appended records to disk under <see cref="FsyncPolicy.Interval"/> (call it every second), or under any policy but <see cref="FsyncPolicy.Never"/> when <paramref name="force"/>.</summary>
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

    /// <summary>Reads the file's records again from the start (under the lock, so no append interleaves).</summary>
    public void Replay(Action<byte[]> onRecord)
    {
        lock (_gate)
        {
            _file.Flush();
            long end = _file.Length;
            ReadAll(_file, onRecord);
            _file.Position = end;
        }
    }

    /// <summary>
    /// Replaces the whole file with the records <paramref name="write"/> produces (compaction): they
    /// go to a new file, which is forced to disk and renamed over this one.
    /// </summary>
    public void Rewrite(Action<Action<byte[]>> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        lock (_gate)
        {
            string next = _path + ".new";
            using (var fresh = new FileStream(next, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(payload => fresh.Write(Frame(payload)));
                fresh.Flush(flushToDisk: _policy != FsyncPolicy.Never);
            }
            _file.Dispose();
            File.Move(next, _path, overwrite: true);
            _file = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.None);
            _file.Seek(0, SeekOrigin.End);
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
        }
    }

    private static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        byte[] record = new byte[HeaderBytes + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(record, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), Crc32.Of(payload));
        payload.CopyTo(record.AsSpan(HeaderBytes));
        return record;
    }

    private static (long Valid, long Records, string? Problem) ReadAll(FileStream file, Action<byte[]> onRecord)
    {
        file.Position = 0;
        long valid = 0;
        long records = 0;
        byte[] header = new byte[HeaderBytes];
        while (true)
        {
            int got = file.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false);
            if (got == 0)
            {
                return (valid, records, null);
            }
            int length = BinaryPrimitives.ReadInt32LittleEndian(header);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
            if (got < HeaderBytes || length <= 0 || length > MaxRecordBytes || length > file.Length - file.Position)
            {
                return (valid, records, "a record cut short");
            }
            byte[] body = new byte[length];
            file.ReadExactly(body);
            if (Crc32.Of(body) != crc)
            {
                return (valid, records, "a record whose checksum does not match");
            }
            try
            {
                onRecord(body);
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
            {
                return (valid, records, $"an unreadable record ({e.Message})");
            }
            records++;
            valid = file.Position;
        }
    }
}
