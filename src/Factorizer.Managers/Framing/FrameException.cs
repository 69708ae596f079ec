namespace Factorizer.Managers.Framing;

/// <summary>A frame header was invalid or announced more bytes than allowed; the connection is unusable.</summary>
public sealed class FrameException : IOException
{
    public FrameException() { }

    public FrameException(string message) : base(message) { }

    public FrameException(string message, Exception inner) : base(message, inner) { }
}
