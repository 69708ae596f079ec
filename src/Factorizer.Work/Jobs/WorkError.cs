namespace Factorizer.Work.Jobs;

/// <summary>A number (or an unreadable job item) a worker failed on, with the error it met.</summary>
/// <param name="Subject">The number in decimal, or a short repr of the item that could not be read.</param>
/// <param name="Type">The exception's type name.</param>
/// <param name="Message">The exception's message.</param>
/// <param name="Stack">The stack trace text (may be empty).</param>
public sealed record WorkError(string Subject, string Type, string Message, string Stack);
