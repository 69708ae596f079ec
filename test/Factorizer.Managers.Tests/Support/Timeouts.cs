namespace Factorizer.Managers.Tests.Support;

/// <summary>Upper bounds for every wait, so a bug fails a test instead of hanging the run.</summary>
public static class Timeouts
{
    /// <summary>For a local operation that should finish at once.</summary>
    public static TimeSpan Short { get; } = TimeSpan.FromSeconds(15);

    /// <summary>For anything involving a child process or many connections.</summary>
    public static TimeSpan Long { get; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Waits until <paramref name="condition"/> holds (checked on a short poll), failing after <paramref name="timeout"/>.
    /// For server-side state that has no event of its own (a count of waiters, of connections).
    /// </summary>
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Short);
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        while (!condition())
        {
            try
            {
                await tick.WaitForNextTickAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"condition not reached within {timeout ?? Short}: {what}");
            }
        }
    }
}
