using System.Security.Cryptography;
using System.Text;

namespace Factorizer.Work.Cli;

/// <summary>
/// Where a program's authkey comes from: <c>--authkey</c>, <c>--authkey-file</c>, or the
/// <c>FACTOR_AUTHKEY</c> environment variable (the way a parent hands it to its worker processes,
/// so it never appears on a child's command line). Keys are used as their UTF-8 bytes, like the
/// seed's <c>authkey=b'...'</c>.
/// </summary>
public static class AuthKeySource
{
    /// <summary>The environment variable holding the key.</summary>
    public const string EnvironmentVariable = "FACTOR_AUTHKEY";

    /// <summary>
    /// Resolves the key: at most one of the option and the file may be given; otherwise the
    /// environment. Returns null when no source has one.
    /// </summary>
    public static byte[]? Resolve(string? option, string? file, Func<string, string?>? environment = null)
    {
        if (option is not null && file is not null)
        {
            throw new UsageException("give --authkey or --authkey-file, not both");
        }
        if (file is not null)
        {
            string text;
            try
            {
                text = File.ReadAllText(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new UsageException($"cannot read --authkey-file {DisplayText.QuotePath(file)}: {ErrorText.FileProblem(e)}", e);
            }
            text = text.TrimEnd('\r', '\n');
            return text.Length == 0 ? throw new UsageException($"--authkey-file {DisplayText.QuotePath(file)} is empty") : Encoding.UTF8.GetBytes(text);
        }
        string? value = option ?? (environment ?? Environment.GetEnvironmentVariable)(EnvironmentVariable);
        if (value is { Length: 0 })
        {
            throw new UsageException(option is null ? $"{EnvironmentVariable} is set but empty" : "--authkey must not be empty");
        }
        return value is null ? null : Encoding.UTF8.GetBytes(value);
    }

    /// <summary>A fresh random key (32 hex digits), for a server started without one.</summary>
    public static string NewKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
