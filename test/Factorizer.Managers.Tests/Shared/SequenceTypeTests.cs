using System.Numerics;
using Factorizer.Managers.Queues;
using Factorizer.Managers.Server;
using Factorizer.Managers.Shared;
using Factorizer.Pickle;

namespace Factorizer.Managers.Tests.Shared;

/// <summary>List slices, Array, a dict's iterator and SyncManager's Queue factory, called directly.</summary>
public class SequenceTypeTests
{
    private static readonly Dictionary<string, object?> NoKwargs = [];
    private static readonly SessionInfo Alice = new(1, "127.0.0.1", 1);

    private static ValueTask<object?> Call(ISharedObject target, string method, params object?[] args) =>
        target.InvokeAsync(new SharedCall(method, new PyTuple(args), NoKwargs, Alice), CancellationToken.None);

    private static async Task<PyException> ErrorOf(Func<ValueTask<object?>> call) =>
        (await Assert.ThrowsAsync<PythonErrorException>(async () => await call())).Error;

    private static PyObject Slice(object? start, object? stop, object? step = null) =>
        new(new PyGlobal("builtins", "slice"), PyObjectCall.Reduce, new PyTuple(start, stop, step));

    private static List<object?> Longs(params long[] values) => [.. values.Select(v => (object?)v)];

    [Theory]
    [InlineData(null, null, null, new long[] { 0, 1, 2, 3, 4, 5 })]
    [InlineData(1L, 4L, null, new long[] { 1, 2, 3 })]
    [InlineData(-2L, null, null, new long[] { 4, 5 })]
    [InlineData(null, null, -2L, new long[] { 5, 3, 1 })]
    [InlineData(4L, 0L, -1L, new long[] { 4, 3, 2, 1 })]
    [InlineData(10L, 20L, null, new long[0])]
    [InlineData(null, null, 100L, new long[] { 0 })]
    [InlineData(-100L, 100L, 5L, new long[] { 0, 5 })]
    public async Task List_SliceRead_MatchesPython(object? start, object? stop, object? step, long[] expected)
    {
        var l = new SharedList(new PyTuple(Longs(0, 1, 2, 3, 4, 5)), NoKwargs);
        Assert.Equal(Longs(expected), await Call(l, "__getitem__", Slice(start, stop, step)));
    }

    [Fact]
    public async Task List_SliceAssignAndDelete_ExtendedNeedsTheSameSize_HugeBoundsClamp()
    {
        var l = new SharedList(new PyTuple(Longs(0, 1, 2, 3, 4, 5)), NoKwargs);
        await Call(l, "__setitem__", Slice(1L, 3L), Longs(9, 9, 9));
        Assert.Equal(Longs(0, 9, 9, 9, 3, 4, 5), await Call(l, "__getitem__", Slice(null, null)));
        await Call(l, "__setitem__", Slice(null, null, -3L), Longs(7, 7, 7));
        Assert.Equal(Longs(7, 9, 9, 7, 3, 4, 7), await Call(l, "__getitem__", Slice(null, null)));
        Assert.Equal("ValueError", (await ErrorOf(() => Call(l, "__setitem__", Slice(null, null, 2L), Longs(1)))).Name);
        await Call(l, "__delitem__", Slice(null, null, 2L));
        Assert.Equal(Longs(9, 7, 4), await Call(l, "__getitem__", Slice(null, null)));
        await Call(l, "__delitem__", Slice(BigInteger.Pow(10, 30), null));
        await Call(l, "__delitem__", Slice(-BigInteger.Pow(10, 30), 1L));
        Assert.Equal(Longs(7, 4), await Call(l, "__getitem__", Slice(null, null)));
        Assert.Equal("ValueError", (await ErrorOf(() => Call(l, "__getitem__", Slice(null, null, 0L)))).Name);
        Assert.Equal("TypeError", (await ErrorOf(() => Call(l, "__getitem__", Slice("a", null)))).Name);
        Assert.Equal("NotImplementedError", (await ErrorOf(() => l.InvokeAsync(
            new SharedCall("sort", PyTuple.Empty, new Dictionary<string, object?> { ["key"] = new PyGlobal("builtins", "len") }, Alice), CancellationToken.None))).Name);
        Assert.Equal("MemoryError", (await ErrorOf(() => Call(l, "__mul__", 1L << 40))).Name);
    }

