using Factorizer.Managers.Server;
using Factorizer.Managers.Shared;
using Factorizer.Pickle;

namespace Factorizer.Managers.Tests.Shared;

/// <summary>Semaphore, BoundedSemaphore, Condition and Barrier called directly: Python's semantics and errors, waiters that leave.</summary>
public class SyncPrimitiveTests
{
    private static readonly Dictionary<string, object?> NoKwargs = [];
    private static readonly SessionInfo Alice = new(1, "127.0.0.1", 1);
    private static readonly SessionInfo Bob = new(2, "127.0.0.1", 2);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private static ValueTask<object?> Call(ISharedObject target, SessionInfo caller, string method, params object?[] args) =>
        Call(target, caller, CancellationToken.None, method, args);

    private static ValueTask<object?> Call(ISharedObject target, SessionInfo caller, CancellationToken cancel, string method, params object?[] args) =>
        target.InvokeAsync(new SharedCall(method, new PyTuple(args), NoKwargs, caller), cancel);

    private static async Task<PyException> ErrorOf(Func<ValueTask<object?>> call) =>
        (await Assert.ThrowsAsync<PythonErrorException>(async () => await call())).Error;

    private static PyException CreateError(SharedObjectFactory factory, params object?[] args) =>
        Assert.Throws<PythonErrorException>(() => factory(new PyTuple(args), NoKwargs)).Error;

    [Fact]
    public async Task Semaphore_CountsDown_WaiterWokenByAnyRelease_ReleaseN()
    {
        var s = (SharedSemaphore)SharedSemaphore.Factory(bounded: false)(new PyTuple(2L), NoKwargs);
        Assert.Equal(true, await Call(s, Alice, "acquire"));
        Assert.Equal(true, await Call(s, Alice, "acquire", true, 0.0));
        Assert.Equal(false, await Call(s, Alice, "acquire", false));
        ValueTask<object?> waiting = Call(s, Alice, "acquire", true, 60.0);
        Assert.False(waiting.IsCompleted);
        await Call(s, Bob, "release");
        Assert.Equal(true, await waiting.AsTask().WaitAsync(Bound));
        await Call(s, Bob, "release", 3L);
        Assert.Equal(3, s.Value);
        Assert.Equal("ValueError", (await ErrorOf(() => Call(s, Bob, "release", 0L))).Name);
        Assert.Equal("ValueError", (await ErrorOf(() => Call(s, Bob, "acquire", false, 1.0))).Name);
    }

    [Fact]
    public async Task BoundedSemaphore_ReleaseAboveInitial_IsValueError_LostAcquireUndone()
    {
        var s = (SharedSemaphore)SharedSemaphore.Factory(bounded: true)(PyTuple.Empty, NoKwargs);
        Assert.Equal("Semaphore released too many times", (await ErrorOf(() => Call(s, Alice, "release"))).Message);
        var acquire = new SharedCall("acquire", PyTuple.Empty, NoKwargs, Alice);
        await s.ReplyLostAsync(acquire, await s.InvokeAsync(acquire, CancellationToken.None));
        Assert.Equal(1, s.Value);
        Assert.Equal("ValueError", CreateError(SharedSemaphore.Factory(bounded: true), -1L).Name);
        Assert.Equal("OverflowError", CreateError(SharedSemaphore.Factory(bounded: false), System.Numerics.BigInteger.Pow(10, 30)).Name);
        Assert.Equal("ValueError", CreateError(SharedSemaphore.Factory(bounded: false), -System.Numerics.BigInteger.Pow(10, 30)).Name);
        Assert.Equal("TypeError", CreateError(SharedSemaphore.Factory(bounded: false), "x").Name);
    }

    [Fact]
    public async Task Condition_WaitReleasesTheLock_NotifyWakesInOrder_OwnershipChecked()
    {
        var c = new SharedCondition();
        Assert.Equal("cannot wait on un-acquired lock", (await ErrorOf(() => Call(c, Alice, "wait", 1.0))).Message);
        Assert.Equal("cannot notify on un-acquired lock", (await ErrorOf(() => Call(c, Alice, "notify"))).Message);
        Assert.Equal(true, await Call(c, Alice, "acquire"));
        Assert.Equal(true, await Call(c, Alice, "acquire"));     // reentrant: the wait gives back both levels
        ValueTask<object?> aliceWaits = Call(c, Alice, "wait", (object?)null);
        Assert.Equal(true, await Call(c, Bob, "acquire", true, 30.0));  // the lock was released by the wait
        ValueTask<object?> bobWaits = Call(c, Bob, "wait", 60.0);
        var carol = new SessionInfo(3, "127.0.0.1", 3);
        Assert.Equal(true, await Call(c, carol, "acquire", true, 30.0));
        Assert.Equal(2, c.WaitingCount);
        await Call(c, carol, "notify");
        await Call(c, carol, "release");
        Assert.Equal(true, await aliceWaits.AsTask().WaitAsync(Bound));  // the first waiter, with the lock back at depth 2
        Assert.False(bobWaits.IsCompleted);
        await Call(c, Alice, "release");
        Assert.Equal("RuntimeError", (await ErrorOf(() => Call(c, Bob, "release"))).Name);
        await Call(c, Alice, "notify_all");
        await Call(c, Alice, "release");
        Assert.Equal(true, await bobWaits.AsTask().WaitAsync(Bound));
        await Call(c, Bob, "release");
        Assert.Equal(true, await Call(c, Alice, "acquire", false));
        Assert.Equal(false, await Call(c, Alice, "wait", 0.0));          // a timed-out wait still takes the lock back
        await Call(c, Alice, "release");
    }

