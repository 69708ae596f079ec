using Factorizer.Managers.Client;
using Factorizer.Managers.Queues;
using Factorizer.Managers.Tests.Support;

namespace Factorizer.Managers.Tests.Queues;

/// <summary>One server and one client shared by every test of <see cref="QueueProxyContractTests"/>.</summary>
public sealed class ProxyServerFixture : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public ManagerClient Client { get; private set; } = null!;

    /// <summary>Bounded named queues (maxsize 2), next to the server's unbounded <c>get_queue</c>.</summary>
    public Func<string, LocalQueue<object?>> Bounded { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Func<string, LocalQueue<object?>>? bounded = null;
        Server = TestServer.Start(configure: m => bounded = m.RegisterNamedQueues("get_bounded_queue", maxSize: 2));
        Bounded = bounded!;
        Client = await Server.ConnectAsync();
    }

    public async Task DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
    }
}

/// <summary>The queue contract for <see cref="QueueProxy{T}"/> over a real server on loopback.</summary>
public sealed class QueueProxyContractTests(ProxyServerFixture fixture) : QueueContractTests, IClassFixture<ProxyServerFixture>
{
    private readonly Dictionary<IQueue<long>, LocalQueue<object?>> _behind = [];

    protected override async Task<IQueue<long>> CreateAsync(int maxSize = 0)
    {
        string name = Guid.NewGuid().ToString("N");
        string typeId = maxSize == 0 ? "get_queue" : "get_bounded_queue";
        QueueProxy<long> proxy = await fixture.Client.GetQueueAsync<long>(typeId, [name]).WaitAsync(Timeouts.Short);
        _behind[proxy] = maxSize == 0 ? fixture.Server.Named(name) : fixture.Bounded(name);
        return proxy;
    }

    protected override Task WaitUntilNoGetterWaitsAsync(IQueue<long> queue) =>
        Timeouts.UntilAsync(() => _behind[queue].WaitingGetters == 0, "the server withdrew the cancelled get");

    protected override Task WaitUntilGetterWaitsAsync(IQueue<long> queue, int count = 1) =>
        Timeouts.UntilAsync(() => _behind[queue].WaitingGetters >= count, $"{count} gets blocked on the server");
}
