using Factorizer.Managers.Client;
using Factorizer.Managers.Server;
using Factorizer.Managers.Tests.Support;
using Factorizer.Managers.Wire;
using Factorizer.Pickle;

namespace Factorizer.Managers.Tests.Server;

/// <summary>The one-request control functions (create, incref, decref…) over the wire with our client.</summary>
public class ControlCallTests
{
    private static readonly string[] QueueMethods = ["ack", "empty", "full", "get", "get_nowait", "join", "put", "put_nowait", "qsize", "release", "reserve", "task_done", "touch"];

    [Fact]
    public async Task Create_RegisteredQueue_ReturnsIdentSortedExposedMethodsAndOneReference()
    {
        await using TestServer server = TestServer.Start();
        await using ManagerClient client = await server.ConnectAsync();

        (Token token, IReadOnlyList<string> exposed) = await client.CreateAsync("get_job_q", []);

        Assert.Equal(QueueMethods, exposed);
        Assert.Equal("get_job_q", token.TypeId);
        Assert.Equal(server.Port, token.Port);
        Assert.Matches("^[0-9a-f]+$", token.Id);
        Assert.Equal(1, server.Server.Objects.RefCountOf(token.Id));
        Assert.Equal(1, server.Server.ObjectCount);
    }

    [Fact]
    public async Task CreateIncRefDecRef_SameObject_CountsAddUpAndEntryGoesAtZero()
    {
        await using TestServer server = TestServer.Start();
        await using ManagerClient client = await server.ConnectAsync();

        (Token a, _) = await client.CreateAsync("get_job_q", []);
        (Token b, _) = await client.CreateAsync("get_job_q", []);
        Assert.Equal(a.Id, b.Id);
        await client.IncRefAsync(a.Id);
        Assert.Equal(3, server.Server.Objects.RefCountOf(a.Id));
        Assert.Equal(1L, await client.ControlAsync(WireLiterals.NumberOfObjects, PyTuple.Empty));

        await client.DecRefAsync(a.Id);
        await client.DecRefAsync(a.Id);
        Assert.Equal(1, server.Server.Objects.RefCountOf(a.Id));
        await client.DecRefAsync(a.Id);

        Assert.Equal(0L, await client.ControlAsync(WireLiterals.NumberOfObjects, PyTuple.Empty));
        Assert.Equal(0, server.Server.ObjectCount);
        var e = await Assert.ThrowsAsync<RemoteException>(() => client.IncRefAsync(a.Id));
        Assert.Equal("KeyError", e.RemoteType);
    }

    [Fact]
    public async Task Create_AfterEntryWentAtZero_ObjectComesBackWithItsItems()
    {
        await using TestServer server = TestServer.Start();
        await using ManagerClient client = await server.ConnectAsync();
        await using (var q = await client.GetQueueAsync<long>("get_job_q"))
        {
            await q.PutAsync(5);
        }
        Assert.Equal(0, server.Server.ObjectCount);

        await using var again = await client.GetQueueAsync<long>("get_job_q");

        Assert.Equal(5, await again.GetAsync(TimeSpan.Zero));
    }

    [Fact]
    public async Task DebugInfo_TwoObjects_OneEntryEachWithRefcount()
    {
        await using TestServer server = TestServer.Start();
        await using ManagerClient client = await server.ConnectAsync();
        (Token jobs, _) = await client.CreateAsync("get_job_q", []);
        (Token results, _) = await client.CreateAsync("get_result_q", []);
        await client.IncRefAsync(results.Id);

        string info = Assert.IsType<string>(await client.ControlAsync(WireLiterals.DebugInfo, PyTuple.Empty));

        Assert.Contains($"  {jobs.Id}:       refcount=1", info, StringComparison.Ordinal);
        Assert.Contains($"  {results.Id}:       refcount=2", info, StringComparison.Ordinal);
        Assert.Equal(4, info.Split('\n').Length);
    }

    [Fact]
    public async Task Create_UnknownTypeId_RemoteKeyErrorWithTraceback()
    {
        await using TestServer server = TestServer.Start();
        await using ManagerClient client = await server.ConnectAsync();

        var e = await Assert.ThrowsAsync<RemoteException>(() => client.CreateAsync("no_such_q", []));

        Assert.Equal(WireLiterals.Traceback, e.ReplyKind);
        Assert.Equal("KeyError", e.RemoteType);
        Assert.Contains("no_such_q", e.RemoteMessage, StringComparison.Ordinal);
        Assert.StartsWith("Traceback (most recent call last):", e.RemoteTraceback, StringComparison.Ordinal);
        Assert.Equal(0, server.Server.ObjectCount);
    }

    [Fact]
    public async Task Create_QueueTypeIdWithArguments_RemoteTypeError()
    {
        await using TestServer server = TestServer.Start();
        await using ManagerClient client = await server.ConnectAsync();

        var e = await Assert.ThrowsAsync<RemoteException>(() => client.CreateAsync("get_job_q", [1L]));

        Assert.Equal(WireLiterals.Traceback, e.ReplyKind);
        Assert.Equal("TypeError", e.RemoteType);
        Assert.Equal(0, server.Server.ObjectCount);
    }

    [Theory]
    [InlineData(WireLiterals.IncRef)]
    [InlineData(WireLiterals.DecRef)]
    public async Task RefCountCall_UnknownIdent_RemoteKeyErrorWithTraceback(string function)
    {
        await using TestServer server = TestServer.Start();
        await using ManagerClient client = await server.ConnectAsync();

        var e = await Assert.ThrowsAsync<RemoteException>(() => client.ControlAsync(function, new PyTuple("deadbeef")));

        Assert.Equal(WireLiterals.Traceback, e.ReplyKind);
        Assert.Equal("KeyError", e.RemoteType);
        Assert.Contains("deadbeef", e.RemoteMessage, StringComparison.Ordinal);
        Assert.NotNull(e.RemoteTraceback);
    }

