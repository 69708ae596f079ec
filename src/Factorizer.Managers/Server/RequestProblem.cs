namespace Factorizer.Managers.Server;

/// <summary>What was wrong with a request frame, which decides how the server answers it.</summary>
internal enum RequestProblem
{
    /// <summary>A well-formed request.</summary>
    None,

    /// <summary>The pickle ended early (CPython's EOFError).</summary>
    Truncated,

    /// <summary>Not a pickle, or not a request's shape: answered with #TRACEBACK.</summary>
    Malformed,

    /// <summary>A pickle that would run code in Python: answered, then the peer is cut off.</summary>
    Hostile,
}
