namespace Factorizer.Work.Cli;

/// <summary>
/// What every program does around its real work: SIGINT and SIGTERM request a clean stop (exit
/// 130/143), usage errors exit 2, runtime errors exit 1, and every error is one line on stderr (a
/// stack trace only with --verbose).
/// </summary>
public static class ProgramShell
{
    /// <summary>
    /// Runs <paramref name="body"/> and maps its outcome to an exit code. The body watches
    /// <see cref="ProgramStop.Token"/>, stops cleanly, and returns <see cref="ProgramStop.ExitCode"/>
    /// itself after saying how far it got; if it throws <see cref="OperationCanceledException"/>
    /// instead, this prints one "stopped" line and returns that code.
    /// </summary>
    public static async Task<int> RunAsync(string program, IReadOnlyList<string> args, Func<ProgramStop, Task<int>> body, Func<string>? where = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(body);
        bool verbose = args.Contains("--verbose");
        using ProgramStop stop = ProgramStop.Listen();
        try
        {
            return await body(stop).ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"{program}: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (Durability.JournalException e)
        {
            Console.Error.WriteLine($"{program}: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (Jobs.InvalidInputException e)
        {
            Console.Error.WriteLine($"{program}: bad input: {e.Message}; nothing was queued");
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (stop.Requested)
        {
            Console.Error.WriteLine($"{program}: stopped by {stop.Reason}");
            return stop.ExitCode;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"{program}: error: {ErrorText.Describe(e, where?.Invoke() ?? "the server")}");
            if (verbose)
            {
                Console.Error.WriteLine(e);
            }
            return ExitCodes.Failure;
        }
    }
}
