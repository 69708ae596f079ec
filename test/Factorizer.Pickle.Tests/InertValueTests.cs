using System.Numerics;
using System.Text;
using Factorizer.Pickle.Tests.Support;

namespace Factorizer.Pickle.Tests;

/// <summary>
/// Globals off the whitelist kept as inert <see cref="PyObject"/>s (docs/protocol.md §5.4): what the reader keeps,
/// what the writer writes back, the denylist that stays refused, and the limits that hold for inert values too.
/// </summary>
public sealed class InertValueTests
{
    private static object? Load(params string[] hex) => PyPickle.Loads(Hex.Bytes(hex));

    private static byte[] Ascii(string text) => Encoding.Latin1.GetBytes(text);

    [Fact]
    public void Loads_UnknownGlobalCalledWithReduce_IsInertWithItsArguments()
    {
        // datetime.date(2024, 1, 2) as CPython pickles it: date(b'\x07\xe8\x01\x02').
        var date = Assert.IsType<PyObject>(Load("8003", Hex.Global("datetime", "date"), "43 04 07e80102 85 52 2e"));

        Assert.Equal("datetime", date.Module);
        Assert.Equal("date", date.Name);
        Assert.Equal(PyObjectCall.Reduce, date.Call);
        Assert.Equal(new byte[] { 0x07, 0xE8, 0x01, 0x02 }, Assert.IsType<byte[]>(Assert.Single(date.Args)));
        Assert.False(date.HasState);
    }

    [Fact]
    public void Dumps_InertReduce_WritesTheSameOpcodesBack()
    {
        byte[] data = Hex.Bytes("8003", Hex.Global("datetime", "date"), "43 04 07e80102 85 52 2e");

        Assert.Equal(data, PyPickle.Dumps(PyPickle.Loads(data), protocol: 3));
    }

    [Fact]
    public void Loads_NewObjExWithAppendsSetItemsAndBuild_KeepsEverythingAndWritesItBack()
    {
        // cls.__new__(cls, 1, size=2), then APPENDS [3], SETITEMS {'k': 4}, BUILD {'v': 5}.
        byte[] data = Hex.Bytes(
            "8004", Hex.StackGlobal("mod", "Thing"), "4b01 85", "7d 8c0473697a65 4b02 73", "92",
            "28 4b03 65", "28 8c016b 4b04 75", "7d 8c0176 4b05 73", "62 2e");

        var thing = Assert.IsType<PyObject>(PyPickle.Loads(data));

        Assert.Equal(PyObjectCall.NewObjEx, thing.Call);
        Assert.Equal(2L, thing.Kwargs!["size"]);
        Assert.Equal([3L], thing.ListItems);
        Assert.Equal(4L, thing.DictItems["k"]);
        Assert.Equal(5L, Assert.IsType<Dictionary<object, object?>>(thing.State)["v"]);
        object? again = PyPickle.Loads(PyPickle.Dumps(thing, protocol: 4));
        Assert.Equal(thing, again);
        Assert.Equal(thing.GetHashCode(), again!.GetHashCode());
    }

    [Fact]
    public void Loads_BareGlobal_IsAnInertGlobalWrittenBackAsGlobal()
    {
        byte[] data = Hex.Bytes("8003", Hex.Global("datetime", "date"), "2e");

        object? value = PyPickle.Loads(data);

        Assert.Equal(new PyGlobal("datetime", "date"), value);
        Assert.Equal(data, PyPickle.Dumps(value, protocol: 3));
    }

    [Fact]
    public void Complex_ReadAsSystemNumericsComplex_AndWrittenAsCPythonDoes()
    {
        // pickle.dumps(1+2j, 3): complex.__new__(complex, 1.0, 2.0) by NEWOBJ.
        byte[] cpython = Hex.Bytes("8003", Hex.Global("builtins", "complex"), "47 3ff0000000000000 47 4000000000000000 86 81 2e");

        Assert.Equal(new Complex(1, 2), PyPickle.Loads(cpython));
        Assert.Equal(cpython, PyPickle.Dumps(new Complex(1, 2), protocol: 3));
        Assert.Equal(new Complex(-0.5, 3), PyPickle.Loads(Hex.Bytes("8003", Hex.Global("builtins", "complex"), "47 bfe0000000000000 4b03 86 52 2e")));
    }

