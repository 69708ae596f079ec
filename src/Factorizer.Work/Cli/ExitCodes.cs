namespace Factorizer.Work.Cli;

/// <summary>The programs' documented exit codes (README, "Exit codes").</summary>
public static class ExitCodes
{
    /// <summary>All work done and verified.</summary>
    public const int Success = 0;

    /// <summary>A runtime failure: unreachable server, wrong key, a number that could not be done.</summary>
    public const int Failure = 1;

    /// <summary>Bad usage or bad input; nothing was started.</summary>
    public const int Usage = 2;
}
