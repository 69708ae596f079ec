namespace Factorizer.Programs.Tests.Support;

/// <summary>A read-only stream of <c>length</c> copies of one byte, made as they are read.</summary>
internal sealed class RepeatingStream(byte fill, long length) : Stream
{
    private long _read;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int n = (int)System.Math.Min(count, length - _read);
        buffer.AsSpan(offset, n).Fill(fill);
        _read += n;
        return n;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
