namespace Factorizer.Pickle;

/// <summary>A pickle could not be read: malformed, truncated, over a limit, or naming a refused global.</summary>
public class UnpicklingException : Exception
{
    public UnpicklingException() { }

    public UnpicklingException(string message) : base(message) { }

    public UnpicklingException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// The pickle ended before STOP (CPython raises EOFError here; the manager closes the connection
/// without a reply in that case, unlike other unpickling errors).
/// </summary>
public sealed class TruncatedPickleException : UnpicklingException
{
    public TruncatedPickleException() : base("pickle data was truncated") { }

    public TruncatedPickleException(string message) : base(message) { }

    public TruncatedPickleException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>A value has no pickled form here (an unsupported C# type, or a limit exceeded).</summary>
public sealed class PicklingException : Exception
{
    public PicklingException() { }

    public PicklingException(string message) : base(message) { }

    public PicklingException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// The pickle asks for something that would run code in Python: a global on the denylist (or, with
/// <see cref="PickleReadOptions.KeepInert"/> false, any global off the whitelist), or an opcode that instantiates
/// one (INST, OBJ). Nothing was resolved or called; the server answers it and cuts off a peer that keeps sending them.
/// </summary>
public sealed class ForbiddenGlobalException : UnpicklingException
{
    public ForbiddenGlobalException() { }

    public ForbiddenGlobalException(string message) : base(message) { }

    public ForbiddenGlobalException(string message, Exception inner) : base(message, inner) { }
}
