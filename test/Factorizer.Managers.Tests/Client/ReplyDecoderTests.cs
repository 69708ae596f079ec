using System.Numerics;
using Factorizer.Managers.Client;
using Factorizer.Managers.Queues;
using Factorizer.Managers.Wire;
using Factorizer.Pickle;

namespace Factorizer.Managers.Tests.Client;

public class ReplyDecoderTests
{
    [Fact]
    public void ResultOf_Return_GivesPayload()
    {
        Assert.Equal(5L, ReplyDecoder.ResultOf(Reply.Return(5L)));
        Assert.Null(ReplyDecoder.ResultOf(Reply.None));
    }

    [Theory]
    [InlineData("_queue")]
    [InlineData("queue")]
    [InlineData("Queue")]
    public void ResultOf_ErrorQueueEmptyAnyModule_QueueEmptyException(string module)
    {
        Assert.Throws<QueueEmptyException>(() => ReplyDecoder.ResultOf(Reply.Error(new PyException(module, "Empty", PyTuple.Empty))));
    }

    [Fact]
    public void ResultOf_ErrorQueueFull_QueueFullException()
    {
        Assert.Throws<QueueFullException>(() => ReplyDecoder.ResultOf(Reply.Error(PyException.QueueFull())));
    }

    [Fact]
    public void ResultOf_ErrorOfAUserClass_ArrivesInertAndBecomesRemoteException()
    {
        // raise MyError('bad') in a CPython server: __main__.MyError is off the whitelist, so it reads inert.
        object? payload = PyPickle.Loads(PyPickle.Dumps(new PyTuple("#ERROR", new PyObject(new PyGlobal("__main__", "MyError"), PyObjectCall.Reduce, new PyTuple("bad")))));
        var reply = (PyTuple)payload!;

        var e = Assert.Throws<RemoteException>(() => ReplyDecoder.ResultOf(new Reply(WireLiterals.Error, reply[1])));

        Assert.Equal("__main__.MyError", e.RemoteType);
        Assert.Equal("bad", e.RemoteMessage);
    }

    [Fact]
    public void ResultOf_ErrorBuiltin_RemoteExceptionWithTypeAndMessage()
    {
        var e = Assert.Throws<RemoteException>(() => ReplyDecoder.ResultOf(Reply.Error(PyException.Builtin("ValueError", "'timeout' must be a non-negative number"))));

        Assert.Equal(WireLiterals.Error, e.ReplyKind);
        Assert.Equal("builtins.ValueError", e.RemoteType);
        Assert.Equal("'timeout' must be a non-negative number", e.RemoteMessage);
        Assert.Null(e.RemoteTraceback);
    }

    [Fact]
    public void ResultOf_ErrorRemoteError_KeepsItsTracebackText()
    {
        var remote = new PyException("multiprocessing.managers", "RemoteError", new PyTuple("Traceback...\nKeyError: 'x'\n"));

        var e = Assert.Throws<RemoteException>(() => ReplyDecoder.ResultOf(Reply.Error(remote)));

        Assert.Equal("Traceback...\nKeyError: 'x'\n", e.RemoteTraceback);
    }

