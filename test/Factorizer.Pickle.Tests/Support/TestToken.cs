namespace Factorizer.Pickle.Tests.Support;

/// <summary>
/// A test-local stand-in for <c>multiprocessing.managers.Token</c> (the manager layer has its own), written the
/// way CPython pickles one: <c>GLOBAL</c>, <c>()</c>, NEWOBJ, then BUILD with <c>(typeid, address, id)</c>.
/// </summary>
public sealed record TestToken(string TypeId, PyTuple Address, string Id) : IPyReducible
{
    public const string Module = "multiprocessing.managers";

    public PyReduction ToReduction() => new(Module, "Token", PyTuple.Empty, UseNewObj: true, State: new PyTuple(TypeId, Address, Id));
}

/// <summary>What NEWOBJ makes before BUILD fills it in (so BUILD returns a different object, as a record must).</summary>
public sealed class PendingToken;

/// <summary>The reader side of <see cref="TestToken"/>.</summary>
public sealed class TestTokenClass() : PyClass("multiprocessing.managers.Token")
{
    public override object? NewObject(PyTuple args, IReadOnlyDictionary<object, object?>? kwargs) =>
        args.Count == 0 ? new PendingToken() : throw new UnpicklingException("Token takes no NEWOBJ arguments");

    public override object? Build(object? instance, object? state) =>
        instance is PendingToken && state is PyTuple { Count: 3 } t && t[0] is string typeId && t[1] is PyTuple address && t[2] is string id
            ? new TestToken(typeId, address, id)
            : throw new UnpicklingException("Token state must be (typeid, address, id)");
}

/// <summary>Whitelists used by the tests.</summary>
public static class TestGlobals
{
    /// <summary>The default whitelist plus test-local Token and RemoteError, like the manager layer registers.</summary>
    public static PickleGlobals WithManagers { get; } = PickleGlobals.Default
        .With(TestToken.Module, "Token", new TestTokenClass())
        .With(TestToken.Module, "RemoteError", new PyExceptionClass(TestToken.Module, "RemoteError"));

    /// <summary>Read options with <see cref="WithManagers"/>.</summary>
    public static PickleReadOptions ManagerOptions { get; } = new(WithManagers);
}