    [Fact]
    public async Task Condition_NotifiedWaiterWhoseConnectionCloses_PassesTheNotificationOn()
    {
        var c = new SharedCondition();
        using var aliceGone = new CancellationTokenSource();
        await Call(c, Alice, "acquire");
        ValueTask<object?> alice = Call(c, Alice, aliceGone.Token, "wait", (object?)null);
        await Call(c, Bob, "acquire", true, 30.0);
        ValueTask<object?> bob = Call(c, Bob, "wait", (object?)null);
        var carol = new SessionInfo(3, "127.0.0.1", 3);
        await Call(c, carol, "acquire", true, 30.0);
        await Call(c, carol, "notify");        // Alice is notified but cannot get the lock yet (Carol holds it)
        await aliceGone.CancelAsync();         // and her connection closes before she does
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await alice);
        await Call(c, carol, "release");
        Assert.Equal(true, await bob.AsTask().WaitAsync(Bound));
    }

    [Fact]
    public async Task Condition_HeldByAConnectionThatCloses_IsReleased()
    {
        var c = new SharedCondition();
        await Call(c, Alice, "acquire");
        await Call(c, Alice, "acquire");
        Assert.Equal(false, await Call(c, Bob, "acquire", false));
        await c.SessionClosedAsync(Alice);
        Assert.Equal(true, await Call(c, Bob, "acquire", false));
    }

    [Fact]
    public async Task Condition_OverASharedLock_WaitReleasesThatLock_UnknownLockIsTypeError()
    {
        var lk = new SharedLock(reentrant: false);
        var token = new Factorizer.Managers.Wire.Token("Lock", "127.0.0.1", 1, "1000");
        var proxy = new PyObject(new PyGlobal("multiprocessing.managers", "RebuildProxy"), PyObjectCall.Reduce,
            new PyTuple(new PyGlobal("multiprocessing.managers", "AcquirerProxy"), token, "pickle", new Dictionary<object, object?>()));
        var c = Assert.IsType<SharedCondition>(SharedCondition.Factory(id => id == "1000" ? lk : null)(new PyTuple(proxy), NoKwargs));
        Assert.Equal(true, await Call(lk, Alice, "acquire"));            // taken through the Lock's own proxy
        ValueTask<object?> waiting = Call(c, Alice, "wait", (object?)null); // waited on through the Condition's
        Assert.False(lk.IsLocked);
        Assert.Equal(true, await Call(lk, Bob, "acquire", false));
        await Call(c, Bob, "notify");
        await Call(lk, Bob, "release");
        Assert.Equal(true, await waiting.AsTask().WaitAsync(Bound));
        Assert.True(lk.IsLocked);
        Assert.Equal("TypeError", CreateError(SharedCondition.Factory(_ => null), proxy).Name);
        Assert.Equal("TypeError", CreateError(SharedCondition.Factory(_ => null), 5L).Name);
    }

    [Fact]
    public async Task Barrier_LetsPartiesThroughWithArrivalIndexes_ThenTimesOutBroken_ResetRepairs()
    {
        var b = new SharedBarrier(3);
        ValueTask<object?> first = Call(b, Alice, "wait", (object?)null);
        ValueTask<object?> second = Call(b, Bob, "wait", 60.0);
        Assert.Equal(2L, await Call(b, Alice, "__getattribute__", "n_waiting"));
        Assert.Equal(2L, await Call(b, Alice, "wait"));
        Assert.Equal(0L, await first.AsTask().WaitAsync(Bound));
        Assert.Equal(1L, await second.AsTask().WaitAsync(Bound));
        ValueTask<object?> stuck = Call(b, Bob, "wait", (object?)null);
        PyException timedOut = await ErrorOf(() => Call(b, Alice, "wait", 0.0));
        Assert.Equal("threading.BrokenBarrierError", timedOut.QualifiedName);
        Assert.Equal("BrokenBarrierError", (await Assert.ThrowsAsync<PythonErrorException>(async () => await stuck.AsTask().WaitAsync(Bound))).Error.Name);
        Assert.Equal(true, await Call(b, Alice, "__getattribute__", "broken"));
        await Call(b, Alice, "reset");
        Assert.Equal(false, await Call(b, Alice, "__getattribute__", "broken"));
        Assert.Equal(3L, await Call(b, Alice, "__getattribute__", "parties"));
        Assert.Equal("AttributeError", (await ErrorOf(() => Call(b, Alice, "__getattribute__", "_state"))).Name);
    }

    [Fact]
    public async Task Barrier_WaiterWhoseConnectionCloses_LeavesTheRound_AbortBreaksIt()
    {
        var b = new SharedBarrier(2);
        using var gone = new CancellationTokenSource();
        ValueTask<object?> leaving = Call(b, Alice, gone.Token, "wait", (object?)null);
        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await leaving);
        Assert.Equal(0, b.WaitingCount);
        ValueTask<object?> waiting = Call(b, Bob, "wait", (object?)null);
        await Call(b, Alice, "abort");
        Assert.Equal("BrokenBarrierError", (await Assert.ThrowsAsync<PythonErrorException>(async () => await waiting.AsTask().WaitAsync(Bound))).Error.Name);
        Assert.Equal("BrokenBarrierError", (await ErrorOf(() => Call(b, Alice, "wait"))).Name);
        Assert.Equal("ValueError", CreateError(SharedBarrier.Factory, 0L).Name);
        Assert.Equal("NotImplementedError", CreateError(SharedBarrier.Factory, 2L, new PyGlobal("builtins", "print")).Name);
    }
}