    [Fact]
    public async Task Control_UnknownFunction_RemoteAssertionError()
    {
        await using TestServer server = TestServer.Start();
        await using ManagerClient client = await server.ConnectAsync();

        var e = await Assert.ThrowsAsync<RemoteException>(() => client.ControlAsync("serve_forever", PyTuple.Empty));

        Assert.Equal("AssertionError", e.RemoteType);
        Assert.Contains("serve_forever", e.RemoteMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Control_IncRefWithoutIdent_RemoteTypeError()
    {
        await using TestServer server = TestServer.Start();
        await using ManagerClient client = await server.ConnectAsync();

        var e = await Assert.ThrowsAsync<RemoteException>(() => client.ControlAsync(WireLiterals.IncRef, new PyTuple(1L, 2L)));

        Assert.Equal("TypeError", e.RemoteType);
    }

    [Fact]
    public async Task GetMethods_TokenOfLiveObject_ReturnsExposed()
    {
        await using TestServer server = TestServer.Start();
        await using ManagerClient client = await server.ConnectAsync();
        (Token token, _) = await client.CreateAsync("get_result_q", []);

        object? methods = await client.ControlAsync(WireLiterals.GetMethods, new PyTuple(token));

        Assert.Equal(QueueMethods, Assert.IsType<PyTuple>(methods).Cast<string>().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Dummy_ReturnsNone()
    {
        await using TestServer server = TestServer.Start();
        await using ManagerClient client = await server.ConnectAsync();

        Assert.Null(await client.ControlAsync(WireLiterals.Dummy, PyTuple.Empty));
    }

    [Fact]
    public async Task RegisterNamedQueues_SameNameSameQueue_OtherNameAnotherQueue()
    {
        await using TestServer server = TestServer.Start();
        await using ManagerClient client = await server.ConnectAsync();

        await using var a1 = await client.GetQueueAsync<string>("get_queue", ["alpha"]);
        await using var a2 = await client.GetQueueAsync<string>("get_queue", ["alpha"]);
        await using var b = await client.GetQueueAsync<string>("get_queue", ["beta"]);
        await a1.PutAsync("x");
        await b.PutAsync("y");

        Assert.Equal(a1.Token.Id, a2.Token.Id);
        Assert.NotEqual(a1.Token.Id, b.Token.Id);
        Assert.Equal(2, server.Server.Objects.RefCountOf(a1.Token.Id));
        Assert.Equal("x", await a2.GetAsync(TimeSpan.Zero));
        Assert.Equal(1, server.Named("beta").Count);
        Assert.Equal(0, server.Named("alpha").Count);
    }

    [Fact]
    public async Task RegisterNamedQueues_NameAsKeyword_FindsThatQueue()
    {
        await using TestServer server = TestServer.Start();
        server.Named("kw").TryPut("ready");
        await using RawPeer peer = await RawPeer.ConnectAuthenticatedAsync(server.EndPoint, server.Key);

        Reply reply = await peer.RequestAsync(new Request(null, WireLiterals.Create, new PyTuple("get_queue"), new Dictionary<string, object?> { ["name"] = "kw" }));

        Assert.Equal(WireLiterals.Return, reply.Kind);
        string ident = Assert.IsType<string>(Assert.IsType<PyTuple>(reply.Payload)[0]);
        await using ManagerClient client = await server.ConnectAsync();
        Assert.Equal("ready", await client.CallAsync(ident, "get_nowait", PyTuple.Empty));
    }

    [Fact]
    public async Task RegisterNamedQueues_NameMissingOrNotAString_RemoteTypeError()
    {
        await using TestServer server = TestServer.Start();
        await using ManagerClient client = await server.ConnectAsync();

        var missing = await Assert.ThrowsAsync<RemoteException>(() => client.CreateAsync("get_queue", []));
        var number = await Assert.ThrowsAsync<RemoteException>(() => client.CreateAsync("get_queue", [3L]));

        Assert.Equal("TypeError", missing.RemoteType);
        Assert.Equal("TypeError", number.RemoteType);
        Assert.Equal(0, server.Server.ObjectCount);
    }

    [Fact]
    public async Task Register_CustomFactory_ServesItsObjectAndMethods()
    {
        var counter = new Counter();
        await using TestServer server = TestServer.Start(configure: m => m.Register("get_counter", (args, kwargs) => counter));
        await using ManagerClient client = await server.ConnectAsync();
        (Token token, IReadOnlyList<string> exposed) = await client.CreateAsync("get_counter", []);

        object? first = await client.CallAsync(token.Id, "increment", new PyTuple(5L));
        object? second = await client.CallAsync(token.Id, "increment", PyTuple.Empty, new Dictionary<string, object?> { ["by"] = 2L });

        Assert.Equal(["increment"], exposed);
        Assert.Equal(5L, first);
        Assert.Equal(7L, second);
    }

    private sealed class Counter : ISharedObject
    {
        private long _value;

        public IReadOnlyList<string> ExposedMethods { get; } = ["increment"];

        public ValueTask<object?> InvokeAsync(SharedCall call, CancellationToken cancellationToken)
        {
            call.CheckArity("by");
            long by = call.Arg(0, "by", 1L) as long? ?? throw PythonErrorException.TypeError("by must be an int");
            return ValueTask.FromResult<object?>(Interlocked.Add(ref _value, by));
        }
    }
}
