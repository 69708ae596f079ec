namespace Factorizer.Work.Jobs;

/// <summary>A token of the input is not a non-negative integer.</summary>
public sealed class InvalidInputException : Exception
{
    public InvalidInputException() { }

    public InvalidInputException(string message) : base(message) { }

    public InvalidInputException(string message, Exception inner) : base(message, inner) { }

    /// <summary>
    /// The token <paramref name="token"/> on line <paramref name="line"/> is not a non-negative integer.
    /// <paramref name="token"/> is already made safe to print (<see cref="Cli.DisplayText.Escape(ReadOnlySpan{byte}, bool)"/>).
    /// </summary>
    public InvalidInputException(long line, string token)
        : this(line, token, "is not a non-negative integer")
    {
    }

    /// <summary>
    /// The token <paramref name="token"/> (already made safe to print) on line <paramref name="line"/>
    /// is bad: <paramref name="problem"/> says how, after the quoted token.
    /// </summary>
    public InvalidInputException(long line, string token, string problem)
        : base($"line {line}: '{token}' {problem}")
    {
        LineNumber = line;
        Token = token;
    }

    /// <summary>1-based line of the bad token.</summary>
    public long LineNumber { get; }

    /// <summary>The bad token as shown: escaped and cut to 40 characters (<see cref="Cli.DisplayText"/>).</summary>
    public string Token { get; } = "";
}
