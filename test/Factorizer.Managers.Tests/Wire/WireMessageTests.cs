using Factorizer.Managers.Server;
using Factorizer.Managers.Wire;
using Factorizer.Pickle;

namespace Factorizer.Managers.Tests.Wire;

public class WireMessageTests
{
    [Fact]
    public void ReplyNone_Pickle_MatchesProtocolDocumentBytes()
    {
        // ('#RETURN', None) = 80 03 58 07 00 00 00 23 52 45 54 55 52 4e 4e 86 2e (docs/protocol.md §5.3)
        Assert.Equal("800358070000002352455455524E4E862E", Convert.ToHexString(PyPickle.Dumps(Reply.None.ToValue())));
    }

    [Fact]
    public void ReplyErrorQueueEmpty_Pickle_UsesQueueEmptyGlobal()
    {
        byte[] bytes = PyPickle.Dumps(Reply.Error(PyException.QueueEmpty()).ToValue());

        // ('#ERROR', queue.Empty()) = 80 03 58 06 00 00 00 "#ERROR" 63 "queue\nEmpty\n" 29 52 86 2e
        Assert.Equal(ExpectedEmpty(), Convert.ToHexString(bytes));
    }

    private static string ExpectedEmpty() =>
        "8003" + "58" + "06000000" + Convert.ToHexString("#ERROR"u8) + "63" + Convert.ToHexString("queue\nEmpty\n"u8) + "29" + "52" + "86" + "2E";

    [Fact]
    public void Request_SeedPut_RoundTripsThroughPickle()
    {
        var request = new Request("7f0a", "put", new PyTuple(new List<object?> { 999999999999L, 1000000000001L }), new Dictionary<string, object?> { ["timeout"] = 1.5 });

        Assert.True(Request.TryParse(PyPickle.Loads(PyPickle.Dumps(request.ToValue()), ManagerPickle.ReadOptions), out Request? back, out string? error));

        Assert.Null(error);
        Assert.Equal("7f0a", back!.Ident);
        Assert.Equal("put", back.Method);
        Assert.Equal(new List<object?> { 999999999999L, 1000000000001L }, Assert.IsType<List<object?>>(back.Args[0]));
        Assert.Equal(1.5, back.Kwargs["timeout"]);
    }

    [Fact]
    public void Request_CPythonDummyBytes_Parsed()
    {
        // (None, 'dummy', (), {}) as CPython 3.11 pickles it (protocol 4 with FRAME and MEMOIZE).
        byte[] bytes = Convert.FromHexString("80049510000000000000002" + "84e8c0564756d6d79942" + "97d9474942e");

        Assert.True(Request.TryParse(PyPickle.Loads(bytes, ManagerPickle.ReadOptions), out Request? request, out _));

        Assert.Null(request!.Ident);
        Assert.Equal("dummy", request.Method);
        Assert.Empty(request.Args);
        Assert.Empty(request.Kwargs);
    }

    [Fact]
    public void Reply_CPythonReturnNoneBytes_Parsed()
    {
        byte[] bytes = Convert.FromHexString("8004950e000000000000008c072352455455524e944e86942e");

        Assert.True(Reply.TryParse(PyPickle.Loads(bytes, ManagerPickle.ReadOptions), out Reply? reply));

        Assert.Equal(Reply.None, reply);
    }

    [Fact]
    public void Reply_CPythonQueueEmptyError_ParsedAsQueueEmpty()
    {
        // ('#ERROR', _queue.Empty()) from seed003_session.txt
        byte[] bytes = Convert.FromHexString("80049522000000000000008c06234552524f52948c065f7175657565948c05456d707479949394295294869" + "42e");

        Assert.True(Reply.TryParse(PyPickle.Loads(bytes, ManagerPickle.ReadOptions), out Reply? reply));

        Assert.Equal(WireLiterals.Error, reply!.Kind);
        Assert.True(Assert.IsType<PyException>(reply.Payload).IsQueueEmpty);
    }

    [Theory]
    [InlineData("not a tuple")]
    [InlineData("three")]
    [InlineData("kind not a str")]
    public void Reply_WrongShape_NotParsed(string what)
    {
        object? value = what switch
        {
            "not a tuple" => "x",
            "three" => new PyTuple("#RETURN", null, null),
            _ => new PyTuple(1L, null),
        };

        Assert.False(Reply.TryParse(value, out _));
    }

    [Fact]
    public void Request_ListAsArgs_AcceptedAsTuple()
    {
        var value = new PyTuple("1", "put", new List<object?> { 5L }, null);

        Assert.True(Request.TryParse(value, out Request? request, out _));

        Assert.Equal(new PyTuple(5L), request!.Args);
        Assert.Empty(request.Kwargs);
    }

