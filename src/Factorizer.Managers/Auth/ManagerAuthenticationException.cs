namespace Factorizer.Managers.Auth;

/// <summary>The handshake failed: a wrong key on either side, or a malformed challenge or response.</summary>
public sealed class ManagerAuthenticationException : Exception
{
    public ManagerAuthenticationException() { }

    public ManagerAuthenticationException(string message) : base(message) { }

    public ManagerAuthenticationException(string message, Exception inner) : base(message, inner) { }
}
