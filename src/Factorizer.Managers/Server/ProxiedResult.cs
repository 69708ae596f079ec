namespace Factorizer.Managers.Server;

/// <summary>
/// A method's result that is not sent back as a value but shared as a new object, as CPython's
/// <c>method_to_typeid</c> does (a dict's <c>__iter__</c> gives an <c>Iterator</c>): the server adds
/// <paramref name="Object"/> to its objects with one reference and answers <c>#PROXY</c> with its exposed
/// methods and token; the caller's proxy then takes its own reference and drops the server's, so the object
/// goes when that proxy does (docs/protocol.md §3.6).
/// </summary>
/// <param name="TypeId">The typeid the caller's proxy is made for (it must be in the client's registry, e.g. <c>Iterator</c>).</param>
/// <param name="Object">The new shared object.</param>
public sealed record ProxiedResult(string TypeId, ISharedObject Object);
