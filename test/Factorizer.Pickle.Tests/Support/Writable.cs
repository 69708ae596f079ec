namespace Factorizer.Pickle.Tests.Support;

/// <summary>Turns a parsed Python repr into values our writer takes (calls become <see cref="PyException"/>).</summary>
public static class Writable
{
    public static object? From(object? parsed) => parsed switch
    {
        PythonCall call => call.ToException() with { Args = new PyTuple([.. call.Args.Select(From)]) },
        PyTuple t => new PyTuple([.. t.Select(From)]),
        List<object?> l => l.Select(From).ToList(),
        Dictionary<object, object?> d => d.ToDictionary(p => From(p.Key)!, p => From(p.Value), PyEqualityComparer.Instance),
        _ => parsed,
    };
}
