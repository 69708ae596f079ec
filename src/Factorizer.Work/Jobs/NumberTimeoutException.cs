namespace Factorizer.Work.Jobs;

/// <summary>A number was given up after the server's <c>--number-timeout</c> of work on it.</summary>
public sealed class NumberTimeoutException : Exception
{
    public NumberTimeoutException()
    {
    }

    public NumberTimeoutException(string message)
        : base(message)
    {
    }

    public NumberTimeoutException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
