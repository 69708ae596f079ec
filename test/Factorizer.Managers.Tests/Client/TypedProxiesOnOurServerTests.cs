using Factorizer.Managers.Tests.Support;

namespace Factorizer.Managers.Tests.Client;

/// <summary>
/// The typed proxies' contract against our server (<see cref="QueueManager.RegisterSyncManagerTypes"/>). Once our
/// server serves every SyncManager type (Condition, Semaphore, Barrier, Array, Queue, dict iteration by
/// <c>#PROXY</c>), derive from <see cref="TypedProxyFullContractTests"/> instead.
/// </summary>
public sealed class TypedProxiesOnOurServerTests : TypedProxyContractTests
{
    protected override Task<SyncServer> StartServerAsync() => Task.FromResult(SyncServer.StartOurs());
}
