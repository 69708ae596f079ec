namespace Factorizer.Work.Supervision;

/// <summary>
/// The worker's side of "workers never outlive their supervisor": the supervisor keeps the write
/// end of a pipe on the worker's stdin and never writes to it. When the supervisor dies, however it
/// dies (kill -9 included), the operating system closes that end and the worker's read returns end
/// of file. Works the same on Windows, where no parent-death signal exists.
/// </summary>
public static class ParentWatch
{
    /// <summary>
    /// Starts a background thread that reads <paramref name="input"/> until end of file or error,
    /// then calls <paramref name="parentGone"/>.
    /// </summary>
    public static Thread Start(Stream input, Action parentGone)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(parentGone);
        // A blocking read on a thread of its own: stdin has no reliable async read on every OS.
        var thread = new Thread(() =>
        {
            var buffer = new byte[256];
            try
            {
                while (input.Read(buffer, 0, buffer.Length) > 0)
                {
                    // The supervisor writes nothing; anything read is ignored.
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
