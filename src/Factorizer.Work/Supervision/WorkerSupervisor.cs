using System.Diagnostics;

namespace Factorizer.Work.Supervision;

/// <summary>
/// Keeps N worker processes running until each finishes: a worker that exits with
/// <see cref="Worker.WorkerLoop.Finished"/> is done; one that exits with
/// <see cref="Worker.WorkerLoop.Fatal"/> ends the run with failure; any other exit (a crash, a kill)
/// is restarted, at most <see cref="MaxRestarts"/> times in all. The server requeues whatever chunk a
/// dead worker held, so nothing is lost.
/// </summary>
public sealed class WorkerSupervisor
{
    private readonly int _count;
    private readonly Func<int, ProcessStartInfo> _describe;
    private readonly Action<string> _log;
    private readonly Lock _gate = new();
    private readonly List<Process> _running = [];

    /// <summary>Supervises <paramref name="count"/> workers; <paramref name="describe"/> gives worker i's start info.</summary>
    public WorkerSupervisor(int count, Func<int, ProcessStartInfo> describe, Action<string> log)
    {
        _count = count;
        _describe = describe;
        _log = log;
    }

    /// <summary>Restarts allowed over the whole run before the supervisor gives up.</summary>
    public int MaxRestarts { get; init; } = 20;

    /// <summary>Runs the workers to the end; true when all finished, false on a fatal exit or too many restarts.</summary>
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        int restarts = 0;
        var slots = Enumerable.Range(1, _count).Select(i => RunSlotAsync(i, () => Interlocked.Increment(ref restarts) <= MaxRestarts, cancellationToken)).ToList();
        bool[] outcomes = await Task.WhenAll(slots).ConfigureAwait(false);
        return outcomes.All(ok => ok);
    }

    private async Task<bool> RunSlotAsync(int slot, Func<bool> mayRestart, CancellationToken cancellationToken)
    {
        while (true)
        {
            using Process process = Process.Start(_describe(slot)) ?? throw new InvalidOperationException("worker did not start");
            lock (_gate)
            {
                _running.Add(process);
            }
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Kill(process);
                return false;
            }
            finally
            {
                lock (_gate)
                {
                    _running.Remove(process);
                }
            }
            switch (process.ExitCode)
            {
                case Worker.WorkerLoop.Finished:
                    return true;
                case Worker.WorkerLoop.Fatal:
                    return false;
                default:
                    if (!mayRestart())
                    {
                        _log($"worker {slot} exited with code {process.ExitCode}; too many restarts, giving up");
                        return false;
                    }
                    _log($"worker {slot} exited with code {process.ExitCode}; restarting it");
                    break;
            }
        }
    }

    /// <summary>Kills every running worker (used on Ctrl+C or when the run is abandoned).</summary>
    public void KillAll()
    {
        lock (_gate)
        {
            foreach (Process p in _running)
            {
                Kill(p);
            }
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }
}
