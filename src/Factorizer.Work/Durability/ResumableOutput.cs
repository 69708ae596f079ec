using System.Text;

namespace Factorizer.Work.Durability;

/// <summary>Opens a durable run's output file: new, or cut back to what the journal vouches for and continued.</summary>
public static class ResumableOutput
{
    /// <summary>
    /// The writer for <paramref name="path"/>. A fresh run (nothing in <paramref name="state"/>)
    /// starts the file empty; a resumed one cuts it back to <see cref="ResumeState.OutputBytes"/>
    /// (lines written after the last checkpoint are written again, once) and appends.
    /// </summary>
    public static StreamWriter Open(string path, ResumeState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var encoding = new UTF8Encoding(false);
        try
        {
            if (!state.HasProgress)
            {
                return new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1), encoding, 1 << 16);
            }
            var info = new FileInfo(path);
            if (!info.Exists || info.Length < state.OutputBytes)
            {
                throw new JournalException(
                    $"--output {Cli.DisplayText.QuotePath(path)} has {(info.Exists ? $"{info.Length} bytes" : "gone")}, but the journal says {state.OutputBytes} bytes were written; " +
                    "it was changed or lost since: start over with another --data-dir");
            }
            var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.Read, 1);
            file.SetLength(state.OutputBytes);
            file.Seek(0, SeekOrigin.End);
            return new StreamWriter(file, encoding, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Cli.UsageException($"cannot write --output {Cli.DisplayText.QuotePath(path)}: {Cli.ErrorText.FileProblem(e)}", e);
        }
    }
}
