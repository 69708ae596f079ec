using Factorizer.Managers.Queues;
using Factorizer.TestSupport;
using Factorizer.Work.Worker;

namespace Factorizer.Programs.Tests.Worker;

/// <summary><see cref="PrefetchSlot"/>: the one chunk a worker holds beyond the one in work, and giving it back.</summary>
public class PrefetchSlotTests
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(10);

    private readonly ManualTimeProvider _clock = new();
    private readonly List<long> _givenBack = [];

    private LeasedChunk Leased(long id) =>
        LeasedChunk.Start(new WorkerOptions("127.0.0.1", 1, new byte[] { 1 }, "test", TimeSpan.Zero) { Time = _clock },
            new Lease<object?>(id, new List<object?> { 6L }), packed: true, TimeSpan.FromSeconds(30),
            (_, _) => Task.CompletedTask, (_, _) => Task.CompletedTask, CancellationToken.None);

    private async Task GiveBackAsync(LeasedChunk chunk)
    {
        await chunk.Heartbeat.StopAsync();
        lock (_givenBack)
        {
            _givenBack.Add(chunk.Lease.Id);
        }
    }

    [Fact]
    public async Task Taken_TheReservedChunkIsTheWorkersNext()
    {
        var slot = new PrefetchSlot(() => Task.FromResult(Leased(7)), GiveBackAsync);
        LeasedChunk? next = await slot.TakeAsync().WaitAsync(Soon);
        Assert.Equal(7, next!.Lease.Id);
        await slot.CloseAsync(); // after the take: nothing to give back
        Assert.Empty(_givenBack);
        await next.Heartbeat.StopAsync();
        Assert.Equal(0, _clock.ArmedTimers);
    }

    [Fact]
    public async Task ClosedAfterTheReservationLanded_TheChunkIsGivenBack()
    {
        var slot = new PrefetchSlot(() => Task.FromResult(Leased(8)), GiveBackAsync);
        Assert.Equal(1, _clock.ArmedTimers); // its heartbeat runs from the reservation
        await slot.CloseAsync().WaitAsync(Soon);
        Assert.Equal([8L], _givenBack);
        Assert.Null(await slot.TakeAsync().WaitAsync(Soon));
        Assert.Equal(0, _clock.ArmedTimers);
    }

    [Fact]
    public async Task ClosedWhileTheReservationIsUnderWay_TheChunkIsGivenBackWhenItLands()
    {
        var reserved = new TaskCompletionSource<LeasedChunk>(TaskCreationOptions.RunContinuationsAsynchronously);
        var slot = new PrefetchSlot(() => reserved.Task, GiveBackAsync);
        await slot.CloseAsync();
        Assert.Empty(_givenBack);

        reserved.SetResult(Leased(9));
        Assert.Null(await slot.TakeAsync().WaitAsync(Soon));
        Assert.Equal([9L], _givenBack);
        Assert.Equal(0, _clock.ArmedTimers);
    }

    [Fact]
    public async Task AFailedReservation_ThrowsInTheWorkersFlow()
    {
        var slot = new PrefetchSlot(() => Task.FromException<LeasedChunk>(new QueueEmptyException()), GiveBackAsync);
        await Assert.ThrowsAsync<QueueEmptyException>(() => slot.TakeAsync().WaitAsync(Soon));

        var abandoned = new PrefetchSlot(() => Task.FromException<LeasedChunk>(new IOException("gone")), GiveBackAsync);
        await abandoned.AbandonAsync().WaitAsync(Soon); // leaving the connection: the failure is not this call's
        Assert.Empty(_givenBack);
    }
}
