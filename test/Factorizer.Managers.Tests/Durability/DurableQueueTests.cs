using System.Numerics;
using Factorizer.Managers.Durability;
using Factorizer.Managers.Queues;
using Factorizer.Managers.Server;
using Factorizer.Pickle;
using Factorizer.TestSupport;

namespace Factorizer.Managers.Tests.Durability;

/// <summary>
/// Durable queues: what a crashed process leaves is what the next one gets. A "crash" copies the
/// journal's bytes while the queue is still open (every record has reached the OS by then, as at a
/// kill -9) and opens the copy, so nothing of the queue's own shutdown runs.
/// </summary>
public sealed class DurableQueueTests : IDisposable
{
    private static readonly TimeSpan Ttr = TimeSpan.FromSeconds(10);

    private readonly TempDirectory _dir = new();
    private readonly ManualTimeProvider _clock = new();
    private readonly List<string> _log = [];
    private readonly List<DurableQueue> _open = [];
    private int _crashes;

    public void Dispose()
    {
        foreach (DurableQueue q in _open)
        {
            q.Dispose();
        }
        _dir.Dispose();
    }

    [Fact]
    public void PutsAndGets_Crash_LiveItemsComeBackInOrder()
    {
        DurableQueue durable = Open("q");
        for (int i = 1; i <= 5; i++)
        {
            Assert.True(durable.Queue.TryPut($"item{i}"));
        }
        Assert.True(durable.Queue.TryGet(out object? first));
        Assert.Equal("item1", first);

        Assert.Equal(["item2", "item3", "item4", "item5"], Drain(Crash(durable).Queue));
    }

