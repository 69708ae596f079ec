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

    /// <summary>Stopped by SIGINT (Ctrl+C): 128 + 2, as shells report it.</summary>
    public const int Interrupted = 130;

    /// <summary>Stopped by SIGTERM: 128 + 15.</summary>
    public const int Terminated = 143;

    /// <summary>Whether <paramref name="code"/> is the exit code of a process stopped by a signal it handled.</summary>
    public static bool IsStop(int code) => code is Interrupted or Terminated;
}
