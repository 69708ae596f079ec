namespace Factorizer.Pickle.Tests.Support;

/// <summary>A call in a Python repr, e.g. <c>ValueError('x')</c> or <c>queue.Empty()</c>.</summary>
public sealed record PythonCall(string Name, IReadOnlyList<object?> Args, IReadOnlyList<KeyValuePair<string, object?>> Kwargs)
{
    /// <summary>The name after the last dot (<c>queue.Empty</c> → <c>Empty</c>).</summary>
    public string ShortName => Name[(Name.LastIndexOf('.') + 1)..];

    /// <summary>
    /// As a value our writer can pickle: an exception, with module <c>builtins</c> unless the name is dotted.
    /// </summary>
    public PyException ToException()
    {
        int dot = Name.LastIndexOf('.');
        string module = dot < 0 ? "builtins" : Name[..dot];
        return new PyException(module, ShortName, new PyTuple([.. Args]));
    }
}
