namespace Factorizer.Work.Cli;

/// <summary>Bad command-line usage or bad input: the program prints the message and exits 2.</summary>
public sealed class UsageException : Exception
{
    public UsageException() { }

    public UsageException(string message) : base(message) { }

    public UsageException(string message, Exception inner) : base(message, inner) { }
}
