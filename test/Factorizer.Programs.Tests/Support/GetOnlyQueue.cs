using Factorizer.Managers.Queues;

namespace Factorizer.Programs.Tests.Support;

/// <summary>A shared queue without the lease methods, like a CPython <c>queue.Queue</c> behind a manager.</summary>
internal sealed class GetOnlyQueue(LocalQueue<object?> queue) : SharedQueue(queue)
{
    private static readonly string[] Methods = ["empty", "full", "get", "get_nowait", "join", "put", "put_nowait", "qsize", "task_done"];

    public override IReadOnlyList<string> ExposedMethods => Methods;
}
