using System.Numerics;
using Factorizer.Managers.Client;
using Factorizer.Managers.Queues;
using Factorizer.Managers.Server;
using Factorizer.Managers.Tests.Support;
using Factorizer.Managers.Wire;
using Factorizer.Pickle;
using Factorizer.TestSupport;

namespace Factorizer.Managers.Tests.Server;

/// <summary>
/// reserve/ack/release/touch over the wire, from our C# proxies and raw calls, against our server.
/// <c>get_lease_q</c> runs on a manual clock, so its leases expire only when a test advances it.
/// </summary>
public class LeaseCallTests : IAsyncLifetime
{
    private static readonly TimeSpan Ttr = TimeSpan.FromSeconds(10);

    private readonly ManualTimeProvider _clock = new();
    private TestServer _server = null!;
    private ManagerClient _client = null!;
    private LocalQueue<object?> _queue = null!;
    private QueueProxy<string> _proxy = null!;

    public async Task InitializeAsync()
    {
        _server = TestServer.Start(configure: m => _queue = m.RegisterQueue("get_lease_q", timeToRun: Ttr, timeProvider: _clock));
        _client = await _server.ConnectAsync();
        _proxy = await _client.GetQueueAsync<string>("get_lease_q").WaitAsync(Timeouts.Short);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _client.DisposeAsync();
        await _server.DisposeAsync();
    }

    private Task<object?> CallAsync(string method, PyTuple? args = null, Dictionary<string, object?>? kwargs = null) =>
        _client.CallAsync(_proxy.Token.Id, method, args ?? PyTuple.Empty, kwargs).WaitAsync(Timeouts.Short);

