using Factorizer.Pickle;

namespace Factorizer.Managers.Wire;

/// <summary>The pickle settings of the manager protocol: the standard whitelist plus Token, RemoteError and BrokenBarrierError.</summary>
public static class ManagerPickle
{
    /// <summary>Globals a manager peer may send.</summary>
    public static PickleGlobals Globals { get; } = PickleGlobals.Default
        .With(Token.Module, Token.ClassName, new Token.PyClassEntry())
        .With(RemoteErrorModule, RemoteErrorName, new PyExceptionClass(RemoteErrorModule, RemoteErrorName))
        // A Barrier's wait raises it; its module is on the denylist, so only this one name is let through.
        .With("threading", "BrokenBarrierError", new PyExceptionClass("threading", "BrokenBarrierError"));

    // CPython's multiprocessing.managers.RemoteError: an exception whose one argument is a traceback text.
    private const string RemoteErrorModule = "multiprocessing.managers";
    private const string RemoteErrorName = "RemoteError";

    /// <summary>Reader options used for every message.</summary>
    public static PickleReadOptions ReadOptions { get; } = new(Globals);
}
