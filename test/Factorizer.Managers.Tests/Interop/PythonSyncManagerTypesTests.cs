using System.Globalization;
using System.Text.Json;
using Factorizer.Managers.Tests.Support;
using Factorizer.TestSupport;
using Xunit.Abstractions;

namespace Factorizer.Managers.Tests.Interop;

/// <summary>
/// CPython's own <c>SyncManager</c> connected to our server (Python/sync_types_client.py): Queue, JoinableQueue,
/// Semaphore, BoundedSemaphore, Condition, Barrier, Array, iterating a dict proxy (#PROXY and its refcount), list
/// slices, proxies in fork children and pickled through a queue, and hostile calls answered with Python errors on a
/// connection that goes on serving.
/// </summary>
public class PythonSyncManagerTypesTests(ITestOutputHelper output)
{
    [Theory]
    [InstalledPythons]
    [MissingPythons]
    public async Task SyncManagerClient_UsesEveryType_AsAgainstCPythonsServer(string version)
    {
        await using TestServer server = TestServer.Start(configure: m => m.RegisterSyncManagerTypes());
        JsonElement r = await RunAsync(version, "--port", server.Port.ToString(CultureInfo.InvariantCulture));

        JsonElement q = r.GetProperty("queue");
        Assert.True(q.GetProperty("full").GetBoolean());
        Assert.Equal(2, q.GetProperty("qsize").GetInt32());
        Assert.Equal("Full: ", q.GetProperty("put_full").GetString());
        Assert.Equal("Full: ", q.GetProperty("put_nowait_full").GetString());
        Assert.Equal("[1,2]", q.GetProperty("got").GetRawText());
        Assert.True(q.GetProperty("empty").GetBoolean());
        Assert.Equal("Empty: ", q.GetProperty("get_empty").GetString());
        Assert.Equal("Empty: ", q.GetProperty("get_nowait_empty").GetString());
        Assert.Equal("late", q.GetProperty("blocked_get").GetString());
        Assert.Equal("joined", q.GetProperty("join").GetString());
        Assert.Equal("ValueError: task_done() called too many times", q.GetProperty("task_done_too_many").GetString());
        Assert.Equal("ok", q.GetProperty("unbounded_huge_maxsize").GetString());

        JsonElement s = r.GetProperty("semaphore");
        Assert.Equal("[true,true,false,false,true]", $"[{Bools(s, "a1", "a2", "nonblocking", "timeout", "blocked")}]");
        Assert.Equal("[true,true,false]", s.GetProperty("after_release_2").GetRawText());
        Assert.Equal("ValueError: can't specify timeout for non-blocking acquire", s.GetProperty("nonblocking_timeout").GetString());
        Assert.Equal("ValueError: Semaphore released too many times", s.GetProperty("bounded_over").GetString());
        Assert.False(s.GetProperty("bounded_held").GetBoolean());
        Assert.True(s.GetProperty("bounded_after").GetBoolean());

        JsonElement c = r.GetProperty("condition");
        Assert.Equal("RuntimeError: cannot wait on un-acquired lock", c.GetProperty("wait_unheld").GetString());
        Assert.Equal("RuntimeError: cannot notify on un-acquired lock", c.GetProperty("notify_unheld").GetString());
        Assert.False(c.GetProperty("wait_timeout").GetBoolean());
        Assert.True(c.GetProperty("notified").GetBoolean());
        Assert.Equal(1, c.GetProperty("value").GetInt32());
        Assert.True(c.GetProperty("wait_for").GetBoolean());
        Assert.Equal("[true,true,null,null]", c.GetProperty("reentrant").GetRawText());
        Assert.True(c.GetProperty("shared_lock").GetBoolean());

        JsonElement b = r.GetProperty("barrier");
        Assert.Equal(3, b.GetProperty("parties").GetInt32());
        Assert.False(b.GetProperty("broken").GetBoolean());
        Assert.Equal(2, b.GetProperty("n_waiting").GetInt32());
        Assert.Equal("[0,1,2]", b.GetProperty("indexes").GetRawText());
        Assert.Equal("BrokenBarrierError: ", b.GetProperty("timeout").GetString());
        Assert.True(b.GetProperty("broken_after_timeout").GetBoolean());
        Assert.Equal("BrokenBarrierError: ", b.GetProperty("wait_broken").GetString());
        Assert.False(b.GetProperty("after_reset").GetBoolean());
        Assert.True(b.GetProperty("after_abort").GetBoolean());
        Assert.StartsWith("RemoteError: NotImplementedError: Barrier(action=...) is not served", b.GetProperty("action").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("AttributeError: 'Barrier' object has no attribute '_cond'", b.GetProperty("private_attr").GetString(), StringComparison.Ordinal);

        JsonElement a = r.GetProperty("array");
        Assert.Equal(4, a.GetProperty("len").GetInt32());
        Assert.Equal(1, a.GetProperty("first").GetInt32());
        Assert.Equal(4, a.GetProperty("last").GetInt32());
        Assert.Equal("[2,3]", a.GetProperty("slice").GetRawText());
        Assert.Equal("array", a.GetProperty("slice_type").GetString());
        Assert.Equal("[4,2]", a.GetProperty("step").GetRawText());
        Assert.Equal("array('i', [1, 2, 3, 4])", a.GetProperty("str").GetString());
        Assert.Equal("[10,20,30,4]", a.GetProperty("after_set").GetRawText());
        Assert.Equal("OverflowError: signed integer is greater than maximum", a.GetProperty("overflow").GetString());
        Assert.Equal("TypeError: 'str' object cannot be interpreted as an integer", a.GetProperty("type").GetString());
        Assert.Equal("IndexError: array index out of range", a.GetProperty("index").GetString());
        Assert.Equal("TypeError: can only assign array (not \"str\") to array slice", a.GetProperty("slice_list").GetString());
        Assert.Equal("TypeError: bad argument type for built-in operation", a.GetProperty("typecode_mismatch").GetString());
        Assert.Equal("ValueError: attempt to assign array of size 1 to extended slice of size 2", a.GetProperty("extended_size").GetString());
        Assert.Equal("[0.5,1.0]", a.GetProperty("floats").GetRawText());
        Assert.Equal("hé€", a.GetProperty("chars").GetString());
        Assert.Equal("[0,1,2]", a.GetProperty("range").GetRawText());
        Assert.StartsWith("RemoteError: ValueError: bad typecode", a.GetProperty("bad_typecode").GetString(), StringComparison.Ordinal);

        JsonElement di = r.GetProperty("dict_iter");
        Assert.Equal("[\"a\",\"b\",\"c\"]", di.GetProperty("list").GetRawText());
        Assert.Equal("[\"a\",\"b\",\"c\"]", di.GetProperty("for").GetRawText());
        Assert.Equal("a", di.GetProperty("next").GetString());
        Assert.Equal(1, di.GetProperty("during").GetInt32());  // the live iterator is one shared object
        Assert.Equal(0, di.GetProperty("after").GetInt32());   // and goes with its proxy (decref)
        Assert.Equal("RuntimeError: dictionary changed size during iteration", di.GetProperty("changed").GetString());

        JsonElement l = r.GetProperty("list");
        Assert.Equal("[2,3,4]", l.GetProperty("get").GetRawText());
        Assert.Equal("[0,3,6,9]", l.GetProperty("step").GetRawText());
        Assert.Equal("[9,5,1]", l.GetProperty("neg").GetRawText());
        Assert.Equal("[8,9]", l.GetProperty("tail").GetRawText());
        Assert.Equal("[8,9]", l.GetProperty("huge").GetRawText());
        Assert.Equal("[0,\"x\",3,4,5,6,7,8,9]", l.GetProperty("assigned").GetRawText());
        Assert.Equal("[\"a\",\"x\",\"b\",4,\"c\",6,\"d\",8,\"e\"]", l.GetProperty("extended").GetRawText());
        Assert.Equal("ValueError: attempt to assign sequence of size 1 to extended slice of size 5", l.GetProperty("extended_wrong").GetString());
        Assert.Equal("[\"x\",4,6,8]", l.GetProperty("deleted").GetRawText());
        Assert.Equal("[\"x\"]", l.GetProperty("deleted_tail").GetRawText());
        Assert.Equal("ValueError: slice step cannot be zero", l.GetProperty("zero_step").GetString());
        Assert.StartsWith("TypeError: slice indices must be integers", l.GetProperty("bad_index").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("NotImplementedError: list.sort(key=...) is not served", l.GetProperty("sort_key").GetString(), StringComparison.Ordinal);
        Assert.Equal("[\"a\",\"bb\",\"ccc\"]", l.GetProperty("client_sorted").GetRawText());

        JsonElement values = r.GetProperty("values");
        Assert.Equal("[\"{'a': [1, 'x']}\",\"[1, 2.5, None]\",\"Value('i', 5)\",\"Namespace(x='s', y=2)\",\"array('b', [1])\"]",
            values.GetProperty("str").GetRawText());
        Assert.Equal("[{\"a\":[1,\"x\"]},[1,2.5,null],[\"Value\",5],\"Namespace(x='s', y=2)\",[1]]", values.GetProperty("copies").GetRawText());
        Assert.StartsWith("RemoteError", values.GetProperty("not_copyable").GetString(), StringComparison.Ordinal);

        JsonElement f = r.GetProperty("fork");
        Assert.Equal("[0,0]", f.GetProperty("exitcodes").GetRawText());
        Assert.Equal(2, f.GetProperty("value").GetInt32());
        Assert.Equal("[\"hello\",\"hello\"]", f.GetProperty("got").GetRawText());
        Assert.Equal(2, f.GetProperty("dict_len").GetInt32());
        Assert.Equal(2, f.GetProperty("list_len").GetInt32());

        JsonElement p = r.GetProperty("pickled");
        Assert.Equal("DictProxy", p.GetProperty("type").GetString());
        Assert.Equal("queue", p.GetProperty("seen").GetString());
        Assert.True(p.GetProperty("same").GetBoolean());

        JsonElement n = r.GetProperty("nested");
        Assert.Equal(1, n.GetProperty("first").GetInt32());
        Assert.Equal(3, n.GetProperty("appended").GetInt32());
        Assert.Equal(3, n.GetProperty("len").GetInt32());

        JsonElement h = r.GetProperty("hostile");
        Assert.Equal("TypeError: get() takes at most 2 arguments (3 given)", h.GetProperty("get_args").GetString());
        Assert.Equal("TypeError: get() got an unexpected keyword argument 'bogus'", h.GetProperty("get_kw").GetString());
        Assert.StartsWith("RemoteError: AttributeError: method 'nope'", h.GetProperty("unknown").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("RemoteError: OverflowError", h.GetProperty("sem_huge").GetString(), StringComparison.Ordinal);
        Assert.Equal("RemoteError: ValueError: semaphore initial value must be >= 0", h.GetProperty("sem_negative").GetString());
        Assert.StartsWith("TypeError: acquire() takes at most 2 arguments", h.GetProperty("sem_args").GetString(), StringComparison.Ordinal);
        Assert.Equal("RemoteError: ValueError: parties must be > 0", h.GetProperty("barrier_zero").GetString());
        Assert.StartsWith("RemoteError: OverflowError", h.GetProperty("barrier_huge").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("RemoteError: MemoryError", h.GetProperty("array_huge").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("RemoteError: TypeError: Array() missing required argument 'sequence'", h.GetProperty("array_args").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("RemoteError: TypeError: maxsize must be an int", h.GetProperty("queue_type").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("RemoteError: TypeError: Condition(lock): lock must be a Lock or RLock proxy", h.GetProperty("condition_lock").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("MemoryError", h.GetProperty("list_mul").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("IndexError", h.GetProperty("list_index").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("TypeError: __iter__() takes exactly 0 arguments", h.GetProperty("iter_args").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("TypeError", h.GetProperty("notify_type").GetString(), StringComparison.Ordinal);
        Assert.Equal("[\"still\",1,3]", h.GetProperty("still").GetRawText());
    }

    private static string Bools(JsonElement e, params string[] names) =>
        string.Join(',', names.Select(n => e.GetProperty(n).GetBoolean() ? "true" : "false"));

    private Task<JsonElement> RunAsync(string version, params string[] args) =>
        PythonScripts.RunForResultAsync(version, "sync_types_client.py", output, Timeouts.Long * 2, args);
}
