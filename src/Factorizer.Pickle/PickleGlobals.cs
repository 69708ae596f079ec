namespace Factorizer.Pickle;

/// <summary>
/// The whitelist of Python globals a pickle may name, each mapped to a <see cref="PyClass"/> that builds
/// the C# value. Immutable: <see cref="With"/> returns a new registry, so one can be shared freely.
/// A global that is not here is never resolved: the reader keeps it inert (<see cref="PyObject"/>) or, when it is
/// on the <see cref="PickleDenylist"/>, stops with a <see cref="ForbiddenGlobalException"/>.
/// </summary>
public sealed class PickleGlobals
{
    private readonly Dictionary<(string Module, string Name), PyClass> _classes;

    private PickleGlobals(Dictionary<(string, string), PyClass> classes) => _classes = classes;

    /// <summary>An empty registry: every global is refused.</summary>
    public static PickleGlobals Empty { get; } = new(new Dictionary<(string, string), PyClass>());

    /// <summary>
    /// The standard whitelist: builtins exceptions, <c>queue.Empty/Full/ShutDown</c>, <c>builtins.set</c>,
    /// <c>frozenset</c>, <c>bytes</c>, <c>bytearray</c>, and <c>_codecs.encode</c> (protocol 2 bytes).
    /// </summary>
    public static PickleGlobals Default { get; } = StandardGlobals.Create();

    /// <summary>Returns a registry that also maps <paramref name="module"/>.<paramref name="name"/>.</summary>
    public PickleGlobals With(string module, string name, PyClass pyClass)
    {
        ArgumentNullException.ThrowIfNull(pyClass);
        var copy = new Dictionary<(string, string), PyClass>(_classes) { [(module, name)] = pyClass };
        return new PickleGlobals(copy);
    }

    /// <summary>
    /// Looks a global up by its Python 3 name (the reader maps the Python 2 module names of protocol 2
    /// pickles, such as <c>__builtin__</c> or <c>Queue</c>, before asking).
    /// </summary>
    public bool TryGet(string module, string name, out PyClass pyClass) =>
        _classes.TryGetValue((module, name), out pyClass!);

    internal static PickleGlobals FromEntries(Dictionary<(string, string), PyClass> classes) => new(classes);
}
