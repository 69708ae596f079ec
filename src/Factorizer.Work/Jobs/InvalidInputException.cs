namespace Factorizer.Work.Jobs;

/// <summary>A token of the input is not a non-negative integer.</summary>
public sealed class InvalidInputException : Exception
{
    public InvalidInputException() { }

    public InvalidInputException(string message) : base(message) { }

    public InvalidInputException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The token <paramref name="token"/> on line <paramref name="line"/> is bad.</summary>
    public InvalidInputException(long line, string token)
        : base($"line {line}: '{token}' is not a non-negative integer")
    {
        LineNumber = line;
        Token = token;
    }

    /// <summary>1-based line of the bad token.</summary>
    public long LineNumber { get; }

    /// <summary>The bad token (cut to 40 characters).</summary>
    public string Token { get; } = "";
}
