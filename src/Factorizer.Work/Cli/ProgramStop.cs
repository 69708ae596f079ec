using System.Runtime.InteropServices;

namespace Factorizer.Work.Cli;

/// <summary>
/// A program's stop request: the first SIGINT or SIGTERM (Ctrl+C, <c>kill</c>, <c>timeout</c>,
/// systemd, Docker, Kubernetes) cancels <see cref="Token"/> so the program can stop cleanly; a
/// second one is left to the runtime's default action, so a stuck stop can still be forced.
/// On Windows, SIGINT is Ctrl+C and SIGTERM a shutdown or close event.
/// </summary>
public sealed class ProgramStop : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private int _signal; // the first signal received (its PosixSignal value), 0 while none

    /// <summary>A stop request that no signal cancels (for tests and embedding); see <see cref="Listen"/>.</summary>
    public ProgramStop()
    {
    }

    /// <summary>A stop request cancelled by this process's SIGINT and SIGTERM.</summary>
    public static ProgramStop Listen()
    {
        var stop = new ProgramStop();
        foreach (PosixSignal signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            stop._registrations.Add(PosixSignalRegistration.Create(signal, stop.OnSignal));
        }
        return stop;
    }

    /// <summary>Cancelled when a stop was requested.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Whether a stop was requested.</summary>
    public bool Requested => _cancel.IsCancellationRequested;

    /// <summary>The signal that asked the program to stop, or null.</summary>
    public PosixSignal? Signal => Volatile.Read(ref _signal) is var s && s != 0 ? (PosixSignal)s : null;

    /// <summary>The signal's name for messages (<c>SIGINT</c>, <c>SIGTERM</c>).</summary>
    public string Reason => Signal switch
    {
        PosixSignal.SIGTERM => "SIGTERM",
        PosixSignal.SIGINT => "SIGINT",
        _ => "request",
    };

    /// <summary>The exit code of a program stopped this way: 128 + the signal's number, as shells report it.</summary>
    public int ExitCode => Signal == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted;

    /// <summary>Requests a stop as if <paramref name="signal"/> had arrived.</summary>
    public void Request(PosixSignal signal)
    {
        Interlocked.CompareExchange(ref _signal, (int)signal, 0);
        _cancel.Cancel();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Requested)
        {
            return; // the second signal: let the default action end the process
        }
        context.Cancel = true;
        Request(context.Signal);
    }

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations)
        {
            registration.Dispose();
        }
        _cancel.Dispose();
    }
}
