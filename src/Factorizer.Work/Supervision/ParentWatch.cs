namespace Factorizer.Work.Supervision;

/// <summary>
/// The worker's side of "workers never outlive their supervisor": the supervisor keeps the write
/// end of a pipe on the worker's stdin. When the supervisor dies, however it dies (kill -9
/// included), the operating system closes that end and the worker's read returns end of file.
/// Works the same on Windows, where no parent-death signal exists. The one thing the supervisor
/// writes is a byte when the run is over (<see cref="WorkerSupervisor.Finish"/>): a worker still
/// starting or still connecting then leaves at once instead of retrying a server that is gone.
/// </summary>
public static class ParentWatch
{
    /// <summary>
    /// Starts a background thread that reads <paramref name="input"/>: calls <paramref name="runOver"/>
    /// when a byte comes, and <paramref name="parentGone"/> at end of file or on an error.
    /// </summary>
    public static Thread Start(Stream input, Action parentGone, Action runOver)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(parentGone);
        ArgumentNullException.ThrowIfNull(runOver);
        // A blocking read on a thread of its own: stdin has no reliable async read on every OS.
        var thread = new Thread(() =>
        {
            var buffer = new byte[256];
            try
            {
                if (input.Read(buffer, 0, buffer.Length) > 0)
                {
                    runOver();
                    return;
                }
            }
            catch (IOException)
            {
                // A broken pipe is the same news as end of file.
            }
            catch (ObjectDisposedException)
            {
            }
            parentGone();
        })
        {
            IsBackground = true,
            Name = "parent watch",
        };
        thread.Start();
        return thread;
    }
}
