namespace Factorizer.Work.Serving;

/// <summary>How a factor-server run ended; the program turns it into an exit code.</summary>
public enum RunEnd
{
    /// <summary>Every number done and verified.</summary>
    Completed,

    /// <summary>The run ended, but some numbers failed verification or the local workers gave up.</summary>
    Failed,

    /// <summary>Stopped on request (a signal) before the end; the finished in-order prefix was written.</summary>
    Stopped,
}

/// <summary>The end of a run and how far it got.</summary>
/// <param name="End">How it ended.</param>
/// <param name="NumbersWritten">Result lines written, the in-order prefix of the input.</param>
/// <param name="NumbersTotal">Numbers in the run.</param>
public sealed record RunOutcome(RunEnd End, long NumbersWritten, long NumbersTotal);
