using System.Globalization;
using System.Text.Json;
using Factorizer.Managers.Tests.Support;
using Factorizer.TestSupport;
using Xunit.Abstractions;

namespace Factorizer.Managers.Tests.Interop;

/// <summary>
/// CPython's own <c>SyncManager</c> connected to our server: dict, list, Namespace, Value, Event, Lock and RLock
/// through CPython's proxies (Python/sync_client.py), with Python's exceptions for misuse.
/// </summary>
public class PythonSyncManagerTests(ITestOutputHelper output)
{
    [Theory]
    [InstalledPythons]
    [MissingPythons]
    public async Task SyncManagerClient_UsesEachServedType(string version)
    {
        await using TestServer server = TestServer.Start(configure: m => m.RegisterSyncManagerTypes());
        JsonElement r = await RunAsync(version, "--port", server.Port.ToString(CultureInfo.InvariantCulture));

        JsonElement d = r.GetProperty("dict");
        Assert.Equal(6, d.GetProperty("len").GetInt32());
        Assert.Equal(1, d.GetProperty("a").GetInt32());
        Assert.Equal("dflt", d.GetProperty("get_missing").GetString());
        Assert.True(d.GetProperty("contains").GetBoolean());
        Assert.False(d.GetProperty("not_contains").GetBoolean());
        Assert.Equal("[\"a\",\"b\",\"c\",\"e\",\"f\"]", d.GetProperty("keys").GetRawText());
        Assert.Equal("[[\"a\",1],[\"b\",2],[\"c\",[1,2]],[\"e\",5],[\"f\",6]]", d.GetProperty("items").GetRawText());
        Assert.Equal(2, d.GetProperty("pop").GetInt32());
        Assert.Equal(42, d.GetProperty("pop_default").GetInt32());
        Assert.Equal(7, d.GetProperty("setdefault").GetInt32());
        Assert.Equal("[\"g\",7]", d.GetProperty("popitem").GetRawText());
        Assert.Equal("KeyError: 'nope'", d.GetProperty("keyerror").GetString());
        Assert.Equal("KeyError: 'nope'", d.GetProperty("pop_keyerror").GetString());
        Assert.Equal("one", d.GetProperty("int_float_key").GetString());
        Assert.Equal("[\"a\",\"c\",\"e\",\"f\"]", d.GetProperty("copy").GetRawText());
        Assert.False(d.GetProperty("after_del").GetBoolean());
        Assert.Equal(0, d.GetProperty("cleared").GetInt32());

        JsonElement l = r.GetProperty("list");
        Assert.Equal("[9,1,2,5,4]", l.GetProperty("items").GetRawText());
        Assert.Equal(5, l.GetProperty("len").GetInt32());
        Assert.Equal(1, l.GetProperty("get").GetInt32());
        Assert.Equal(4, l.GetProperty("neg").GetInt32());
        Assert.Equal(3, l.GetProperty("index").GetInt32());
        Assert.Equal(1, l.GetProperty("count").GetInt32());
        Assert.True(l.GetProperty("contains").GetBoolean());
        Assert.Equal(4, l.GetProperty("pop").GetInt32());
        Assert.Equal(9, l.GetProperty("pop0").GetInt32());
        Assert.Equal("[1,2,7]", l.GetProperty("sorted").GetRawText());
        Assert.Equal("[7,2,1]", l.GetProperty("reversed").GetRawText());
        Assert.Equal("[7,2,1,0]", l.GetProperty("add").GetRawText());
        Assert.Equal("IndexError: list index out of range", l.GetProperty("indexerror").GetString());
        Assert.Equal("IndexError: pop from empty list", l.GetProperty("pop_empty").GetString());
        Assert.Equal("ValueError: list.remove(x): x not in list", l.GetProperty("remove_missing").GetString());
        Assert.Equal("ValueError: 99 is not in list", l.GetProperty("index_missing").GetString());

        JsonElement ns = r.GetProperty("namespace");
        Assert.Equal(1, ns.GetProperty("x").GetInt32());
        Assert.Equal("two", ns.GetProperty("y").GetString());
        Assert.StartsWith("AttributeError", ns.GetProperty("missing").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("AttributeError", ns.GetProperty("after_del").GetString(), StringComparison.Ordinal);

        JsonElement v = r.GetProperty("value");
        Assert.Equal(5, v.GetProperty("first").GetInt32());
        Assert.Equal(6, v.GetProperty("after").GetInt32());

        JsonElement e = r.GetProperty("event");
        Assert.False(e.GetProperty("initial").GetBoolean());
        Assert.False(e.GetProperty("wait_timeout").GetBoolean());
        Assert.True(e.GetProperty("waited").GetBoolean());
        Assert.True(e.GetProperty("is_set").GetBoolean());
        Assert.False(e.GetProperty("cleared").GetBoolean());

        JsonElement lk = r.GetProperty("lock");
        Assert.True(lk.GetProperty("acquire").GetBoolean());
        Assert.False(lk.GetProperty("nonblocking_other").GetBoolean());
        Assert.False(lk.GetProperty("timeout_other").GetBoolean());
        Assert.InRange(lk.GetProperty("waited_s").GetDouble(), 0.25, 20);
        Assert.True(lk.GetProperty("blocking_other").GetBoolean());
        Assert.True(lk.GetProperty("after_thread_closed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, lk.GetProperty("release").ValueKind);
        Assert.Equal("RuntimeError: release unlocked lock", lk.GetProperty("release_unlocked").GetString());
        Assert.Equal("ValueError: can't specify a timeout for a non-blocking call", lk.GetProperty("bad_timeout").GetString());

        JsonElement rl = r.GetProperty("rlock");
        Assert.True(rl.GetProperty("a1").GetBoolean());
        Assert.True(rl.GetProperty("a2").GetBoolean());
        Assert.False(rl.GetProperty("other").GetBoolean());
        Assert.Equal("RuntimeError: cannot release un-acquired lock", rl.GetProperty("other_release").GetString());
        Assert.False(rl.GetProperty("still_held_other").GetBoolean());
        Assert.Equal("RuntimeError: cannot release un-acquired lock", rl.GetProperty("release_unowned").GetString());

        JsonElement closed = r.GetProperty("closed");
        Assert.True(closed.GetProperty("holder_got").GetBoolean());
        Assert.True(closed.GetProperty("reacquired").GetBoolean());
    }

    private Task<JsonElement> RunAsync(string version, params string[] args) =>
        PythonScripts.RunForResultAsync(version, "sync_client.py", output, Timeouts.Long, args);
}
