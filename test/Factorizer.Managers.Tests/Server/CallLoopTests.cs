using Factorizer.Managers.Client;
using Factorizer.Managers.Queues;
using Factorizer.Managers.Tests.Support;
using Factorizer.Managers.Wire;
using Factorizer.Pickle;

namespace Factorizer.Managers.Tests.Server;

/// <summary>Method calls on the accept_connection channel: reply kinds and errors, as CPython gives them.</summary>
public class CallLoopTests : IAsyncLifetime
{
    private TestServer _server = null!;
    private ManagerClient _client = null!;
    private string _jobs = null!;

    public async Task InitializeAsync()
    {
        _server = TestServer.Start(jobsMaxSize: 1);
        _client = await _server.ConnectAsync();
        (Token token, _) = await _client.CreateAsync("get_job_q", []);
        _jobs = token.Id;
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
    }

    private Task<object?> CallAsync(string method, PyTuple? args = null, Dictionary<string, object?>? kwargs = null, string? ident = null) =>
        _client.CallAsync(ident ?? _jobs, method, args ?? PyTuple.Empty, kwargs).WaitAsync(Timeouts.Short);

    [Fact]
    public async Task PutGet_SeedJob_ValueRoundTrips()
    {
        List<object?> job = [999999999999L, 1000000000001L];

        Assert.Null(await CallAsync("put", new PyTuple(job)));
        Assert.Equal(1L, await CallAsync("qsize"));
        Assert.Equal(true, await CallAsync("full"));
        object? got = await CallAsync("get_nowait");

        Assert.Equal(job, Assert.IsType<List<object?>>(got));
        Assert.Equal(true, await CallAsync("empty"));
    }

    [Fact]
    public async Task Call_UnknownIdent_RemoteKeyErrorWithTraceback()
    {
        var e = await Assert.ThrowsAsync<RemoteException>(() => CallAsync("get", ident: "abcdef"));

        Assert.Equal(WireLiterals.Traceback, e.ReplyKind);
        Assert.Equal("KeyError", e.RemoteType);
        Assert.Contains("abcdef", e.RemoteMessage, StringComparison.Ordinal);
        Assert.StartsWith("Traceback (most recent call last):", e.RemoteTraceback, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("clear")]
    [InlineData("_put")]
    [InlineData("__class__")]
    [InlineData("shutdown")]
    public async Task Call_MethodNotExposed_RemoteAttributeErrorAndChannelStillWorks(string method)
    {
        var e = await Assert.ThrowsAsync<RemoteException>(() => CallAsync(method));

        Assert.Equal(WireLiterals.Traceback, e.ReplyKind);
        Assert.Equal("AttributeError", e.RemoteType);
        Assert.NotNull(e.RemoteTraceback);
        Assert.Null(await CallAsync("put", new PyTuple(1L)));
        Assert.Equal(1L, await CallAsync("get_nowait"));
    }

    [Theory]
    [InlineData("__str__")]
    [InlineData("__repr__")]
    public async Task Call_StrOrRepr_ReturnsText(string method)
    {
        Assert.IsType<string>(await CallAsync(method));
    }

    [Fact]
    public async Task Call_GetValue_Unserializable()
    {
        var e = await Assert.ThrowsAsync<RemoteException>(() => CallAsync(WireLiterals.GetValue));

        Assert.Equal(WireLiterals.Unserializable, e.ReplyKind);
        Assert.NotNull(e.RemoteTraceback);
    }

    [Fact]
    public async Task GetNowait_Empty_QueueEmptyException()
    {
        await Assert.ThrowsAsync<QueueEmptyException>(() => CallAsync("get_nowait"));
        await Assert.ThrowsAsync<QueueEmptyException>(() => CallAsync("get", new PyTuple(false)));
        await Assert.ThrowsAsync<QueueEmptyException>(() => CallAsync("get", kwargs: new() { ["timeout"] = 0.01 }));
    }

    [Fact]
    public async Task PutNowait_Full_QueueFullException()
    {
        await CallAsync("put", new PyTuple(1L));

        await Assert.ThrowsAsync<QueueFullException>(() => CallAsync("put_nowait", new PyTuple(2L)));
        await Assert.ThrowsAsync<QueueFullException>(() => CallAsync("put", new PyTuple(2L, false)));
        await Assert.ThrowsAsync<QueueFullException>(() => CallAsync("put", new PyTuple(2L), new() { ["timeout"] = 0.01 }));
        Assert.Equal(1L, await CallAsync("qsize"));
    }

    public static TheoryData<string, PyTuple, Dictionary<string, object?>, string> ArgumentErrors() => new()
    {
        { "put", PyTuple.Empty, new(), "builtins.TypeError" },
        { "put", new PyTuple(1L, true, 1.0, "extra"), new(), "builtins.TypeError" },
        { "put", new PyTuple(1L), new() { ["item"] = 2L }, "builtins.TypeError" },
        { "put", new PyTuple(1L), new() { ["colour"] = "red" }, "builtins.TypeError" },
        { "put", new PyTuple(1L), new() { ["timeout"] = -1L }, "builtins.ValueError" },
        { "put", new PyTuple(1L), new() { ["timeout"] = "soon" }, "builtins.TypeError" },
        { "get", PyTuple.Empty, new() { ["timeout"] = -0.5 }, "builtins.ValueError" },
        { "get", PyTuple.Empty, new() { ["timeout"] = double.NaN }, "builtins.ValueError" },
        { "get_nowait", new PyTuple(1L), new(), "builtins.TypeError" },
        { "qsize", PyTuple.Empty, new() { ["x"] = 1L }, "builtins.TypeError" },
        { "task_done", PyTuple.Empty, new(), "builtins.ValueError" },
    };

    [Theory]
    [MemberData(nameof(ArgumentErrors))]
    public async Task Call_BadArguments_RemoteBuiltinErrorAndChannelStillWorks(string method, PyTuple args, Dictionary<string, object?> kwargs, string type)
    {
        var e = await Assert.ThrowsAsync<RemoteException>(() => CallAsync(method, args, kwargs));

        Assert.Equal(WireLiterals.Error, e.ReplyKind);
        Assert.Equal(type, e.RemoteType);
        Assert.Equal(0L, await CallAsync("qsize"));
    }

    [Fact]
    public async Task Put_BlockFalseWithNegativeTimeout_TimeoutIgnoredLikePython()
    {
        Assert.Null(await CallAsync("put", new PyTuple(1L, false, -1L)));
        Assert.Equal(1L, await CallAsync("get", new PyTuple(false, -1L)));
    }

    [Fact]
    public async Task TaskDoneAndJoin_OverTheWire_JoinReturnsOnceAllDone()
    {
        await CallAsync("put", new PyTuple("job"));
        await CallAsync("get");

        Task<object?> join = CallAsync("join");
        Assert.Null(await CallAsync("task_done"));

        Assert.Null(await join);
    }

    [Fact]
    public async Task Call_ResultTheWriterCannotPickle_UnserializableAndChannelStillWorks()
    {
        _server.Jobs.TryPut(new object()); // a host app put something no pickle can carry

        var e = await Assert.ThrowsAsync<RemoteException>(() => CallAsync("get_nowait"));

        Assert.Equal(WireLiterals.Unserializable, e.ReplyKind);
        Assert.Equal(0L, await CallAsync("qsize"));
    }
}
