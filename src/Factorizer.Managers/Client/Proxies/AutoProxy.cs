using Factorizer.Managers.Wire;

namespace Factorizer.Managers.Client.Proxies;

/// <summary>
/// A proxy with no typed surface (CPython's <c>AutoProxy</c>): what <c>CreateProxyAsync</c> and
/// <c>AttachAsync</c> return, and what a call answered with <c>#PROXY</c> returns. Call it by method name,
/// or hand its reference to a typed proxy (<c>new ListProxy&lt;long&gt;(auto)</c>).
/// </summary>
public sealed class AutoProxy : SharedProxy
{
    internal AutoProxy(ManagerClient client, Token token, IReadOnlyList<string> exposed)
        : base(client, token, exposed)
    {
    }
}
