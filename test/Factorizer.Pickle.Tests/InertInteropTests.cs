using System.Text.Json;
using Factorizer.Pickle.Tests.Support;
using Factorizer.TestSupport;
using Xunit.Abstractions;

namespace Factorizer.Pickle.Tests;

/// <summary>
/// Values off the whitelist kept inert (docs/protocol.md §5.4): CPython pickles stdlib values and user classes,
/// we read and write them back (protocols 3 and 4), and every installed CPython unpickles an object equal to
/// the original. The user classes live in the script's <c>__main__</c>, which both runs share.
/// </summary>
public sealed class InertInteropTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    private const string Script = """
        import collections, dataclasses, datetime, decimal, fractions, json, pickle, sys, uuid

        class Point:
            def __init__(self, x, y):
                self.x, self.y = x, y
            def __reduce__(self):
                return (Point, (self.x, self.y))
            def __eq__(self, o):
                return type(o) is Point and (self.x, self.y) == (o.x, o.y)
            def __hash__(self):
                return hash((self.x, self.y))

        class Stateful:
            def __init__(self, v):
                self.v, self.cache = v, 'made'
            def __getstate__(self):
                return {'v': self.v}
            def __setstate__(self, s):
                self.v, self.cache = s['v'], 'rebuilt'
            def __eq__(self, o):
                return type(o) is Stateful and self.v == o.v

        @dataclasses.dataclass
        class Job:
            name: str
            n: int
            tags: list = dataclasses.field(default_factory=list)

        @dataclasses.dataclass(frozen=True)
        class Key:
            a: int
            b: str

        class Slotted:
            __slots__ = ('a', 'b')
            def __init__(self, a, b):
                self.a, self.b = a, b
            def __eq__(self, o):
                return type(o) is Slotted and (self.a, self.b) == (o.a, o.b)

        class MyList(list):
            def __eq__(self, o):
                return type(o) is MyList and list(self) == list(o) and self.__dict__ == o.__dict__

        class MyDict(dict):
            def __eq__(self, o):
                return type(o) is MyDict and dict(self) == dict(o)

        class KwOnly:
            def __new__(cls, *, size):
                o = object.__new__(cls)
                o.size = size
                return o
            def __getnewargs_ex__(self):
                return ((), {'size': self.size})
            def __eq__(self, o):
                return type(o) is KwOnly and self.size == o.size

        class MyError(Exception):
            pass

        def tagged(l, **kw):
            l.__dict__.update(kw)
            return l

        d = datetime.date(2024, 1, 2)
        EXPRS = [
            "1+2j", "complex(-0.5, 1e300)", "d", "datetime.datetime(2024, 1, 2, 3, 4, 5, 6)",
            "datetime.datetime(2024, 1, 2, 3, 4, tzinfo=datetime.timezone.utc)", "datetime.time(1, 2, 3)",
            "datetime.timedelta(days=1, seconds=2, microseconds=3)", "decimal.Decimal('1.10')", "decimal.Decimal('-Infinity')",
            "fractions.Fraction(1, 3)", "collections.OrderedDict([('b', 1), ('a', 2)])", "collections.Counter('abracadabra')",
            "collections.deque([1, 2, 3], maxlen=5)", "collections.deque()", "collections.defaultdict(int, {'a': 1})",
            "uuid.UUID('12345678-1234-5678-1234-567812345678')", "range(0, 10, 3)", "ValueError('x')", "MyError('bad', 3)",
            "Point(1, 2)", "Stateful(5)", "Job('a', 3, ['x'])", "Key(1, 'b')", "Slotted(1, [2])", "tagged(MyList([1, 2]), note='n')",
            "MyDict(a=1, b=[2])", "KwOnly(size=3)", "datetime.date", "Point", "decimal.Decimal",
            "[d, {'k': decimal.Decimal('2')}, (Point(1, 2),)]", "{Key(1, 'b'): d, 'x': [Job('j', 1)]}", "{d, datetime.date(2024, 1, 3)}",
            "[d, d, (d, d)]", "frozenset({Point(1, 2)})", "Job('outer', 1, [Job('inner', 2, [Key(3, 'c')])])",
        ]

        def same(a, b):
            if isinstance(b, BaseException):
                return type(a) is type(b) and a.args == b.args and a.__dict__ == b.__dict__
            return type(a) is type(b) and a == b

        if sys.argv[1] == 'dump':
            out = []
            for expr in EXPRS:
                value = eval(expr)
                for p in range(2, pickle.HIGHEST_PROTOCOL + 1):
                    # Below protocol 4, CPython writes keyword-only __new__ arguments through getattr(cls, '__new__'),
                    # and builtins.getattr is on the denylist.
                    if expr.startswith('KwOnly') and p < 4:
                        continue
                    out.append({'id': '%s/p%d' % (expr, p), 'expr': expr, 'hex': pickle.dumps(value, protocol=p).hex()})
            print(json.dumps(out))
        else:
            bad = []
            cases = json.load(sys.stdin)
            for c in cases:
                try:
                    got = pickle.loads(bytes.fromhex(c['hex']))
                    want = eval(c['expr'])
                    if not same(got, want):
                        bad.append('%s: got %r, want %r' % (c['id'], got, want))
                except Exception as e:
                    bad.append('%s: %r' % (c['id'], e))
            print(json.dumps(bad))
            print('CHECKED %d' % len(cases))
        """;

    [Theory]
    [InstalledPythons(Interpreters.V38, Interpreters.V311, Interpreters.V313)]
    [MissingPythons(Interpreters.V38, Interpreters.V311, Interpreters.V313)]
    public async Task PickledByCPython_WrittenBackByUs_EveryCPythonLoadsEqualObjects(string version)
    {
        output.WriteLine(Python.Describe(version));
        ProcessResult dumped = await Python.RunScriptAsync(Script, ["dump"], interpreter: Interpreters.Path(version), timeout: Timeout);
        Assert.True(dumped.ExitCode == 0, dumped.ToString());
        using JsonDocument doc = JsonDocument.Parse(dumped.StdOut);

        var cases = new List<object>();
        foreach (JsonElement c in doc.RootElement.EnumerateArray())
        {
            string id = c.GetProperty("id").GetString()!;
            object? value = PyPickle.Loads(Convert.FromHexString(c.GetProperty("hex").GetString()!));
            foreach (int protocol in new[] { 3, 4 })
            {
                byte[] ours = PyPickle.Dumps(value, protocol);
                PyPickle.Loads(ours); // what we write, we read
                cases.Add(new { id = $"{id}->p{protocol}", expr = c.GetProperty("expr").GetString(), hex = Convert.ToHexStringLower(ours) });
            }
        }
        Assert.True(cases.Count > 100, $"only {cases.Count} cases");

        foreach (string consumer in new[] { Interpreters.V38, Interpreters.V311, Interpreters.V313 })
        {
            if (Interpreters.Path(consumer) is not { } path)
            {
                continue;
            }
            await using ChildProcess python = Python.StartScript(Script, ["check"], interpreter: path);
            await python.StandardInput.WriteAsync(JsonSerializer.Serialize(cases));
            python.StandardInput.Close();
            ProcessResult result = await python.WaitAsync(Timeout);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains($"CHECKED {cases.Count}", result.StdOut, StringComparison.Ordinal);
            Assert.Empty(JsonSerializer.Deserialize<string[]>(result.StdOut.Split('\n')[0])!);
        }
    }
}
