namespace Factorizer.Managers.Client;

/// <summary>The manager could not be reached, or the connection to it broke.</summary>
public sealed class ManagerConnectionException : IOException
{
    public ManagerConnectionException() { }

    public ManagerConnectionException(string message) : base(message) { }

    public ManagerConnectionException(string message, Exception inner) : base(message, inner) { }
}
