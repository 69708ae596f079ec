using System.Globalization;
using System.Text;
using Factorizer.Managers.Client;
using Factorizer.TestSupport;

namespace Factorizer.Managers.Tests.Support;

/// <summary>
/// A server of SyncManager's types for the typed-proxy tests: ours (a <see cref="TestServer"/> with
/// <see cref="QueueManager.RegisterSyncManagerTypes"/>) or CPython's own (Python/sync_server.py), both on
/// 127.0.0.1 port 0, with the key <see cref="TestServer.DefaultKey"/> (given to Python through the environment).
/// </summary>
public sealed class SyncServer : IAsyncDisposable
{
    private readonly TestServer? _ours;
    private readonly ChildProcess? _python;
    private bool _oursStopped;

    private SyncServer(TestServer? ours, ChildProcess? python, int pythonPort)
    {
        _ours = ours;
        _python = python;
        Port = ours?.Port ?? pythonPort;
    }

    /// <summary>The port it listens on (127.0.0.1).</summary>
    public int Port { get; }

    /// <summary>True for CPython's server.</summary>
    public bool IsCPython => _python is not null;

    /// <summary>The environment a Python peer needs (the key).</summary>
    public static IDictionary<string, string?> PythonEnvironment { get; } =
        new Dictionary<string, string?> { ["FACTOR_AUTHKEY"] = Encoding.ASCII.GetString(TestServer.DefaultKey) };

    /// <summary>Our server.</summary>
    public static SyncServer StartOurs() =>
        new(TestServer.Start(configure: m => m.RegisterSyncManagerTypes()), null, 0);

    /// <summary>CPython <paramref name="version"/>'s SyncManager server.</summary>
    public static async Task<SyncServer> StartCPythonAsync(string version = "3.11")
    {
        ChildProcess python = ChildProcess.Start(Python.Require(version), [PythonScripts.PathOf("sync_server.py")], PythonEnvironment);
        try
        {
            string ready = await python.WaitForLineAsync("READY ", Timeouts.Long);
            return new SyncServer(null, python, int.Parse(ready.Trim().Split(' ')[1], CultureInfo.InvariantCulture));
        }
        catch
        {
            await python.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client of ours.</summary>
    public Task<ManagerClient> ConnectAsync() =>
        QueueManager.ConnectAsync("127.0.0.1", Port, TestServer.DefaultKey).WaitAsync(Timeouts.Short);

    /// <summary>Python/proxy_peer.py (python3) acting on the object <paramref name="typeId"/> <paramref name="ident"/>.</summary>
    public ChildProcess StartPeer(string typeId, string ident, string action, params string[] more) =>
        ChildProcess.Start(Python.Require("3.11"),
            [PythonScripts.PathOf("proxy_peer.py"), "--port", Port.ToString(CultureInfo.InvariantCulture), "--typeid", typeId, "--ident", ident, "--action", action, .. more],
            PythonEnvironment);

    /// <summary>Runs a peer to its end and checks it exited 0; returns its stdout.</summary>
    public async Task<string> RunPeerAsync(string typeId, string ident, string action, params string[] more)
    {
        await using ChildProcess peer = StartPeer(typeId, ident, action, more);
        ProcessResult run = await peer.WaitAsync(Timeouts.Long);
        Assert.True(run.ExitCode == 0, run.ToString());
        return run.StdOut;
    }

    /// <summary>The server goes away at once: CPython's is killed (SIGKILL), ours stopped.</summary>
    public async Task KillAsync()
    {
        if (_python is not null)
        {
            _python.Kill();
            await _python.WaitAsync(Timeouts.Long);
        }
        else
        {
            _oursStopped = true;
            await _ours!.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_python is not null)
        {
            await _python.DisposeAsync();
        }
        if (_ours is not null && !_oursStopped)
        {
            await _ours.DisposeAsync();
        }
    }
}
