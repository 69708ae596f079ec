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

    /// <summary>
    /// A pickle naming a denied global (one that would run code in Python): answered with #TRACEBACK like a
    /// malformed request; a call channel that sends <see cref="CallLoop.MaxRefusalsInRow"/> of these in a row is cut off.
    /// </summary>
    Hostile,
}