    [Fact]
    public void ResultOf_Traceback_LastLineGivesTypeAndMessage()
    {
        const string text = "Traceback (most recent call last):\n  File \"managers.py\", line 1, in serve_client\nKeyError: '7f0a'\n";

        var e = Assert.Throws<RemoteException>(() => ReplyDecoder.ResultOf(Reply.Traceback(text)));

        Assert.Equal(WireLiterals.Traceback, e.ReplyKind);
        Assert.Equal("KeyError", e.RemoteType);
        Assert.Equal("'7f0a'", e.RemoteMessage);
        Assert.Equal(text, e.RemoteTraceback);
        Assert.Contains("--- remote traceback ---", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ResultOf_TracebackWithoutTypeLine_RemoteError()
    {
        var e = Assert.Throws<RemoteException>(() => ReplyDecoder.ResultOf(Reply.Traceback("something went wrong here")));

        Assert.Equal("RemoteError", e.RemoteType);
    }

    [Fact]
    public void ResultOf_Unserializable_RemoteException()
    {
        var e = Assert.Throws<RemoteException>(() => ReplyDecoder.ResultOf(new Reply(WireLiterals.Unserializable, "Traceback...\nTypeError: cannot pickle '_thread.lock' object")));

        Assert.Equal(WireLiterals.Unserializable, e.ReplyKind);
        Assert.Equal("TypeError", e.RemoteType);
    }

    [Fact]
    public void ResultOf_ProxyFromCPython_TokenAndExposed()
    {
        // CPython 3.11's server answering iter(d): ('#PROXY', (exposed, Token('Iterator', address, ident))).
        object? value = MessageChannel.Decode(Convert.FromHexString(
            "80049583000000000000008c062350524f585994288c085f5f6e6578745f5f948c0473656e64948c057468726f77948c05636c6f73659474948c186d756c746970726f63657373696e672e6d616e6167657273948c05546f6b656e9493942981948c084974657261746f72948c093132372e302e302e31944d881386948c0637663361326394879462869486942e"));
        Assert.True(Reply.TryParse(value, out Reply? reply));

        var proxy = Assert.IsType<ProxyReply>(ReplyDecoder.ResultOf(reply!));

        Assert.Equal(new Token("Iterator", "127.0.0.1", 5000, "7f3a2c"), proxy.Token);
        Assert.Equal(["__next__", "send", "throw", "close"], proxy.Exposed);
    }

    [Fact]
    public void ResultOf_ProxyWithExposedAsList_Accepted()
    {
        var token = new Token("Iterator", "h", 1, "a");

        var proxy = Assert.IsType<ProxyReply>(ReplyDecoder.ResultOf(new Reply(WireLiterals.Proxy, new PyTuple(new List<object?> { "__next__" }, token))));

        Assert.Equal(["__next__"], proxy.Exposed);
    }

    public static TheoryData<object?> MalformedProxyPayloads => new()
    {
        new PyTuple(new PyTuple("__next__"), "not a token"),
        new PyTuple(new PyTuple("__next__", 7L), new Token("Iterator", "h", 1, "a")),
        new PyTuple("__next__", new Token("Iterator", "h", 1, "a")),
        new PyTuple(new Token("Iterator", "h", 1, "a")),
        null,
    };

    [Theory]
    [MemberData(nameof(MalformedProxyPayloads))]
    public void ResultOf_MalformedProxy_ProtocolError(object? payload)
    {
        var e = Assert.Throws<RemoteException>(() => ReplyDecoder.ResultOf(new Reply(WireLiterals.Proxy, payload)));

        Assert.Equal("ProtocolError", e.RemoteType);
    }

    [Fact]
    public void ResultOf_ErrorKeyError_ArgsKeptAndIsMatchesWithOrWithoutModule()
    {
        var e = Assert.Throws<RemoteException>(() => ReplyDecoder.ResultOf(Reply.Error(new PyException("builtins", "KeyError", new PyTuple(new PyTuple(1L, "k"))))));

        Assert.Equal([new PyTuple(1L, "k")], e.RemoteArgs);
        Assert.True(e.Is("KeyError"));
        Assert.True(e.Is("builtins.KeyError"));
        Assert.False(e.Is("Error"));
        Assert.False(e.Is("uiltins.KeyError"));
        Assert.False(e.Is("queue.KeyError"));
        Assert.False(e.Is("LookupError"));
    }

    [Fact]
    public void ResultOf_Traceback_NoArgs()
    {
        var e = Assert.Throws<RemoteException>(() => ReplyDecoder.ResultOf(Reply.Traceback("Traceback...\nKeyError: 'x'\n")));

        Assert.Empty(e.RemoteArgs);
        Assert.True(e.Is("KeyError"));
        Assert.True(e.Is("builtins.KeyError")); // the traceback names no module: the class name decides
        Assert.False(e.Is("ValueError"));
    }

    [Theory]
    [InlineData("#PROXY")]
    [InlineData("#WHATEVER")]
    [InlineData("#ERROR")] // with a payload that is not an exception
    [InlineData("#TRACEBACK")] // with a payload that is not a str
    public void ResultOf_UnexpectedKindOrPayload_ProtocolError(string kind)
    {
        var e = Assert.Throws<RemoteException>(() => ReplyDecoder.ResultOf(new Reply(kind, 42L)));

        Assert.Equal("ProtocolError", e.RemoteType);
    }
}

public class PyConvertTests
{
    [Fact]
    public void ToValue_ListOfInts_LongArrayAndList()
    {
        var value = new List<object?> { 1L, 999999999999L };

        Assert.Equal([1L, 999999999999L], PyConvert.ToValue<long[]>(value));
        Assert.Equal([1L, 999999999999L], PyConvert.ToValue<List<long>>(value));
        Assert.Equal([BigInteger.One, 999999999999], PyConvert.ToValue<BigInteger[]>(value));
    }

    [Fact]
    public void ToValue_TupleOfInts_LongArray()
    {
        Assert.Equal([1L, 2L], PyConvert.ToValue<long[]>(new PyTuple(1L, 2L)));
    }

    [Fact]
    public void ToValue_ResultDict_DictionaryOfLongArrays()
    {
        var value = new Dictionary<object, object?>(PyEqualityComparer.Instance)
        {
            [999999999999L] = new List<object?> { 3L, 3L, 3L, 7L, 11L, 13L, 37L, 101L, 9901L },
            [1L] = new List<object?>(),
        };

        Dictionary<long, long[]> result = PyConvert.ToValue<Dictionary<long, long[]>>(value);

        Assert.Equal([3L, 3, 3, 7, 11, 13, 37, 101, 9901], result[999999999999]);
        Assert.Empty(result[1]);
    }

    [Fact]
    public void ToValue_BigKey_BigIntegerFormOnly()
    {
        BigInteger n = BigInteger.Pow(2, 64) + 1;
        var value = new Dictionary<object, object?>(PyEqualityComparer.Instance) { [n] = new List<object?> { 274177L, 67280421310721L } };

        Assert.Throws<OverflowException>(() => PyConvert.ToValue<Dictionary<long, long[]>>(value));
        Assert.Equal([274177, 67280421310721], PyConvert.ToValue<Dictionary<BigInteger, BigInteger[]>>(value)[n]);
    }

    [Fact]
    public void ToValue_Scalars_Converted()
    {
        Assert.Equal(7, PyConvert.ToValue<int>(7L));
        Assert.Equal(7L, PyConvert.ToValue<long>(7L));
        Assert.Equal(2.0, PyConvert.ToValue<double>(2L));
        Assert.Equal(ulong.MaxValue, PyConvert.ToValue<ulong>(new BigInteger(ulong.MaxValue)));
        Assert.Equal("s", PyConvert.ToValue<string>("s"));
        Assert.Null(PyConvert.ToValue<object?>(null));
        Assert.Null(PyConvert.ToValue<string?>(null));
        Assert.Null(PyConvert.ToValue<long?>(null));
        Assert.Throws<InvalidCastException>(() => PyConvert.ToValue<long>(null));
        Assert.Throws<OverflowException>(() => PyConvert.ToValue<int>(1L << 40));
    }

    [Fact]
    public void ToValue_WrongShape_InvalidCastNamingBothTypes()
    {
        var e = Assert.Throws<InvalidCastException>(() => PyConvert.ToValue<long[]>("not a list"));

        Assert.Contains("Int64[]", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidCastException>(() => PyConvert.ToValue<long[]>(new List<object?> { "x" }));
        Assert.Throws<InvalidCastException>(() => PyConvert.ToValue<Dictionary<long, long[]>>(new List<object?>()));
        Assert.Throws<InvalidCastException>(() => PyConvert.ToValue<Guid>(1L));
    }

    [Fact]
    public void Items_DictViewFromCPythonServer_ReadAsItsList()
    {
        // CPython's server pickles d.keys() as list(['a']) (multiprocessing.reduction's rebuild_as_list).
        object? view = PyPickle.Loads(Convert.FromHexString("80049520000000000000008c086275696c74696e73948c046c6973749493945d948c01619461859452942e"));

        Assert.Equal(["a"], PyConvert.Items(view));
        Assert.Equal(["a"], PyConvert.Items(new PyTuple("a")));
        Assert.Throws<InvalidCastException>(() => PyConvert.Items(new PyObject(new PyGlobal("builtins", "list"), PyObjectCall.Reduce, new PyTuple("abc"))));
        Assert.Throws<InvalidCastException>(() => PyConvert.Items(new PyObject(new PyGlobal("collections", "deque"), PyObjectCall.Reduce, new PyTuple(new List<object?>()))));
        Assert.Throws<InvalidCastException>(() => PyConvert.Items("abc"));
    }

    [Fact]
    public void FromValue_ResultDict_PicklesAndReadsBack()
    {
        var result = new Dictionary<long, long[]> { [999999999999] = [3, 3, 3, 7, 11, 13, 37, 101, 9901] };

        object? back = PyPickle.Loads(PyPickle.Dumps(PyConvert.FromValue(result)));

        Assert.Equal(result[999999999999], PyConvert.ToValue<Dictionary<long, long[]>>(back)[999999999999]);
    }
}
