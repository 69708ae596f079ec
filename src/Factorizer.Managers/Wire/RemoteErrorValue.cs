using Factorizer.Pickle;

namespace Factorizer.Managers.Wire;

/// <summary>
/// CPython's <c>multiprocessing.managers.RemoteError</c> as a pickle value: an exception whose single
/// argument is the remote traceback text.
/// </summary>
internal static class RemoteErrorValue
{
    internal const string Module = "multiprocessing.managers";
    internal const string ClassName = "RemoteError";

    /// <summary>Reads <c>RemoteError(*args)</c> as a <see cref="PyException"/>.</summary>
    internal sealed class PyClassEntry() : PyClass(Module + "." + ClassName)
    {
        public override object? Reduce(PyTuple args) => new PyException(Module, ClassName, args);

        public override object? Build(object? instance, object? state) =>
            instance is PyException e && state is IReadOnlyDictionary<object, object?> dict ? e with { State = dict } : instance;
    }
}
