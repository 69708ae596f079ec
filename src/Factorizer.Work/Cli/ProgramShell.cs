namespace Factorizer.Work.Cli;

/// <summary>
/// What both programs do around their real work: Ctrl+C cancels, usage errors exit 2, runtime errors
/// exit 1, and every error is one line on stderr (a stack trace only with --verbose).
/// </summary>
public static class ProgramShell
{
    /// <summary>Runs <paramref name="body"/> and maps its outcome to an exit code.</summary>
    public static async Task<int> RunAsync(string program, IReadOnlyList<string> args, Func<CancellationToken, Task<int>> body, Func<string>? where = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(body);
        bool verbose = args.Contains("--verbose");
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await body(cancel.Token).ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"{program}: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (Jobs.InvalidInputException e)
        {
            Console.Error.WriteLine($"{program}: bad input: {e.Message}; nothing was queued");
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine($"{program}: interrupted");
            return ExitCodes.Failure;
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
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }
}
