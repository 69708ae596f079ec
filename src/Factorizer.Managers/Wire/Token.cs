using Factorizer.Pickle;

namespace Factorizer.Managers.Wire;

/// <summary>
/// CPython's <c>multiprocessing.managers.Token</c>: which shared object (by ident), of which typeid,
/// at which manager address. Pickles as <c>Token.__new__(Token)</c> + BUILD with the state tuple
/// <c>(typeid, (host, port), id)</c>, exactly as CPython writes and reads it.
/// </summary>
/// <param name="TypeId">The registered typeid, e.g. <c>get_job_q</c>.</param>
/// <param name="Host">Host of the manager's address.</param>
/// <param name="Port">Port of the manager's address.</param>
/// <param name="Id">The server's ident for the object (opaque string).</param>
public sealed record Token(string TypeId, string Host, int Port, string Id) : IPyReducible
{
    internal const string Module = "multiprocessing.managers";
    internal const string ClassName = "Token";

    public PyReduction ToReduction() =>
        new(Module, ClassName, PyTuple.Empty, UseNewObj: true, State: new PyTuple(TypeId, new PyTuple(Host, Port), Id));

    /// <summary>Reads a Token: NEWOBJ makes a placeholder, BUILD with the state tuple finishes it.</summary>
    internal sealed class PyClassEntry() : PyClass(Module + "." + ClassName)
    {
        private sealed class Unbuilt;

        public override object? NewObject(PyTuple args, IReadOnlyDictionary<object, object?>? kwargs) => new Unbuilt();

        public override object? Build(object? instance, object? state)
        {
            if (instance is Unbuilt
                && state is PyTuple { Count: 3 } t
                && t[0] is string typeId
                && t[1] is PyTuple { Count: 2 } address
                && address[0] is string host
                && address[1] is long port and >= 0 and <= 65535
                && t[2] is string id)
            {
                return new Token(typeId, host, (int)port, id);
            }
            throw new UnpicklingException("malformed Token state: " + PyRepr.Of(state));
        }
    }
}