    [Fact]
    public void Values_RoundTripThroughTheJournal()
    {
        DurableQueue durable = Open("q");
        object?[] values =
        [
            null, true, 42L, BigInteger.Pow(2, 100), 1.5, "text", new byte[] { 1, 2, 3 },
            new List<object?> { 1L, 2L, 3L }, new PyTuple(1L, "a"),
            new Dictionary<object, object?>(PyEqualityComparer.Instance) { [7L] = new List<object?> { 7L } },
        ];
        foreach (object? v in values)
        {
            durable.Queue.TryPut(v);
        }

        List<object?> back = Drain(Crash(durable).Queue);

        Assert.Equal(values.Length, back.Count);
        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal(PyRepr.Of(values[i]), PyRepr.Of(back[i]));
        }
    }

    [Fact]
    public void InertValues_RoundTripThroughTheJournal()
    {
        DurableQueue durable = Open("q");
        var date = new PyObject(new PyGlobal("datetime", "date"), PyObjectCall.Reduce, new PyTuple(new byte[] { 0x07, 0xE8, 1, 2 }));
        var job = new PyObject(new PyGlobal("__main__", "Job"), PyObjectCall.NewObj, PyTuple.Empty)
            .WithState(new Dictionary<object, object?>(PyEqualityComparer.Instance) { ["name"] = "factor", ["when"] = date });
        durable.Queue.TryPut(date);
        durable.Queue.TryPut(job);
        durable.Queue.TryPut(new System.Numerics.Complex(1, 2));

        List<object?> back = Drain(Crash(durable).Queue);

        Assert.Equal([date, job, new System.Numerics.Complex(1, 2)], back);
    }

    [Fact]
    public async Task Leases_Crash_LeasedItemsComeBackAtTheFrontOldestFirst()
    {
        DurableQueue durable = Open("q");
        LocalQueue<object?> q = durable.Queue;
        foreach (string s in new[] { "a", "b", "c", "d", "e", "f" })
        {
            q.TryPut(s);
        }
        Lease<object?> a = await q.ReserveAsync(TimeSpan.Zero);
        Lease<object?> b = await q.ReserveAsync(TimeSpan.Zero);
        Lease<object?> c = await q.ReserveAsync(TimeSpan.Zero);
        q.Ack(b.Id);                                  // b is done and gone
        q.Release(a.Id);                              // a back at the front...
        Assert.True(q.TryGet(out object? got));       // ...and got for good
        Assert.Equal("a", got);
        q.Release(c.Id, TimeSpan.FromSeconds(5));     // c waits out a delay: in neither place
        Lease<object?> d = await q.ReserveAsync(TimeSpan.Zero);
        Assert.Equal("d", d.Item);

        // c's lease is older than d's; both come back ahead of what was queued.
        DurableQueue after = Crash(durable);
        Assert.Equal(["c", "d", "e", "f"], Drain(after.Queue));
        Assert.Equal(0, after.Queue.LeasedCount);
    }

    [Fact]
    public async Task ExpiryAndDelayEnded_ReturnToTheFront_AsTheQueueHasThem()
    {
        DurableQueue durable = Open("q");
        LocalQueue<object?> q = durable.Queue;
        foreach (string s in new[] { "a", "b", "c" })
        {
            q.TryPut(s);
        }
        Lease<object?> a = await q.ReserveAsync(TimeSpan.Zero);
        Lease<object?> b = await q.ReserveAsync(TimeSpan.Zero, timeToRun: TimeSpan.FromSeconds(100));
        q.Release(b.Id, TimeSpan.FromSeconds(1));     // b back after 1 s
        _clock.Advance(TimeSpan.FromSeconds(1));      // b at the front: [b, c]
        _clock.Advance(Ttr);                          // a expires: [a, b, c]
        Assert.Equal(0, q.LeasedCount);
        Assert.Equal(0, q.DelayedCount);

        DurableQueue after = Crash(durable);
        Assert.Equal(["a", "b", "c"], Drain(after.Queue));
        Assert.Equal(["a", "b", "c"], Drain(q)); // the same order the live queue has
    }

    [Fact]
    public async Task WaitingReserver_ServedByAPut_IsJournalledUnderItsLease()
    {
        DurableQueue durable = Open("q");
        LocalQueue<object?> q = durable.Queue;
        Task<Lease<object?>> waiting = q.ReserveAsync(Timeout.InfiniteTimeSpan).AsTask();
        Assert.False(waiting.IsCompleted);
        q.TryPut("x");
        q.TryPut("y");
        Lease<object?> lease = await waiting.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("x", lease.Item);

        Assert.Equal(["x", "y"], Drain(Crash(durable).Queue));
        q.Ack(lease.Id);
        Assert.Equal(["y"], Drain(Crash(durable).Queue));
    }

    [Fact]
    public async Task WaitingGetter_ServedByAReturnedLease_RemovesIt()
    {
        DurableQueue durable = Open("q");
        LocalQueue<object?> q = durable.Queue;
        q.TryPut("x");
        q.TryPut("y");
        Lease<object?> x = await q.ReserveAsync(TimeSpan.Zero);
        Assert.True(q.TryGet(out _));                  // y got: the queue is empty
        Task<object?> getter = q.GetAsync(Timeout.InfiniteTimeSpan).AsTask();
        Task<Lease<object?>> reserver = q.ReserveAsync(Timeout.InfiniteTimeSpan).AsTask();
        q.Release(x.Id);                               // straight to the waiting getter
        Assert.Equal("x", await getter.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Empty(Drain(Crash(durable).Queue));

        q.TryPut("z");                                 // straight to the waiting reserver
        Lease<object?> z = await reserver.WaitAsync(TimeSpan.FromSeconds(15));
        q.Release(z.Id);
        Assert.Equal(["z"], Drain(Crash(durable).Queue));
    }

    [Fact]
    public async Task HolderGone_AndRequeue_ComeBackAtTheFront()
    {
        DurableQueue durable = Open("q");
        LocalQueue<object?> q = durable.Queue;
        foreach (string s in new[] { "a", "b", "c", "d" })
        {
            q.TryPut(s);
        }
        object holder = new();
        await q.ReserveAsync(TimeSpan.Zero, holder: holder);
        await q.ReserveAsync(TimeSpan.Zero, holder: holder);
        Assert.True(q.TryGet(out object? c));
        Assert.Equal(2, q.ReleaseHeldBy(holder));      // [a, b, d]
        q.Requeue(c);                                  // a get whose reply was lost: [c, a, b, d]

        Assert.Equal(["c", "a", "b", "d"], Drain(Crash(durable).Queue));
    }

    [Fact]
    public async Task BoundedQueue_BlockedPutMovedInByAGet_IsJournalled()
    {
        DurableQueue durable = Open("q", maxSize: 1);
        LocalQueue<object?> q = durable.Queue;
        q.TryPut("a");
        Task blocked = q.PutAsync("b").AsTask();
        Assert.False(blocked.IsCompleted);
        Assert.True(q.TryGet(out _));
        await blocked.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(["b"], Drain(Crash(durable).Queue));
    }

    [Fact]
    public async Task Reopen_SamePath_AfterDispose_LeasesDoNotSurvive()
    {
        string path = _dir.File("same.journal");
        using (DurableQueue durable = DurableQueue.Open(path, timeProvider: _clock))
        {
            durable.Queue.TryPut(1L);
            durable.Queue.TryPut(2L);
            Lease<object?> lease = await durable.Queue.ReserveAsync(TimeSpan.Zero);
            Assert.Equal(1L, lease.Item);
        }
        using DurableQueue again = DurableQueue.Open(path, timeProvider: _clock, log: Log);
        Assert.Equal(2, again.Recovered);
        Assert.Throws<KeyNotFoundException>(() => again.Queue.Ack(1));
        Assert.Equal([1L, 2L], Drain(again.Queue));
        Assert.Contains(_log, l => l.Contains("2 items recovered (1 were leased", StringComparison.Ordinal));
    }

    [Fact]
    public void Open_ADirectory_UsesTheDefaultFileName_AndASecondOpenIsRefused()
    {
        using DurableQueue durable = DurableQueue.Open(_dir.Path, timeProvider: _clock);
        Assert.Equal(_dir.File(DurableQueue.DefaultFileName), durable.Path);
        IOException e = Assert.Throws<IOException>(() => DurableQueue.Open(durable.Path, timeProvider: _clock));
        Assert.Contains("in use", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnstorableItem_PutFails_NothingQueued()
    {
        DurableQueue durable = Open("q");
        PicklingException e = Assert.Throws<PicklingException>(() => durable.Queue.TryPut(DateTime.UtcNow));
        Assert.Contains("durable queue cannot store", e.Message, StringComparison.Ordinal);
        Assert.Throws<PicklingException>(() => durable.Queue.PutAsync(new object()).AsTask().GetAwaiter().GetResult());
        Assert.Equal(0, durable.Queue.Count);
        durable.Queue.TryPut("fine");
        Assert.Equal(["fine"], Drain(Crash(durable).Queue));
    }

    [Fact]
    public async Task UnstorableItem_RemotePut_IsATypeError()
    {
        DurableQueue durable = Open("q");
        var shared = new SharedQueue(durable.Queue);
        var call = new SharedCall("put", new PyTuple(DateTime.UtcNow), new Dictionary<string, object?>(), new SessionInfo(1, "127.0.0.1", 1));

        PythonErrorException e = await Assert.ThrowsAsync<PythonErrorException>(() => shared.InvokeAsync(call, CancellationToken.None).AsTask());

        Assert.Equal("TypeError", e.Error.Name);
        Assert.Equal(0, durable.Queue.Count);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void DamagedTail_ValidPrefixKept_WarningLogged(bool torn)
    {
        string path = _dir.File("damaged.journal");
        using (DurableQueue durable = DurableQueue.Open(path, timeProvider: _clock))
        {
            durable.Queue.TryPut("a");
            durable.Queue.TryPut("b");
            durable.Queue.TryPut("c");
        }
        byte[] bytes = File.ReadAllBytes(path);
        if (torn)
        {
            File.WriteAllBytes(path, bytes[..^3]);      // the last record cut short
        }
        else
        {
            bytes[^2] ^= 0xFF;                          // the last record's payload altered
            File.WriteAllBytes(path, bytes);
        }

        using DurableQueue again = DurableQueue.Open(path, timeProvider: _clock, log: Log);

        Assert.Equal(["a", "b"], Drain(again.Queue));
        string warning = Assert.Single(_log, l => l.StartsWith("durable queue: ", StringComparison.Ordinal));
        Assert.Contains(torn ? "cut short" : "checksum", warning, StringComparison.Ordinal);
        Assert.Contains("kept the 2 records", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Compaction_KeepsTheLiveItems_AndShrinksTheFile()
    {
        DurableQueue durable = Open("q", FsyncPolicy.Never);
        LocalQueue<object?> q = durable.Queue;
        string payload = new('x', 1000);
        long largest = 0;
        for (int i = 0; i < 5000; i++)
        {
            q.TryPut($"{i}:{payload}");
            if (i % 10 != 0)
            {
                Assert.True(q.TryGet(out _));
            }
            largest = Math.Max(largest, durable.JournalSize);
        }
        // About 10 MB went through; 500 items (0.5 MB) are live.
        Assert.True(largest < 3 << 20, $"the journal grew to {largest} bytes");

        List<object?> back = Drain(Crash(durable).Queue);
        Assert.Equal(500, back.Count);
        Assert.Equal([.. Enumerable.Range(4500, 500).Select(k => (object?)$"{k}:{payload}")], back); // gets took the oldest
    }

    [Fact]
    public async Task Compact_ByHand_KeepsQueuedAndLeasedItems()
    {
        DurableQueue durable = Open("q");
        LocalQueue<object?> q = durable.Queue;
        for (int i = 0; i < 100; i++)
        {
            q.TryPut((long)i);
        }
        for (int i = 0; i < 90; i++)
        {
            Assert.True(q.TryGet(out _));
        }
        Lease<object?> lease = await q.ReserveAsync(TimeSpan.Zero); // 90, leased
        long before = durable.JournalSize;

        durable.Compact();

        Assert.True(durable.JournalSize < before / 5, $"{durable.JournalSize} vs {before}");
        Assert.Equal([.. Enumerable.Range(90, 10).Select(i => (object?)(long)i)], Drain(Crash(durable).Queue));
        q.Ack(lease.Id);   // the lease map survived the rewrite
        Assert.Equal([.. Enumerable.Range(91, 9).Select(i => (object?)(long)i)], Drain(Crash(durable).Queue));
    }

    private void Log(string line)
    {
        lock (_log)
        {
            _log.Add(line);
        }
    }

    private DurableQueue Open(string name, FsyncPolicy fsync = FsyncPolicy.Interval, int maxSize = 0)
    {
        DurableQueue q = DurableQueue.Open(_dir.File(name + ".journal"), fsync, maxSize, Ttr, _clock, Log);
        _open.Add(q);
        return q;
    }

    /// <summary>The journal as a kill -9 would leave it now, opened as a restarted process would.</summary>
    private DurableQueue Crash(DurableQueue running)
    {
        string copy = _dir.File($"crash{++_crashes}.journal");
        File.Copy(running.Path, copy);
        DurableQueue q = DurableQueue.Open(copy, FsyncPolicy.Never, 0, Ttr, _clock, Log);
        _open.Add(q);
        return q;
    }

    private static List<object?> Drain(LocalQueue<object?> q)
    {
        var items = new List<object?>();
        while (q.TryGet(out object? item))
        {
            items.Add(item);
        }
        return items;
    }
}
