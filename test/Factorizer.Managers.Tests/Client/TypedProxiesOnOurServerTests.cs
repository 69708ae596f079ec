using Factorizer.Managers.Tests.Support;

namespace Factorizer.Managers.Tests.Client;

/// <summary>The typed proxies' contract against our server (<see cref="QueueManager.RegisterSyncManagerTypes"/>).</summary>
public sealed class TypedProxiesOnOurServerTests : TypedProxyContractTests
{
    protected override Task<SyncServer> StartServerAsync() => Task.FromResult(SyncServer.StartOurs());
}
