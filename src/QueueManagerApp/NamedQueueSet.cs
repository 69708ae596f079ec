using System.Collections.Concurrent;
using Factorizer.Managers;
using Factorizer.Managers.Queues;
using Factorizer.Managers.Server;

namespace QueueManagerApp;

/// <summary>
/// The <c>get_queue(name)</c> pattern (as <see cref="QueueManager.RegisterNamedQueues"/>), keeping the
/// queues it made so the program can say how many items each has left when it stops.
/// </summary>
internal sealed class NamedQueueSet
{
    private readonly ConcurrentDictionary<string, SharedQueue> _queues = new(StringComparer.Ordinal);
    private readonly TimeSpan _timeToRun;

    private NamedQueueSet(TimeSpan timeToRun) => _timeToRun = timeToRun;

    /// <summary>The queues made so far, by name, in name order.</summary>
    public IEnumerable<KeyValuePair<string, LocalQueue<object?>>> Queues =>
        _queues.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => KeyValuePair.Create(pair.Key, pair.Value.Queue));

    /// <summary>Registers <paramref name="typeId"/> on <paramref name="manager"/>: one queue per distinct str argument.</summary>
    public static NamedQueueSet Register(QueueManager manager, string typeId, TimeSpan timeToRun)
    {
        var set = new NamedQueueSet(timeToRun);
        manager.Register(typeId, (args, kwargs) =>
        {
            object? name = args.Count == 1 ? args[0] : kwargs.GetValueOrDefault("name");
            return name is string s ? set.Lookup(s)
                : throw PythonErrorException.TypeError($"{typeId}() takes one str argument, the queue name");
        });
        return set;
    }

    private SharedQueue Lookup(string name) =>
        _queues.GetOrAdd(name, _ => new SharedQueue(new LocalQueue<object?>(0, _timeToRun)));
}
