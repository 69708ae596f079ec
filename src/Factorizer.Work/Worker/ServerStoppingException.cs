namespace Factorizer.Work.Worker;

/// <summary>The server said it is stopping: treated like a lost connection, so the worker reconnects.</summary>
internal sealed class ServerStoppingException : IOException
{
    public ServerStoppingException()
        : base("the server is stopping")
    {
    }
}
