namespace Factorizer.Managers.Durability;

/// <summary>
/// When the journal (and the output file it vouches for) is forced to disk. Every record reaches the
/// operating system at once, so a killed server (kill -9) loses nothing under any policy; the
/// policies differ only on power failure or an OS crash.
/// </summary>
public enum FsyncPolicy
{
    /// <summary>fsync after every record: loses nothing acknowledged; the slowest.</summary>
    Always,

    /// <summary>fsync once a second (the default): loses at most about a second of results, which are redone.</summary>
    Interval,

    /// <summary>Never fsync; the OS writes when it likes (often within 30 s). A power failure can lose output the journal vouched for, and the run must then be started over.</summary>
    Never,
}