    [Fact]
    public async Task ReserveThenAck_ItemLeasedThenGone()
    {
        _queue.TryPut("job");

        Lease<string> lease = await _proxy.ReserveAsync(TimeSpan.FromSeconds(5)).AsTask().WaitAsync(Timeouts.Short);

        Assert.Equal("job", lease.Item);
        Assert.Equal(1, _queue.LeasedCount);
        Assert.Equal(0, _queue.Count);
        await _proxy.AckAsync(lease.Id).WaitAsync(Timeouts.Short);
        Assert.Equal(0, _queue.LeasedCount);
        var e = await Assert.ThrowsAsync<KeyNotFoundException>(() => _proxy.AckAsync(lease.Id).WaitAsync(Timeouts.Short));
        Assert.Contains($"lease {lease.Id} ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reserve_RawCall_ReturnsIdAndItemTuple()
    {
        _queue.TryPut(new List<object?> { 999999999999L, 1000000000001L });

        object? reply = await CallAsync("reserve", new PyTuple(true, 5.0));

        PyTuple pair = Assert.IsType<PyTuple>(reply);
        Assert.Equal(2, pair.Count);
        Assert.IsType<long>(pair[0]);
        Assert.Equal([999999999999L, 1000000000001L], Assert.IsType<List<object?>>(pair[1]));
        Assert.Null(await CallAsync("ack", new PyTuple(pair[0])));
    }

    [Fact]
    public async Task Release_ItemBackAtTheFront()
    {
        _queue.TryPut("first");
        _queue.TryPut("second");
        Lease<string> lease = await _proxy.ReserveAsync(TimeSpan.Zero).AsTask().WaitAsync(Timeouts.Short);

        await _proxy.ReleaseAsync(lease.Id).WaitAsync(Timeouts.Short);

        Assert.Equal(0, _queue.LeasedCount);
        Assert.Equal("first", await _proxy.GetAsync(TimeSpan.Zero).AsTask().WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task ReleaseWithDelay_ItemBackOnlyWhenDue()
    {
        _queue.TryPut("job");
        Lease<string> lease = await _proxy.ReserveAsync(TimeSpan.Zero).AsTask().WaitAsync(Timeouts.Short);

        await _proxy.ReleaseAsync(lease.Id, TimeSpan.FromSeconds(3)).WaitAsync(Timeouts.Short);
        Assert.Equal(1, _queue.DelayedCount);
        Assert.Equal(0, _queue.Count);
        _clock.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(1, _queue.Count);
        Assert.Equal(0, _queue.DelayedCount);
    }

    [Fact]
    public async Task Touch_RestartsTheTimeToRun()
    {
        _queue.TryPut("job");
        Lease<string> lease = await _proxy.ReserveAsync(TimeSpan.Zero).AsTask().WaitAsync(Timeouts.Short);

        _clock.Advance(TimeSpan.FromSeconds(8));
        await _proxy.TouchAsync(lease.Id).WaitAsync(Timeouts.Short);
        _clock.Advance(TimeSpan.FromSeconds(8));
        Assert.Equal(1, _queue.LeasedCount);
        _clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(0, _queue.LeasedCount);
        Assert.Equal(1, _queue.Count);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => _proxy.TouchAsync(lease.Id).WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task Reserve_OwnTimeToRun_SentAndUsed()
    {
        _queue.TryPut("job");
        await _proxy.ReserveAsync(TimeSpan.Zero, timeToRun: TimeSpan.FromSeconds(2)).AsTask().WaitAsync(Timeouts.Short);

        _clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(1, _queue.Count);
    }

    [Fact]
    public async Task Expiry_WakesAnotherClientsBlockedReserve()
    {
        _queue.TryPut("job");
        Lease<string> first = await _proxy.ReserveAsync(TimeSpan.Zero).AsTask().WaitAsync(Timeouts.Short);
        await using ManagerClient other = await _server.ConnectAsync();
        await using QueueProxy<string> otherProxy = await other.GetQueueAsync<string>("get_lease_q").WaitAsync(Timeouts.Short);
        Task<Lease<string>> waiting = otherProxy.ReserveAsync().AsTask();
        await Timeouts.UntilAsync(() => _queue.WaitingGetters == 1, "the second reserve is blocked");

        _clock.Advance(Ttr);

        Lease<string> second = await waiting.WaitAsync(Timeouts.Short);
        Assert.Equal("job", second.Item);
        Assert.NotEqual(first.Id, second.Id);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => _proxy.AckAsync(first.Id).WaitAsync(Timeouts.Short));
        await otherProxy.AckAsync(second.Id).WaitAsync(Timeouts.Short);
    }

    [Fact]
    public async Task ClientDisposedHoldingALease_ItemBackAtOnceToAWaitingReserver()
    {
        _queue.TryPut("job");
        _queue.TryPut("next");
        var returned = new TaskCompletionSource<LeaseReturnReason>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.LeaseReturned += (_, e) => returned.TrySetResult(e.Reason);
        ManagerClient holder = await _server.ConnectAsync();
        QueueProxy<string> holderProxy = await holder.GetQueueAsync<string>("get_lease_q").WaitAsync(Timeouts.Short);
        Lease<string> lease = await holderProxy.ReserveAsync(TimeSpan.Zero).AsTask().WaitAsync(Timeouts.Short);
        Assert.Equal("job", lease.Item);
        Assert.Equal("next", await _proxy.GetAsync(TimeSpan.Zero).AsTask().WaitAsync(Timeouts.Short));
        Task<Lease<string>> waiting = _proxy.ReserveAsync().AsTask();
        await Timeouts.UntilAsync(() => _queue.WaitingGetters == 1, "a reserve is blocked");

        await holderProxy.DisposeAsync();
        await holder.DisposeAsync(); // closes the channel that holds the lease; the clock does not move

        Assert.Equal(LeaseReturnReason.HolderGone, await returned.Task.WaitAsync(Timeouts.Short));
        Lease<string> again = await waiting.WaitAsync(Timeouts.Short);
        Assert.Equal("job", again.Item);
        Assert.Equal(1, _queue.LeasedCount);
    }

    [Fact]
    public async Task ClientDisposedHoldingLeases_NobodyWaiting_ItemsBackInOrder()
    {
        _queue.TryPut("a");
        _queue.TryPut("b");
        _queue.TryPut("c");
        ManagerClient holder = await _server.ConnectAsync();
        QueueProxy<string> holderProxy = await holder.GetQueueAsync<string>("get_lease_q").WaitAsync(Timeouts.Short);
        await holderProxy.ReserveAsync(TimeSpan.Zero).AsTask().WaitAsync(Timeouts.Short);
        await holderProxy.ReserveAsync(TimeSpan.Zero).AsTask().WaitAsync(Timeouts.Short);

        await holderProxy.DisposeAsync();
        await holder.DisposeAsync();

        await Timeouts.UntilAsync(() => _queue.LeasedCount == 0 && _queue.Count == 3, "the closed connection's leases are back");
        IQueue<object?> q = _queue;
        Assert.Equal(["a", "b", "c"], [q.GetNowait(), q.GetNowait(), q.GetNowait()]);
    }

    [Fact]
    public async Task Reserve_TimeoutOnEmptyQueue_QueueEmptyException()
    {
        await using QueueProxy<string> jobs = await _client.GetQueueAsync<string>("get_job_q").WaitAsync(Timeouts.Short);

        await Assert.ThrowsAsync<QueueEmptyException>(() => jobs.ReserveAsync(TimeSpan.Zero).AsTask().WaitAsync(Timeouts.Short));
        await Assert.ThrowsAsync<QueueEmptyException>(() => jobs.ReserveAsync(TimeSpan.FromMilliseconds(50)).AsTask().WaitAsync(Timeouts.Short));
        Assert.Equal(0, _server.Jobs.WaitingGetters);
    }

    [Fact]
    public async Task Reserve_TimeoutOnTheQueueClock_QueueEmptyException()
    {
        Task<Lease<string>> reserve = _proxy.ReserveAsync(TimeSpan.FromSeconds(5)).AsTask();
        await Timeouts.UntilAsync(() => _queue.WaitingGetters == 1, "the reserve is blocked");

        _clock.Advance(TimeSpan.FromSeconds(5));

        await Assert.ThrowsAsync<QueueEmptyException>(() => reserve.WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task Get_StaysLeaseFree()
    {
        _queue.TryPut("job");

        Assert.Equal("job", await _proxy.GetAsync(TimeSpan.Zero).AsTask().WaitAsync(Timeouts.Short));

        Assert.Equal(0, _queue.LeasedCount);
    }

    public static TheoryData<string, PyTuple, Dictionary<string, object?>, string> HostileArguments() => new()
    {
        { "reserve", new PyTuple("x"), new(), "builtins.TypeError" },
        { "reserve", new PyTuple(true, "soon"), new(), "builtins.TypeError" },
        { "reserve", new PyTuple(true, -1L), new(), "builtins.ValueError" },
        { "reserve", new PyTuple(true, double.NaN), new(), "builtins.ValueError" },
        { "reserve", PyTuple.Empty, new() { ["ttr"] = "x" }, "builtins.TypeError" },
        { "reserve", PyTuple.Empty, new() { ["ttr"] = -1L }, "builtins.ValueError" },
        { "reserve", PyTuple.Empty, new() { ["ttr"] = 0L }, "builtins.ValueError" },
        { "reserve", PyTuple.Empty, new() { ["ttr"] = double.NaN }, "builtins.ValueError" },
        { "reserve", PyTuple.Empty, new() { ["ttr"] = double.PositiveInfinity }, "builtins.ValueError" },
        { "reserve", PyTuple.Empty, new() { ["ttr"] = 1e300 }, "builtins.ValueError" },
        { "reserve", PyTuple.Empty, new() { ["ttr"] = BigInteger.Pow(10, 30) }, "builtins.ValueError" },
        { "reserve", PyTuple.Empty, new() { ["ttr"] = 1e-300 }, "builtins.ValueError" },
        { "reserve", new PyTuple(true, 1.0, 1.0, "extra"), new(), "builtins.TypeError" },
        { "reserve", new PyTuple(true), new() { ["block"] = true }, "builtins.TypeError" },
        { "reserve", PyTuple.Empty, new() { ["colour"] = "red" }, "builtins.TypeError" },
        { "ack", PyTuple.Empty, new(), "builtins.TypeError" },
        { "ack", new PyTuple("abc"), new(), "builtins.TypeError" },
        { "ack", new PyTuple((object?)null), new(), "builtins.TypeError" },
        { "ack", new PyTuple(1.5), new(), "builtins.TypeError" },
        { "ack", new PyTuple(1L, 2L), new(), "builtins.TypeError" },
        { "ack", new PyTuple(BigInteger.Pow(10, 30)), new(), "builtins.KeyError" },
        { "ack", new PyTuple(-1L), new(), "builtins.KeyError" },
        { "ack", new PyTuple(long.MaxValue), new(), "builtins.KeyError" },
        { "release", new PyTuple(1L, -1L), new(), "builtins.ValueError" },
        { "release", new PyTuple(1L, double.NaN), new(), "builtins.ValueError" },
        { "release", new PyTuple(1L, 1e300), new(), "builtins.ValueError" },
        { "release", new PyTuple(1L, "x"), new(), "builtins.TypeError" },
        { "release", new PyTuple(1L), new() { ["delay"] = (object?)null }, "builtins.TypeError" },
        { "release", new PyTuple(1L), new() { ["when"] = 1L }, "builtins.TypeError" },
        { "touch", new PyTuple("abc"), new(), "builtins.TypeError" },
        { "touch", PyTuple.Empty, new() { ["lease_id"] = new List<object?>() }, "builtins.TypeError" },
        { "touch", new PyTuple(12345L), new(), "builtins.KeyError" },
    };

    [Theory]
    [MemberData(nameof(HostileArguments))]
    public async Task LeaseCall_BadArguments_CleanPythonErrorNothingTakenChannelStillWorks(string method, PyTuple args, Dictionary<string, object?> kwargs, string type)
    {
        _queue.TryPut("job");

        var e = await Assert.ThrowsAsync<RemoteException>(() => CallAsync(method, args, kwargs));

        Assert.Equal(WireLiterals.Error, e.ReplyKind);
        Assert.Equal(type, e.RemoteType);
        Assert.Equal(1L, await CallAsync("qsize"));
        Assert.Equal(0, _queue.LeasedCount);
        Lease<string> lease = await _proxy.ReserveAsync(TimeSpan.Zero).AsTask().WaitAsync(Timeouts.Short);
        await _proxy.AckAsync(lease.Id).WaitAsync(Timeouts.Short);
    }

    [Fact]
    public async Task Ack_UnknownId_KeyErrorMessageNamesTheId()
    {
        var e = await Assert.ThrowsAsync<RemoteException>(() => CallAsync("ack", new PyTuple(17L)));

        Assert.Equal("builtins.KeyError", e.RemoteType);
        Assert.Equal("lease 17 is unknown or expired", e.RemoteMessage);
    }

    /// <summary>A shared queue whose reserve finishes even when cancelled, and reports the cancel request.</summary>
    private sealed class StubbornQueue(LocalQueue<object?> queue) : SharedQueue(queue)
    {
        public TaskCompletionSource CancelRequested { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<object?> Lost { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override ValueTask<Lease<object?>> ReserveAsync(SharedCall call, TimeSpan? timeout, TimeSpan? timeToRun, CancellationToken cancellationToken)
        {
            cancellationToken.Register(() => CancelRequested.TrySetResult());
            return base.ReserveAsync(call, timeout, timeToRun, CancellationToken.None);
        }

        public override async ValueTask ReplyLostAsync(SharedCall call, object? result)
        {
            await base.ReplyLostAsync(call, result);
            Lost.TrySetResult(result);
        }
    }

    [Fact]
    public async Task Reserve_ReplyLost_LeaseEndsAndItemBackAtTheFront()
    {
        var queue = new LocalQueue<object?>(timeToRun: Ttr, timeProvider: _clock);
        var stubborn = new StubbornQueue(queue);
        await using TestServer server = TestServer.Start(configure: m => m.RegisterQueue("get_stubborn_q", stubborn));
        await using ManagerClient client = await server.ConnectAsync();
        (Token token, _) = await client.CreateAsync("get_stubborn_q", []);
        RawPeer peer = await RawPeer.ConnectCallChannelAsync(server.EndPoint, server.Key);
        await peer.SendAsync(Request.Of(token.Id, "reserve"));
        await Timeouts.UntilAsync(() => queue.WaitingGetters == 1, "the reserve is blocked");

        await peer.DisposeAsync();
        await stubborn.CancelRequested.Task.WaitAsync(Timeouts.Short);
        queue.TryPut("orphan"); // the still-running reserve leases it; its reply has nowhere to go
        queue.TryPut("later");

        PyTuple lost = Assert.IsType<PyTuple>(await stubborn.Lost.Task.WaitAsync(Timeouts.Short));
        Assert.Equal("orphan", lost[1]);
        Assert.Equal(0, queue.LeasedCount);
        Assert.Equal(2, queue.Count);
        Assert.Equal("orphan", await client.CallAsync(token.Id, "get_nowait", PyTuple.Empty).WaitAsync(Timeouts.Short));
        var e = await Assert.ThrowsAsync<RemoteException>(() => client.CallAsync(token.Id, "ack", new PyTuple(lost[0])).WaitAsync(Timeouts.Short));
        Assert.Equal("builtins.KeyError", e.RemoteType);
    }
}