    [Theory]
    [InlineData("short", "ValueError")]
    [InlineData("scalar", "TypeError")]
    [InlineData("ident int", "TypeError")]
    [InlineData("args int", "TypeError")]
    [InlineData("kwargs list", "TypeError")]
    [InlineData("kwargs int key", "TypeError")]
    public void Request_WrongShape_PythonStyleError(string what, string type)
    {
        var dict = new Dictionary<object, object?>(PyEqualityComparer.Instance);
        object? value = what switch
        {
            "short" => new PyTuple(null, "dummy"),
            "scalar" => 5L,
            "ident int" => new PyTuple(1L, "dummy", PyTuple.Empty, dict),
            "args int" => new PyTuple(null, "dummy", 1L, dict),
            "kwargs list" => new PyTuple(null, "dummy", PyTuple.Empty, new List<object?>()),
            _ => new PyTuple(null, "dummy", PyTuple.Empty, new Dictionary<object, object?>(PyEqualityComparer.Instance) { [1L] = 2L }),
        };

        Assert.False(Request.TryParse(value, out _, out string? error));

        Assert.StartsWith(type + ":", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Token_Pickle_RoundTripsAndMatchesCPythonShape()
    {
        var token = new Token("Queue", "127.0.0.1", 5000, "7f0a");

        byte[] bytes = PyPickle.Dumps(token);
        object? back = PyPickle.Loads(bytes, ManagerPickle.ReadOptions);

        Assert.Equal(token, back);
        Assert.Contains("multiprocessing.managers\nToken\n", System.Text.Encoding.ASCII.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public void Token_CPythonBytes_Read()
    {
        // Token('Queue', ('127.0.0.1', 5000), '7f0a') pickled by CPython 3.11 (docs/protocol.md §5.4)
        byte[] bytes = Convert.FromHexString(
            "80048c186d756c746970726f63657373696e672e6d616e6167657273948c05546f6b656e949394298194" +
            "8c05517565756594" + "8c093132372e302e302e3194" + "4d8813869494" + "8c0437663061948794622e");

        Assert.Equal(new Token("Queue", "127.0.0.1", 5000, "7f0a"), PyPickle.Loads(bytes, ManagerPickle.ReadOptions));
    }

    [Fact]
    public void Token_MalformedState_Refused()
    {
        byte[] bytes = PyPickle.Dumps(new Reducible(new PyReduction("multiprocessing.managers", "Token", PyTuple.Empty, true, new PyTuple("Queue", "no address", "1"))));

        Assert.ThrowsAny<UnpicklingException>(() => PyPickle.Loads(bytes, ManagerPickle.ReadOptions));
    }

    private sealed record Reducible(PyReduction Reduction) : IPyReducible
    {
        public PyReduction ToReduction() => Reduction;
    }

    [Fact]
    public void RemoteError_CPythonPickle_ReadAsException()
    {
        byte[] bytes = PyPickle.Dumps(new Reducible(new PyReduction("multiprocessing.managers", "RemoteError", new PyTuple("boom"), false, null)));

        var e = Assert.IsType<PyException>(PyPickle.Loads(bytes, ManagerPickle.ReadOptions));

        Assert.Equal("multiprocessing.managers.RemoteError", e.QualifiedName);
        Assert.Equal("boom", e.Message);
    }

    [Fact]
    public void DecodeRequest_TruncatedGarbageHostileAndValid_Distinguished()
    {
        byte[] valid = PyPickle.Dumps(Request.Of("1", "qsize").ToValue());

        Assert.Equal(RequestProblem.None, ServerSession.DecodeRequest(valid, out Request? request, out _));
        Assert.Equal("qsize", request!.Method);

        Assert.Equal(RequestProblem.Truncated, ServerSession.DecodeRequest(valid[..^1], out _, out Reply? eof));
        Assert.Contains("EOFError", (string)eof!.Payload!, StringComparison.Ordinal);

        Assert.Equal(RequestProblem.Truncated, ServerSession.DecodeRequest([], out _, out _));

        byte[] system = [0x80, 0x03, .. "cposix\nsystem\n"u8, .. "X\x02\x00\x00\x00id"u8, 0x85, 0x52, 0x2E];
        Assert.Equal(RequestProblem.Hostile, ServerSession.DecodeRequest(system, out _, out Reply? refused));
        Assert.Contains("posix.system", (string)refused!.Payload!, StringComparison.Ordinal);

        Assert.Equal(RequestProblem.Malformed, ServerSession.DecodeRequest("garbage"u8.ToArray(), out _, out Reply? failure));
        Assert.Equal(WireLiterals.Traceback, failure!.Kind);
        Assert.Contains("UnpicklingError", (string)failure.Payload!, StringComparison.Ordinal);
    }
}
