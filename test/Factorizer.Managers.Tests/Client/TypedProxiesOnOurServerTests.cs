using Factorizer.Managers.Client;
using Factorizer.Managers.Client.Proxies;
using Factorizer.Managers.Tests.Support;
using Factorizer.Managers.Wire;
using Factorizer.Pickle;

namespace Factorizer.Managers.Tests.Client;

/// <summary>
/// The typed proxies' contract against our server (<see cref="QueueManager.RegisterSyncManagerTypes"/>). Once our
/// server serves every SyncManager type (Condition, Semaphore, Barrier, Array, Queue, dict iteration by
/// <c>#PROXY</c>), derive from <see cref="TypedProxyFullContractTests"/> instead.
/// </summary>
public sealed class TypedProxiesOnOurServerTests : TypedProxyFullContractTests
{
    protected override Task<SyncServer> StartServerAsync() => Task.FromResult(SyncServer.StartOurs());

    [Fact]
    public async Task ProxyStoredByAPythonClient_TokenRead_AttachedProxyReachesTheSameObject()
    {
        // CPython's own server rebuilds a stored proxy into its referent; ours keeps the pickled proxy inert.
        await using SyncServer server = await StartServerAsync();
        await using ManagerClient client = await server.ConnectAsync();
        await using EventProxy e = await client.CreateEventAsync().WaitAsync(Timeouts.Short);
        await using DictProxy<string, object?> d = await client.CreateDictAsync<string, object?>().WaitAsync(Timeouts.Short);

        Assert.Contains("SHARED", await server.RunPeerAsync("Event", e.Token.Id, "share", "--into", d.Token.Id), StringComparison.Ordinal);
        object? stored = await d.GetAsync("shared").WaitAsync(Timeouts.Short);
        Assert.True(PickledProxy.TryGetToken(stored, out Token? token), PyRepr.Of(stored));
        Assert.Equal(e.Token.Id, token.Id);
        Assert.Equal("Event", token.TypeId);
        Assert.False(PickledProxy.TryGetToken("not a proxy", out _));

        await using EventProxy attached = new(await client.AttachAsync(token).WaitAsync(Timeouts.Short));
        await attached.SetAsync().WaitAsync(Timeouts.Short);
        Assert.True(await e.IsSetAsync().WaitAsync(Timeouts.Short));
    }
}
