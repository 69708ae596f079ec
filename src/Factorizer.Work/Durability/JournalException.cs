namespace Factorizer.Work.Durability;

/// <summary>A journal that cannot be used for this run: in use, unreadable, or another run's.</summary>
public sealed class JournalException : Exception
{
    public JournalException()
    {
    }

    public JournalException(string message)
        : base(message)
    {
    }

    public JournalException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
