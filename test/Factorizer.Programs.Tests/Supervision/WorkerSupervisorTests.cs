using System.Diagnostics;
using Factorizer.Programs.Tests.Support;
using Factorizer.Work.Cli;
using Factorizer.Work.Supervision;

namespace Factorizer.Programs.Tests.Supervision;

/// <summary>
/// The supervisor's rules with stand-in workers (shell one-liners that say what a worker says), so each
/// case is exact: who finished, who never reached the server.
/// </summary>
public class WorkerSupervisorTests
{
    private static ProcessStartInfo Shell(string script) => new("sh", ["-c", script]) { UseShellExecute = false };

    private static string Says(params string[] lines) => string.Join("; ", lines.Select(line => $"echo '{line}'"));

    [Fact]
    public async Task RunFinishedBySibling_AWorkerThatNeverConnectedIsStopped_AndTheRunSucceeds()
    {
        string pidFile = Path.Combine(Path.GetTempPath(), $"supervisor-test-{Guid.NewGuid():N}.pid");
        try
        {
            // Slot 2 stands for a worker still retrying a server that has already gone: it never says connected.
            string finishing = $"while [ ! -s {pidFile} ]; do sleep 0.01; done; {Says(WorkerCommand.ConnectedLine, WorkerCommand.FinishedLine)}";
            string stuck = $"echo $$ > {pidFile}.tmp && mv {pidFile}.tmp {pidFile} && exec sleep 600";
            var supervisor = new WorkerSupervisor(2, slot => Shell(slot == 1 ? finishing : stuck), _ => { });

            bool ok = await supervisor.RunAsync(CancellationToken.None).WaitAsync(TestPrograms.RunTimeout);

            Assert.True(ok);
            int stuckPid = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.False(Directory.Exists($"/proc/{stuckPid}"), "the worker that never connected is still running");
        }
        finally
        {
            File.Delete(pidFile);
        }
    }

    [Fact]
    public async Task WorkerGivesUpBeforeAnyoneFinished_TheRunFails()
    {
        var supervisor = new WorkerSupervisor(1, _ => Shell("exit 1"), _ => { });
        Assert.False(await supervisor.RunAsync(CancellationToken.None).WaitAsync(TestPrograms.RunTimeout));
    }

    [Fact]
    public async Task WorkerExitsZeroWithoutSayingFinished_IsRestartedUpToTheLimit_ThenTheRunFails()
    {
        var logged = new List<string>();
        var supervisor = new WorkerSupervisor(1, _ => Shell(Says(WorkerCommand.ConnectedLine)), line => { lock (logged) { logged.Add(line); } }) { MaxRestarts = 2 };
        Assert.False(await supervisor.RunAsync(CancellationToken.None).WaitAsync(TestPrograms.RunTimeout));
        Assert.Contains(logged, line => line.Contains("too many restarts", StringComparison.Ordinal));
    }
}