    [Fact]
    public async Task Array_ItemsCheckedByTypecode_SlicesAreArrays_ClientsPickledArraysAccepted()
    {
        var a = new SharedArray(new PyTuple("b", Longs(1, -2, 3)), NoKwargs);
        Assert.Equal(3L, await Call(a, "__len__"));
        Assert.Equal(-2L, await Call(a, "__getitem__", 1L));
        var slice = Assert.IsType<PyObject>(await Call(a, "__getitem__", Slice(null, null, -1L)));
        Assert.Equal("array.array", slice.Type.ToString());
        Assert.Equal("b", slice.Args[0]);
        Assert.Equal(Longs(3, -2, 1), slice.Args[1]);
        Assert.Equal("OverflowError", (await ErrorOf(() => Call(a, "__setitem__", 0L, 128L))).Name);
        Assert.Equal("TypeError", (await ErrorOf(() => Call(a, "__setitem__", 0L, 1.5))).Name);
        Assert.Equal("IndexError", (await ErrorOf(() => Call(a, "__getitem__", 3L))).Name);
        // What multiprocessing.managers' pickler sends: array.array(typecode, native bytes).
        var native = new PyObject(new PyGlobal("array", "array"), PyObjectCall.Reduce, new PyTuple("b", new byte[] { 0xff, 0x05 }));
        await Call(a, "__setitem__", Slice(0L, 2L), native);
        // What plain pickle (protocol 3+) sends: array._array_reconstructor(array.array, typecode, format, bytes).
        var reconstructed = new PyObject(new PyGlobal("array", "_array_reconstructor"), PyObjectCall.Reduce,
            new PyTuple(new PyGlobal("array", "array"), "b", 1L, new byte[] { 0x07 }));
        await Call(a, "__setitem__", Slice(2L, null), reconstructed);
        Assert.Equal(Longs(-1, 5, 7), a.Snapshot());
        Assert.Equal("TypeError", (await ErrorOf(() => Call(a, "__setitem__", Slice(0L, 1L), "x"))).Name);

        var d = new SharedArray(new PyTuple("f", new PyTuple(0.1, 2L)), NoKwargs);
        Assert.Equal(new List<object?> { (double)0.1f, 2.0 }, d.Snapshot());
        var q = new SharedArray(new PyTuple("Q", Longs(0)), NoKwargs);
        await Call(q, "__setitem__", 0L, (BigInteger)ulong.MaxValue);
        Assert.Equal((BigInteger)ulong.MaxValue, await Call(q, "__getitem__", -1L));
        Assert.Equal("OverflowError", (await ErrorOf(() => Call(q, "__setitem__", 0L, -1L))).Name);
        Assert.Equal("ValueError", Assert.Throws<PythonErrorException>(() => new SharedArray(new PyTuple("z", Longs()), NoKwargs)).Error.Name);
        var range = new PyObject(new PyGlobal("builtins", "range"), PyObjectCall.Reduce, new PyTuple(1L << 40));
        Assert.Equal("MemoryError", Assert.Throws<PythonErrorException>(() => new SharedArray(new PyTuple("q", range), NoKwargs)).Error.Name);
    }

    [Fact]
    public async Task DictIter_IsAProxiedIterator_StopsAtTheEnd_SizeChangeIsRuntimeError()
    {
        var d = new SharedDict(PyTuple.Empty, new Dictionary<string, object?> { ["a"] = 1L, ["b"] = 2L });
        var proxied = Assert.IsType<ProxiedResult>(await Call(d, "__iter__"));
        Assert.Equal("Iterator", proxied.TypeId);
        Assert.Equal("a", await Call(proxied.Object, "__next__"));
        Assert.Equal("b", await Call(proxied.Object, "__next__"));
        Assert.Equal("StopIteration", (await ErrorOf(() => Call(proxied.Object, "__next__"))).Name);
        Assert.Equal("StopIteration", (await ErrorOf(() => Call(proxied.Object, "__next__"))).Name);

        var again = Assert.IsType<ProxiedResult>(await Call(d, "__iter__"));
        await Call(d, "__setitem__", "c", 3L);
        Assert.Equal("RuntimeError", (await ErrorOf(() => Call(again.Object, "__next__"))).Name);
        Assert.Equal("AttributeError", (await ErrorOf(() => Call(again.Object, "send", 1L))).Name);
    }

    [Fact]
    public async Task SyncManagerQueue_MaxsizeBindsLikePython()
    {
        SharedObjectFactory make = SharedQueue.SyncManagerFactory("Queue");
        var bounded = Assert.IsType<SharedQueue>(make(new PyTuple(1L), NoKwargs));
        await Call(bounded, "put", "x");
        Assert.Equal(true, await Call(bounded, "full"));
        Assert.Equal(0, Assert.IsType<SharedQueue>(make(PyTuple.Empty, new Dictionary<string, object?> { ["maxsize"] = -5L })).Queue.MaxSize);
        Assert.Equal(int.MaxValue, Assert.IsType<SharedQueue>(make(new PyTuple(BigInteger.Pow(10, 30)), NoKwargs)).Queue.MaxSize);
        Assert.Equal("TypeError", Assert.Throws<PythonErrorException>(() => make(new PyTuple("x"), NoKwargs)).Error.Name);
        Assert.Equal("TypeError", Assert.Throws<PythonErrorException>(() => make(new PyTuple(1L, 2L), NoKwargs)).Error.Name);
    }
}
