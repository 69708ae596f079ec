namespace Factorizer.Pickle.Globals;

/// <summary>
/// Stands for a global that is neither whitelisted nor denied: calling it makes an inert <see cref="PyObject"/>
/// that records the call, and BUILD records the state. Nothing is resolved or run.
/// </summary>
internal sealed class InertClass(PyGlobal type) : PyClass(type.ToString())
{
    public PyGlobal Type { get; } = type;

    public override object? Reduce(PyTuple args) => new PyObject(Type, PyObjectCall.Reduce, args);

    public override object? NewObject(PyTuple args, IReadOnlyDictionary<object, object?>? kwargs) =>
        new PyObject(Type, kwargs is null ? PyObjectCall.NewObj : PyObjectCall.NewObjEx, args, kwargs);

    public override object? Build(object? instance, object? state)
    {
        var inert = (PyObject)instance!;
        if (inert.HasState)
        {
            // CPython's pickler writes one BUILD per object; a second could not be written back as it came.
            throw new UnpicklingException($"a second BUILD on inert {QualifiedName}; refused");
        }
        return inert.WithState(state);
    }
}
