using System.Diagnostics;

namespace Factorizer.Work.Supervision;

/// <summary>
/// Keeps N worker processes running until each finishes: a worker that exits with
/// <see cref="Worker.WorkerLoop.Finished"/> is done; one that exits with
/// <see cref="Worker.WorkerLoop.Fatal"/> ends the run with failure, one stopped by a signal (exit
/// 130/143, say Ctrl+C in a terminal reaching the whole process group) is not restarted either; any
/// other exit (a crash, a kill) is restarted, at most <see cref="MaxRestarts"/> times in all. The
/// server requeues whatever chunk a dead worker held, so nothing is lost. Each worker's stdin is a
/// pipe from here that is never written: when this process dies, the worker sees it close and exits
/// (<see cref="ParentWatch"/>), so no worker outlives its supervisor.
/// </summary>
public sealed class WorkerSupervisor
{
    private readonly int _count;
    private readonly Func<int, ProcessStartInfo> _describe;
    private readonly Action<string> _log;
    private readonly Lock _gate = new();
    private readonly List<Process> _running = [];
    private readonly TaskCompletionSource _runFinished = new(TaskCreationOptions.RunContinuationsAsynchronously);

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
            ProcessStartInfo start = _describe(slot);
            start.RedirectStandardInput = true; // the parent-watch pipe, held open until the worker ends
            start.RedirectStandardOutput = true; // where a worker says it finished (exit code 0 alone is not trusted)
            using Process process = Process.Start(start) ?? throw new InvalidOperationException("worker did not start");
            var said = new WorkerSayings();
            Task reading = said.ReadAsync(process.StandardOutput);
            lock (_gate)
            {
                _running.Add(process);
            }
            try
            {
                Task exited = process.WaitForExitAsync(cancellationToken);
                if (await Task.WhenAny(exited, _runFinished.Task).ConfigureAwait(false) != exited && !said.Connected)
                {
                    // A sibling saw the run finish and this worker never reached the server: it holds nothing, and
                    // would only retry a server that has gone (a short run can end before a slow start is over).
                    await StopAsync(process).ConfigureAwait(false);
                    return true;
                }
                await exited.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await StopAsync(process).ConfigureAwait(false);
                return false;
            }
            finally
            {
                lock (_gate)
                {
                    _running.Remove(process);
                }
            }
            await reading.ConfigureAwait(false);
            switch (process.ExitCode)
            {
                case Worker.WorkerLoop.Finished when said.Finished:
                    _runFinished.TrySetResult();
                    return true;
                case Worker.WorkerLoop.Fatal:
                    // Gave up on a server it never reached, just as a sibling saw the run finish: nothing was lost.
                    return _runFinished.Task.IsCompleted && !said.Connected;
                case Cli.ExitCodes.Interrupted or Cli.ExitCodes.Terminated:
                    if (!cancellationToken.IsCancellationRequested) // else this process is stopping too, and says so once
                    {
                        _log($"worker {slot} was stopped by a signal (exit code {process.ExitCode}); not restarting it");
                    }
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

    /// <summary>
    /// What a worker said on its stdout: <see cref="Cli.WorkerCommand.ConnectedLine"/> and, last,
    /// <see cref="Cli.WorkerCommand.FinishedLine"/>. A process killed from outside can exit 0 too (Wine's kill,
    /// some container runtimes), so only the worker's own word counts as finished; anything else is a crash.
    /// </summary>
    private sealed class WorkerSayings
    {
        private volatile bool _connected;

        public bool Connected => _connected;

        public bool Finished { get; private set; }

        /// <summary>Reads the worker's stdout to its end.</summary>
        public async Task ReadAsync(StreamReader output)
        {
            try
            {
                while (await output.ReadLineAsync().ConfigureAwait(false) is { } line)
                {
                    _connected |= line == Cli.WorkerCommand.ConnectedLine;
                    Finished |= line == Cli.WorkerCommand.FinishedLine;
                }
            }
            catch (IOException)
            {
                // The pipe broke with the process: what it said before still counts.
            }
        }
    }

    /// <summary>
    /// Tells every running worker the run is over (a byte on its parent-watch pipe): each says it
    /// finished and exits at once, including one still starting or connecting to a server that
    /// has already closed, which would otherwise retry until its reconnect time ran out.
    /// </summary>
    public void Finish()
    {
        lock (_gate)
        {
            foreach (Process p in _running)
            {
                try
                {
                    p.StandardInput.Write('\n');
                    p.StandardInput.Flush();
                }
                catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
                {
                    // Already gone: nothing to tell.
                }
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

    /// <summary>Kills a worker and waits (briefly) for it to be gone, so a stopping program leaves no process behind.</summary>
    private static async Task StopAsync(Process process)
    {
        Kill(process);
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await process.WaitForExitAsync(patience.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // It did not go within the bound; its parent-watch pipe closes when we exit anyway.
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