    [Fact]
    public void InertValues_AsDictKeysAndSetMembers_CompareByContent()
    {
        byte[] data = Hex.Bytes("8003", Hex.Global("datetime", "date"), "43 04 07e80102 85 52 2e");
        object first = PyPickle.Loads(data)!;
        object second = PyPickle.Loads(data)!;
        var other = (PyObject)PyPickle.Loads(Hex.Bytes("8003", Hex.Global("datetime", "date"), "43 04 07e80103 85 52 2e"))!;

        Assert.NotSame(first, second);
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        var set = new HashSet<object>(PyEqualityComparer.Instance) { first, second, other };
        Assert.Equal(2, set.Count);
        Assert.NotEqual(new PyObject(other.Type, PyObjectCall.Reduce, other.Args).WithState(1L), other);
    }

    [Theory]
    [InlineData("copyreg", "_reconstructor")]
    [InlineData("functools", "partial")]
    [InlineData("multiprocessing.managers", "RebuildProxy")]
    [InlineData("__main__", "Job")]
    [InlineData("decimal", "Decimal")]
    [InlineData("osmium", "Isotope")] // a prefix of a denied module's name is not that module
    public void Loads_NotDenied_IsKeptInert(string module, string name)
    {
        var inert = Assert.IsType<PyObject>(Load("8003", Hex.Global(module, name), "4b01 85 52 2e"));

        Assert.Equal(new PyGlobal(module, name), inert.Type);
    }

