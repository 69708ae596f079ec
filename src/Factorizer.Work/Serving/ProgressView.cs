namespace Factorizer.Work.Serving;

/// <summary>
/// Shows a run's progress: on a terminal, one line rewritten in place twice a second; otherwise a
/// plain log line every interval. It only reads snapshots, so another view (a dashboard) can read
/// the same source.
/// </summary>
internal sealed class ProgressView(Func<ProgressSnapshot> snapshot, FactorRunOptions options, Action<string> log)
{
    /// <summary>Draws until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(options.ProgressOnTerminal ? TimeSpan.FromMilliseconds(500) : options.ProgressInterval, options.Time);
        using CancellationTokenRegistration stop = timer.DisposeOn(cancellationToken); // stopped: the final line is the run's to print
        while (await timer.WaitForNextTickAsync().ConfigureAwait(false))
        {
            string line = snapshot().Format();
            if (options.ProgressOnTerminal)
            {
                options.Terminal.Write("\r" + line + "\u001b[K"); // one line, rewritten in place
            }
            else
            {
                log("progress: " + line);
            }
        }
    }

    /// <summary>Clears the in-place line, so the next message starts on a clean line.</summary>
    public void Clear()
    {
        if (options.ProgressOnTerminal)
        {
            options.Terminal.Write("\r\u001b[K");
        }
    }
}
