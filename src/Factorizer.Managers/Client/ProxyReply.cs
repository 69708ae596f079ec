using Factorizer.Managers.Wire;
using Factorizer.Pickle;

namespace Factorizer.Managers.Client;

/// <summary>
/// A <c>#PROXY</c> reply's payload, <c>(exposed, token)</c>: the server made a new shared object for the
/// call's result (CPython's <c>method_to_typeid</c>) and holds one reference to it for the caller.
/// </summary>
/// <param name="Token">The new object's token, with the address the server bound.</param>
/// <param name="Exposed">Its exposed method names.</param>
internal sealed record ProxyReply(Token Token, IReadOnlyList<string> Exposed)
{
    /// <summary>Parses the payload; false for any other shape.</summary>
    public static bool TryParse(object? payload, out ProxyReply? reply)
    {
        reply = null;
        if (payload is not PyTuple { Count: 2 } pair || pair[1] is not Token token)
        {
            return false;
        }
        // CPython sends exposed as a tuple or a list of str.
        IEnumerable<object?>? names = pair[0] switch
        {
            PyTuple t => t,
            List<object?> l => l,
            _ => null,
        };
        if (names is null || !names.All(n => n is string))
        {
            return false;
        }
        reply = new ProxyReply(token, [.. names.Cast<string>()]);
        return true;
    }
}
