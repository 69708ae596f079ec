namespace Factorizer.Managers.Server;

/// <summary>
/// Where the continuation of an async socket operation runs. On Linux and macOS, .NET's socket engine
/// waits for readiness on its own event thread and by default hands each completion to the thread
/// pool: a second wake-up and a thread hop per message, plus the pool's spinning while it waits for
/// work. Measured on the manager server (docs/performance.md), that is most of its CPU per call. With
/// inline completions the event thread runs the continuation itself, as an event loop does.
/// </summary>
/// <remarks>
/// The runtime reads the switch (the environment variable <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>)
/// once, when the process first uses a socket, and then runs as many event threads as CPUs. Only a program
/// whose socket continuations never block belongs in this mode: the manager server's call loop qualifies
/// (a waiting call awaits; it never blocks a thread), but code that computes or blocks after awaiting a
/// socket, such as a worker, does not. Windows ignores the switch.
/// </remarks>
public static class InlineSocketCompletions
{
    private const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>True when this process runs socket continuations inline (as far as its environment says).</summary>
    public static bool Enabled => Environment.GetEnvironmentVariable(Variable) == "1";

    /// <summary>
    /// Turns inline completions on unless the environment already says otherwise; call before the process's
    /// first socket operation (first thing in Main). Returns whether they are on.
    /// </summary>
    public static bool Request()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
        return Enabled;
    }
}