    [Theory]
    [InlineData("cPickle", "loads", "pickle.loads")]
    [InlineData("__builtin__", "getattr", "builtins.getattr")]
    [InlineData("commands", "getoutput", "subprocess.getoutput")]
    [InlineData("__builtin__", "intern", "sys.intern")]
    public void Loads_Python2Name_IsRefusedUnderItsPython3Name(string module, string name, string python3)
    {
        byte[] data = Hex.Bytes("8002", Hex.Global(module, name), "4b01 85 52 2e");

        var e = Assert.Throws<ForbiddenGlobalException>(() => PyPickle.Loads(data));

        Assert.Contains($"'{python3}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("denylist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Denylist_IsConfigurable_ByModuleAndByGlobal()
    {
        var options = PickleReadOptions.Default with { Denied = PickleDenylist.Empty.WithModule("mine").WithGlobal("theirs", "Bad") };

        Assert.Throws<ForbiddenGlobalException>(() => PyPickle.Loads(Hex.Bytes("8003", Hex.Global("mine.sub", "X"), "2e"), options));
        Assert.Throws<ForbiddenGlobalException>(() => PyPickle.Loads(Hex.Bytes("8003", Hex.Global("theirs", "Bad"), "2e"), options));
        Assert.IsType<PyGlobal>(PyPickle.Loads(Hex.Bytes("8003", Hex.Global("theirs", "Good"), "2e"), options));
        Assert.IsType<PyGlobal>(PyPickle.Loads(Hex.Bytes("8003", Hex.Global("os", "system"), "2e"), options)); // Empty denies nothing
        Assert.True(PickleDenylist.Default.IsDenied("os.path", "join"));
        Assert.False(PickleDenylist.Default.IsDenied("copyreg", "_reconstructor"));
    }

    [Fact]
    public void KeepInertFalse_RefusesEveryGlobalOffTheWhitelist()
    {
        var options = PickleReadOptions.Default with { KeepInert = false };

        var e = Assert.Throws<ForbiddenGlobalException>(() => PyPickle.Loads(Hex.Bytes("8003", Hex.Global("datetime", "date"), "2e"), options));

        Assert.Contains("not on the whitelist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loads_SecondBuildOnInert_IsRefused()
    {
        byte[] data = Hex.Bytes("8003", Hex.Global("m", "C"), "29 81 4b01 62 4b02 62 2e");

        var e = Assert.Throws<UnpicklingException>(() => PyPickle.Loads(data));

        Assert.Contains("second BUILD", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loads_InertNestedDeep_RefusedAtMaxDepth()
    {
        // m.C(m.C(m.C(...))) 300 deep: GLOBAL is memoized once, each level is BINGET 0, then args TUPLE1 REDUCE.
        var sb = new StringBuilder("8003").Append(Hex.Global("m", "C")).Append("71 00 30");
        for (int i = 0; i < 300; i++)
        {
            sb.Append("68 00");
        }
        sb.Append("4e");
        for (int i = 0; i < 300; i++)
        {
            sb.Append("85 52");
        }
        sb.Append("2e");

        var e = Assert.Throws<UnpicklingException>(() => PyPickle.Loads(Hex.Bytes(sb.ToString())));

        Assert.Contains("MaxDepth", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loads_InertObjectsDoublingThroughTheMemo_RefusedAtMaxExpandedValues()
    {
        // x0 = m.C(); x(n+1) = m.C(xn, xn), each memoized: 2^40 values when shared references count each time.
        var sb = new StringBuilder("8004").Append(Hex.StackGlobal("m", "C")).Append("94 29 52 94");
        for (int i = 0; i < 40; i++)
        {
            sb.Append("68 00 68 ").Append((i + 1).ToString("x2")).Append(" 68 ").Append((i + 1).ToString("x2")).Append(" 86 52 94");
        }
        sb.Append("2e");

        var e = Assert.Throws<UnpicklingException>(() => PyPickle.Loads(Hex.Bytes(sb.ToString())));

        Assert.Contains("MaxExpandedValues", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loads_FloodOfInertObjects_RefusedByTheBudget()
    {
        // One memoized global, then m.C() 200 000 times into one list: 4 input bytes per object.
        var data = new List<byte> { 0x80, 0x04 };
        data.AddRange(Hex.Bytes(Hex.StackGlobal("m", "C"), "94 30 5d 28"));
        for (int i = 0; i < 200_000; i++)
        {
            data.AddRange(new byte[] { 0x68, 0x00, 0x29, 0x52 });
        }
        data.AddRange(new byte[] { 0x65, 0x2E });
        var options = PickleReadOptions.Default with { MinBudgetBytes = 1 << 20 };

        var e = Assert.Throws<UnpicklingException>(() => PyPickle.Loads(data.ToArray(), options));

        Assert.Contains("MaxBytesPerInputByte", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loads_HugeStateOnInert_RefusedByTheBudget()
    {
        // BUILD with a state of 300 000 empty lists: the state is charged like any other value.
        var data = new List<byte> { 0x80, 0x04 };
        data.AddRange(Hex.Bytes(Hex.StackGlobal("m", "C"), "29 81 5d 28"));
        data.AddRange(Enumerable.Repeat((byte)0x5D, 300_000));
        data.AddRange(new byte[] { 0x65, 0x62, 0x2E });
        var options = PickleReadOptions.Default with { MinBudgetBytes = 1 << 20 };

        var e = Assert.Throws<UnpicklingException>(() => PyPickle.Loads(data.ToArray(), options));

        Assert.Contains("MaxBytesPerInputByte", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dumps_InertThatContainsItself_RefusedCleanly()
    {
        // o = m.C(); o.__dict__ = {'me': o}: legal for the reader (a cycle), but our writer has no memo.
        byte[] data = Hex.Bytes("8004", Hex.StackGlobal("m", "C"), "29 81 94 7d 8c026d65 68 00 73 62 2e");

        var inert = Assert.IsType<PyObject>(PyPickle.Loads(data));

        Assert.Throws<PicklingException>(() => PyPickle.Dumps(inert));
    }
}
