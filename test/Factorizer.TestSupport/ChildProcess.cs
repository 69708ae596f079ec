using System.Diagnostics;
using System.Text;

namespace Factorizer.TestSupport;

/// <summary>
/// Runs a real child process with a hard timeout, so a hung peer fails the test instead of hanging CI.
/// Output is collected as it comes; on timeout the whole process tree is killed.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _stdoutDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(Func<string, bool> Matches, TaskCompletionSource<string> Seen)> _waiters = [];

    private ChildProcess(Process process) => _process = process;

    /// <summary>The operating-system process id.</summary>
    public int Id => _process.Id;

    /// <summary>Standard input, for tests that talk to the child.</summary>
    public StreamWriter StandardInput => _process.StandardInput;

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/>.</summary>
    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, IDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string a in arguments)
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment["PYTHONUNBUFFERED"] = "1";
        psi.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        if (environment is not null)
        {
            foreach ((string key, string? value) in environment)
            {
                psi.Environment[key] = value;
            }
        }
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data, child._stdout, child._stdoutDone);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data, child._stderr, child._stderrDone);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    private void OnLine(string? line, StringBuilder sink, TaskCompletionSource done)
    {
        if (line is null)
        {
            done.TrySetResult();
            return;
        }
        lock (_waiters)
        {
            sink.AppendLine(line);
            foreach (var (matches, seen) in _waiters)
            {
                if (matches(line))
                {
                    seen.TrySetResult(line);
                }
            }
        }
    }

    /// <summary>Waits until a line containing <paramref name="marker"/> appears on stdout or stderr; returns it.</summary>
    public Task<string> WaitForLineAsync(string marker, TimeSpan timeout) =>
        WaitForLineAsync(line => line.Contains(marker, StringComparison.Ordinal), $"'{marker}'", timeout);

    /// <summary>Waits until a line that <paramref name="matches"/> appears on stdout or stderr; returns it.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> matches, string marker, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(matches);
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            foreach (string line in (_stdout.ToString() + _stderr.ToString()).Split('\n'))
            {
                if (matches(line.TrimEnd('\r')))
                {
                    return line.TrimEnd('\r');
                }
            }
            _waiters.Add((matches, seen));
        }
        Task exited = _process.WaitForExitAsync();
        Task first = await Task.WhenAny(seen.Task, exited, Task.Delay(timeout)).ConfigureAwait(false);
        if (first == seen.Task)
        {
            return await seen.Task.ConfigureAwait(false);
        }
        if (seen.Task.IsCompleted)
        {
            return await seen.Task.ConfigureAwait(false);
        }
        throw new TimeoutException($"{marker} not seen within {timeout} ({(first == exited ? "the process exited" : "timed out")}).\n{Snapshot()}");
    }

    /// <summary>Waits for exit (killing the tree on timeout, which then throws) and returns the output.</summary>
    public async Task<ProcessResult> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            await Task.WhenAll(_stdoutDone.Task, _stderrDone.Task).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"process did not exit within {timeout}; killed.\n{Snapshot()}");
        }
        return Snapshot();
    }

    /// <summary>The output so far, and the exit code if the process has exited (else -1).</summary>
    public ProcessResult Snapshot()
    {
        lock (_waiters)
        {
            return new ProcessResult(_process.HasExited ? _process.ExitCode : -1, _stdout.ToString(), _stderr.ToString());
        }
    }

    /// <summary>Kills the process and its children.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Nothing more to do; the test already has its verdict.
        }
        _process.Dispose();
    }
}
