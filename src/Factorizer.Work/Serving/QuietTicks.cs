namespace Factorizer.Work.Serving;

/// <summary>
/// Ends a <see cref="PeriodicTimer"/>'s ticks when a token is cancelled by disposing the timer (its
/// wait then returns false) rather than by cancelling the wait. A cancelled <c>WaitForNextTickAsync</c> gives its
/// exception a stack trace with source lines, which loads System.Reflection.Metadata and reads the
/// PDBs: tens of milliseconds of CPU at the end of every run, for an exception nobody reads.
/// </summary>
internal static class QuietTicks
{
    /// <summary>Disposes <paramref name="timer"/> when <paramref name="stopping"/> is cancelled; dispose the registration with the timer.</summary>
    public static CancellationTokenRegistration DisposeOn(this PeriodicTimer timer, CancellationToken stopping) =>
        stopping.UnsafeRegister(static state => ((PeriodicTimer)state!).Dispose(), timer);
}
