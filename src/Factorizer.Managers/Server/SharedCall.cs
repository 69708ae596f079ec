using Factorizer.Pickle;

namespace Factorizer.Managers.Server;

/// <summary>One method call on a shared object, with who made it.</summary>
/// <param name="Method">The exposed method name.</param>
/// <param name="Args">Positional arguments.</param>
/// <param name="Kwargs">Keyword arguments.</param>
/// <param name="Caller">The session the call arrived on.</param>
public sealed record SharedCall(string Method, PyTuple Args, IReadOnlyDictionary<string, object?> Kwargs, SessionInfo Caller)
{
    /// <summary>The connection a <see cref="ForCreate"/> call names: none (a create's arguments belong to no session).</summary>
    private static readonly SessionInfo Nobody = new(0, "", 0);

    /// <summary>
    /// A <c>create(typeid, *args, **kwargs)</c>'s arguments as a call to <paramref name="typeName"/>, so a factory binds
    /// them with <see cref="Arg"/> and <see cref="CheckArity"/> as a method does.
    /// </summary>
    public static SharedCall ForCreate(string typeName, PyTuple args, IReadOnlyDictionary<string, object?> kwargs) =>
        new(typeName, args, kwargs, Nobody);

    /// <summary>
    /// Python-style argument binding: the value of parameter <paramref name="name"/> at
    /// <paramref name="position"/>, given positionally or by keyword, else <paramref name="defaultValue"/>.
    /// </summary>
    public object? Arg(int position, string name, object? defaultValue)
    {
        bool positional = position < Args.Count;
        bool keyword = Kwargs.TryGetValue(name, out object? value);
        if (positional && keyword)
        {
            throw PythonErrorException.TypeError($"{Method}() got multiple values for argument '{name}'");
        }
        return positional ? Args[position] : keyword ? value : defaultValue;
    }

    /// <summary>Rejects surplus positional arguments and unknown keywords, as Python would.</summary>
    public void CheckArity(params string[] parameters)
    {
        if (Args.Count > parameters.Length)
        {
            throw PythonErrorException.TypeError($"{Method}() takes at most {parameters.Length} arguments ({Args.Count} given)");
        }
        foreach (string key in Kwargs.Keys)
        {
            if (Array.IndexOf(parameters, key) < 0)
            {
                throw PythonErrorException.TypeError($"{Method}() got an unexpected keyword argument '{key}'");
            }
        }
    }
}
