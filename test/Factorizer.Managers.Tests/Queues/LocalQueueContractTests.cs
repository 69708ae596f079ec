using Factorizer.Managers.Queues;
using Factorizer.Managers.Tests.Support;

namespace Factorizer.Managers.Tests.Queues;

/// <summary>The queue contract for the in-process queue.</summary>
public sealed class LocalQueueContractTests : QueueContractTests
{
    protected override Task<IQueue<long>> CreateAsync(int maxSize = 0) => Task.FromResult<IQueue<long>>(new LocalQueue<long>(maxSize));

    protected override Task WaitUntilNoGetterWaitsAsync(IQueue<long> queue) =>
        Timeouts.UntilAsync(() => ((LocalQueue<long>)queue).WaitingGetters == 0, "no getter waits");

    protected override Task WaitUntilGetterWaitsAsync(IQueue<long> queue, int count = 1) =>
        Timeouts.UntilAsync(() => ((LocalQueue<long>)queue).WaitingGetters >= count, $"{count} getters wait");
}
