using System.Numerics;
using System.Text.Json;
using Factorizer.Pickle.Tests.Support;
using Factorizer.TestSupport;
using Xunit.Abstractions;

namespace Factorizer.Pickle.Tests;

/// <summary>
/// Round trips with real CPython, one process per interpreter and direction: what we write must load in
/// CPython 3.6–3.13 to the expected value, and what CPython writes (protocols 2–5, C and Python picklers,
/// ForkingPickler) must load here to what <c>pickle.loads</c> gives.
/// </summary>
public sealed class PythonInteropTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // Loads each {id, hex, expect} from stdin and compares with eval(expect): type-strict, exceptions by
    // class, args and __dict__, Token by repr, nan by nan-ness.
    private const string LoadScript = """
        import json, math, pickle, queue, sys
        from multiprocessing.managers import Token
        def with_state(e, **kw):
            e.__dict__.update(kw)
            return e
        def same(a, b):
            if isinstance(b, BaseException):
                return type(a) is type(b) and same(a.args, b.args) and a.__dict__ == b.__dict__
            if type(a) is not type(b):
                return False
            if isinstance(b, float) and math.isnan(b):
                return math.isnan(a)
            if isinstance(b, (list, tuple)):
                return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
            if isinstance(b, dict):
                return list(a) == list(b) and all(same(a[k], b[k]) for k in b)
            if isinstance(b, Token):
                return repr(a) == repr(b)
            return a == b
        env = {'queue': queue, 'Token': Token, 'with_state': with_state}
        bad = []
        cases = json.load(sys.stdin)
        for c in cases:
            try:
                got = pickle.loads(bytes.fromhex(c['hex']))
                want = eval(c['expect'], env)
                if not same(got, want):
                    bad.append('%s: got %r, want %r' % (c['id'], got, want))
            except Exception as e:
                bad.append('%s: %r' % (c['id'], e))
        print(json.dumps(bad))
        print('CHECKED %d' % len(cases))
        """;

    private static IEnumerable<(string Id, object? Value, string Expect)> WrittenCases()
    {
        var state = new Dictionary<object, object?>(PyEqualityComparer.Instance) { ["note"] = 1L };
        var token = new TestToken("Queue", new PyTuple("127.0.0.1", 5000L), "7f0a");
        (string, object?, string)[] cases =
        [
            ("none", null, "None"), ("true", true, "True"), ("false", false, "False"),
            ("0", 0L, "0"), ("255", 255L, "255"), ("256", 256, "256"), ("65536", 65536L, "65536"), ("-1", -1L, "-1"),
            ("int32min", int.MinValue, "-2**31"), ("2^31", 1L << 31, "2**31"), ("-2^31-1", -(1L << 31) - 1, "-2**31-1"),
            ("longmax", long.MaxValue, "2**63-1"), ("longmin", long.MinValue, "-2**63"), ("ulongmax", ulong.MaxValue, "2**64-1"),
            ("int128max", Int128.MaxValue, "2**127-1"), ("10^40", BigInteger.Pow(10, 40), "10**40"),
            ("-10^40", -BigInteger.Pow(10, 40), "-10**40"), ("2^2040", BigInteger.Pow(2, 2040), "2**2040"),
            ("-2^2040", -BigInteger.Pow(2, 2040), "-2**2040"),
            ("0.0", 0.0, "0.0"), ("1.5", 1.5, "1.5"), ("0.1", 0.1, "0.1"), ("1e308", 1e308, "1e308"),
            ("inf", double.PositiveInfinity, "float('inf')"), ("-inf", double.NegativeInfinity, "float('-inf')"),
            ("nan", double.NaN, "float('nan')"), ("float32", 0.5f, "0.5"),
            ("str_empty", "", "''"), ("str", "abc", "'abc'"), ("str_unicode", "h\u00e9llo \u2713 \u65e5\u672c \U0001f40d", "'h\\u00e9llo \\u2713 \\u65e5\\u672c \\U0001f40d'"),
            ("str_256", new string('x', 256), "'x' * 256"), ("str_surrogate", new string('\ud800', 1), "'\\ud800'"),
            ("str_quotes", "a'b\"c\n", "'a\\'b\"c\\n'"),
            ("bytes_empty", Array.Empty<byte>(), "b''"), ("bytes_256", Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), "bytes(range(256))"),
            ("tuple_0", PyTuple.Empty, "()"), ("tuple_1", new PyTuple(1L), "(1,)"), ("tuple_4", new PyTuple(null, "dummy", PyTuple.Empty, new Dictionary<object, object?>()), "(None, 'dummy', (), {})"),
            ("valuetuple", (1, "a", 2.5), "(1, 'a', 2.5)"),
            ("list_0", new List<object?>(), "[]"), ("list_1001", Enumerable.Range(0, 1001).ToArray(), "list(range(1001))"),
            ("nested", new List<object?> { 1L, new List<object?> { 2L, new PyTuple(3L, new Dictionary<string, object?> { ["a"] = new long[] { 4, 5 } }) } }, "[1, [2, (3, {'a': [4, 5]})]]"),
            ("dict_factorizer", new Dictionary<long, long[]> { [999999999999] = [3, 3, 3, 7, 11, 13, 37, 101, 9901], [1000000000001] = [73, 137, 99990001] },
                "{999999999999: [3, 3, 3, 7, 11, 13, 37, 101, 9901], 1000000000001: [73, 137, 99990001]}"),
            ("dict_1500", Enumerable.Range(0, 1500).ToDictionary(i => i, i => i * 2), "{i: i * 2 for i in range(1500)}"),
            ("dict_tuple_key", new Dictionary<object, object?> { [new PyTuple(1L, "a")] = null }, "{(1, 'a'): None}"),
            ("set_0", new HashSet<object>(), "set()"), ("set_3", new HashSet<long> { 1, 2, 3 }, "{1, 2, 3}"),
            ("frozenset_0", System.Collections.Frozen.FrozenSet<object>.Empty, "frozenset()"),
            ("frozenset_2", new HashSet<object> { 1L, 2L }.ToFrozenSetOfObjects(), "frozenset({1, 2})"),
            ("queue_empty", PyException.QueueEmpty(), "queue.Empty()"), ("queue_full", PyException.QueueFull(), "queue.Full()"),
            ("value_error", PyException.Builtin("ValueError", "x"), "ValueError('x')"),
            ("key_error", new PyException("builtins", "KeyError", new PyTuple("7f0a")), "KeyError('7f0a')"),
            ("conn_reset", new PyException("builtins", "ConnectionResetError", new PyTuple(104L, "reset")), "ConnectionResetError(104, 'reset')"),
            ("error_state", new PyException("builtins", "ValueError", new PyTuple("x"), state), "with_state(ValueError('x'), note=1)"),
            ("token", token, "Token('Queue', ('127.0.0.1', 5000), '7f0a')"),
            ("msg_return", new PyTuple("#RETURN", null), "('#RETURN', None)"),
            ("msg_error", new PyTuple("#ERROR", PyException.QueueEmpty()), "('#ERROR', queue.Empty())"),
            ("msg_proxy", new PyTuple("#PROXY", new PyTuple(new PyTuple("__next__", "send"), token)), "('#PROXY', (('__next__', 'send'), Token('Queue', ('127.0.0.1', 5000), '7f0a')))"),
            ("msg_request", new PyTuple("7f0a", "get", PyTuple.Empty, new Dictionary<string, object> { ["block"] = true, ["timeout"] = 0.5 }),
                "('7f0a', 'get', (), {'block': True, 'timeout': 0.5})"),
        ];
        return cases;
    }

    [Theory]
    [InstalledPythons(Interpreters.V36, Interpreters.V38, Interpreters.V311, Interpreters.V313)]
    [MissingPythons(Interpreters.V36, Interpreters.V38, Interpreters.V311, Interpreters.V313)]
    public async Task Dumps_Values_LoadInCPythonToExpectedValues(string version)
    {
        output.WriteLine(Python.Describe(version));
        var cases = new List<object>();
        foreach ((string id, object? value, string expect) in WrittenCases())
        {
            foreach (int protocol in new[] { 3, 4 })
            {
                cases.Add(new { id = $"{id}/p{protocol}", hex = Convert.ToHexStringLower(PyPickle.Dumps(value, protocol)), expect });
            }
        }

        await using ChildProcess python = Python.StartScript(LoadScript, interpreter: Interpreters.Path(version));
        await python.StandardInput.WriteAsync(JsonSerializer.Serialize(cases));
        python.StandardInput.Close();
        ProcessResult result = await python.WaitAsync(Timeout);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"CHECKED {cases.Count}", result.StdOut, StringComparison.Ordinal);
        Assert.Empty(JsonSerializer.Deserialize<string[]>(result.StdOut.Split('\n')[0])!);
    }

    // Pickles each expression with every protocol the interpreter has, the C and the Python pickler, and
    // ForkingPickler; prints one JSON line of {id, hex, repr of pickle.loads, __dict__ repr for exceptions}.
    private const string DumpScript = """
        import json, pickle, queue, sys
        from multiprocessing.managers import Token
        from multiprocessing.reduction import ForkingPickler
        def with_state(e, **kw):
            e.__dict__.update(kw)
            return e
        shared = [1, 2]
        EXPRS = [
            "None", "True", "False", "0", "255", "256", "65535", "65536", "-1", "-2**31", "2**31", "2**63-1", "2**63",
            "-2**63-1", "2**64", "10**40", "-10**40", "2**2040", "-2**2040", "0.0", "-0.0", "1.5", "-2.25", "0.1", "1e308",
            "float('inf')", "float('-inf')", "float('nan')", "''", "'abc'", "'h\\u00e9llo \\u2713 \\U0001f40d'", "'x' * 300",
            "'\\ud800'", "'\\udfff\\ud800'", "b''", "b'\\x00\\xffab'", "bytes(range(256)) * 2", "bytearray(b'ab')", "bytearray()",
            "()", "(1,)", "(1, 2)", "(1, 2, 3)", "(None, 'dummy', (), {})", "[]", "[1]", "list(range(2500))",
            "[[shared, shared], (shared,)]", "{}", "{'a': 1}", "{i: str(i) for i in range(1200)}", "{(1, 'a'): [None], 2.5: b'x'}",
            "{1: 'int', 'b': {'nested': {'deep': [()]}}}", "set()", "{1, 2, 3}", "set(range(1500))", "frozenset()",
            "frozenset({1, 2})", "{frozenset({1}): frozenset({(2, 3)})}", "[True, 1, 1.0]",
            "queue.Empty()", "queue.Full()", "ValueError('x')", "KeyError('7f0a')", "OSError(2, 'No such file')",
            "ConnectionResetError(104, 'reset')", "OSError('plain')", "TimeoutError()", "StopIteration(7)",
            "with_state(ValueError('x'), note=1, other=[2])", "Exception('a', 2, None)",
            "Token('Queue', ('127.0.0.1', 5000), '7f0a')",
            "('#PROXY', (('__next__', 'send'), Token('Iterator', ('127.0.0.1', 5000), '7f0b')))",
            "('#ERROR', queue.Empty())", "('7f0a', 'put', ([999999999999, 1000000000001],), {})",
        ]
        env = {'queue': queue, 'Token': Token, 'with_state': with_state, 'shared': shared}
        out = []
        for i, expr in enumerate(EXPRS):
            value = eval(expr, env)
            forms = [('p%d' % p, lambda v, p=p: pickle.dumps(v, protocol=p)) for p in range(2, pickle.HIGHEST_PROTOCOL + 1)]
            forms += [('py%d' % p, lambda v, p=p: pickle._dumps(v, protocol=p)) for p in range(2, pickle.HIGHEST_PROTOCOL + 1)]
            forms.append(('forking', lambda v: bytes(ForkingPickler.dumps(v))))
            for name, dump in forms:
                data = dump(value)
                back = pickle.loads(data)
                state = repr(back.__dict__) if isinstance(back, BaseException) and back.__dict__ else None
                out.append({'id': '%d %s/%s' % (i, expr, name), 'hex': data.hex(), 'repr': repr(back), 'state': state})
        print(json.dumps(out))
        """;

    [Theory]
    [InstalledPythons(Interpreters.V36, Interpreters.V38, Interpreters.V311, Interpreters.V313)]
    [MissingPythons(Interpreters.V36, Interpreters.V38, Interpreters.V311, Interpreters.V313)]
    public async Task Loads_PickledByCPython_GivesWhatPickleLoadsGives(string version)
    {
        output.WriteLine(Python.Describe(version));
        ProcessResult result = await Python.RunScriptAsync(DumpScript, interpreter: Interpreters.Path(version), timeout: Timeout);
        Assert.True(result.ExitCode == 0, result.ToString());
        using JsonDocument doc = JsonDocument.Parse(result.StdOut);

        var failures = new List<string>();
        int count = 0;
        foreach (JsonElement c in doc.RootElement.EnumerateArray())
        {
            count++;
            string id = c.GetProperty("id").GetString()!;
            Exception? e = Record.Exception(() =>
            {
                object? value = PyPickle.Loads(Convert.FromHexString(c.GetProperty("hex").GetString()!), TestGlobals.ManagerOptions);
                ValueAssert.Equal(PythonLiteral.Parse(c.GetProperty("repr").GetString()!), value);
                if (c.GetProperty("state").GetString() is { } state)
                {
                    ValueAssert.Equal(PythonLiteral.Parse(state), ((PyException)value!).State);
                }
            });
            if (e is not null)
            {
                failures.Add($"{id}: {e.Message}");
            }
        }
        Assert.True(count > 400, $"only {count} pickles");
        Assert.Empty(failures);
    }
}
