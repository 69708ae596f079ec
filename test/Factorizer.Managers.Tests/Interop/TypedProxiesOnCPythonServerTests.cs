using Factorizer.Managers.Client;
using Factorizer.Managers.Client.Proxies;
using Factorizer.Managers.Queues;
using Factorizer.Managers.Tests.Client;
using Factorizer.Managers.Tests.Support;
using Factorizer.Pickle;
using Factorizer.TestSupport;

namespace Factorizer.Managers.Tests.Interop;

/// <summary>
/// The typed proxies' full contract against CPython's own SyncManager server (Python/sync_server.py,
/// python3), and a pass over the main types on each installed CPython's server.
/// </summary>
public sealed class TypedProxiesOnCPythonServerTests : TypedProxyFullContractTests
{
    protected override Task<SyncServer> StartServerAsync() => SyncServer.StartCPythonAsync();

    [Theory]
    [InstalledPythons]
    [MissingPythons]
    public async Task EachCPythonVersion_ServesTheTypedProxies(string version)
    {
        await using SyncServer server = await SyncServer.StartCPythonAsync(version);
        await using ManagerClient client = await server.ConnectAsync();

        await using (DictProxy<string, object?> d = await client.CreateDictAsync<string, object?>([new("a", 1L)]).WaitAsync(Timeouts.Short))
        {
            await d.SetAsync("b", new List<object?> { 1L, "two" }).WaitAsync(Timeouts.Short);
            Assert.Equal(["a", "b"], await d.KeysAsync().WaitAsync(Timeouts.Short));
            Assert.True((await Assert.ThrowsAsync<RemoteException>(() => d.GetAsync("zz").WaitAsync(Timeouts.Short))).Is("KeyError"));
            await using IteratorProxy<string> it = await d.GetIteratorAsync().WaitAsync(Timeouts.Short);
            Assert.Equal((true, "a"), await it.TryNextAsync().WaitAsync(Timeouts.Short));
        }
        await using (ListProxy<string> l = await client.CreateListAsync<string>(["x"]).WaitAsync(Timeouts.Short))
        {
            await l.AppendAsync("y").WaitAsync(Timeouts.Short);
            Assert.Equal(["x", "y"], await l.ToArrayAsync().WaitAsync(Timeouts.Short));
        }
        await using (LockProxy rlock = await client.CreateRLockAsync().WaitAsync(Timeouts.Short))
        await using (await rlock.AcquireAsync(Timeouts.Short).WaitAsync(Timeouts.Short))
        {
            Assert.Null(await rlock.TryAcquireAsync(TimeSpan.Zero).WaitAsync(Timeouts.Short));
        }
        await using (EventProxy e = await client.CreateEventAsync().WaitAsync(Timeouts.Short))
        {
            Task<bool> waiting = e.WaitAsync(Timeouts.Long);
            await e.SetAsync().WaitAsync(Timeouts.Short);
            Assert.True(await waiting.WaitAsync(Timeouts.Short));
        }
    }
}
