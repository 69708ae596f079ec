using System.Diagnostics.CodeAnalysis;
using Factorizer.Managers.Wire;
using Factorizer.Pickle;

namespace Factorizer.Managers.Client.Proxies;

/// <summary>
/// A CPython proxy that travelled as a value (put in a queue or a dict by a Python client): it pickles as
/// <c>RebuildProxy(func, token, serializer, kwds)</c>, which the reader keeps inert. Its token lets a C#
/// client attach to the same object (<see cref="ManagerClientProxies.AttachAsync"/>).
/// </summary>
public static class PickledProxy
{
    /// <summary>The token of a pickled CPython proxy, or <paramref name="value"/> itself when it is a <see cref="Token"/>.</summary>
    public static bool TryGetToken(object? value, [NotNullWhen(true)] out Token? token)
    {
        token = value switch
        {
            Token t => t,
            PyObject { Module: "multiprocessing.managers", Name: "RebuildProxy", Args: [_, Token t, ..] } => t,
            _ => null,
        };
        return token is not null;
    }
}
