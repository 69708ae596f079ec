using System.Numerics;
using Factorizer.Pickle.Tests.Support;

namespace Factorizer.Pickle.Tests;

/// <summary>Opcode-level behaviour of the reader on hand-made pickles.</summary>
public sealed class PickleReaderTests
{
    private const string Token = "8c18" + "6d756c746970726f63657373696e672e6d616e6167657273" + "8c05" + "546f6b656e" + "93";
    private const string TokenState = "8c05 5175657565 8c09 3132372e302e302e31 4d8813 86 8c04 37663061 87";

    private static object? Load(params string[] hex) => PyPickle.Loads(Hex.Bytes(hex), TestGlobals.ManagerOptions);

    [Theory]
    [InlineData("")]
    [InlineData("80")]
    [InlineData("8004")]
    [InlineData("8004 95 0100000000000000 4e")]
    [InlineData("8003 4b")]
    [InlineData("8003 63 6275696c74696e73")]
    public void Loads_EndsBeforeStop_ThrowsTruncated(string hex)
    {
        Assert.Throws<TruncatedPickleException>(() => Load(hex));
    }

    [Fact]
    public void Loads_BytesAfterStop_AreIgnored()
    {
        Assert.Equal(1L, Load("8003 4b01 2e ffff 00"));
    }

    [Fact]
    public void Loads_Protocol6_IsRefused()
    {
        var e = Assert.Throws<UnpicklingException>(() => Load("8006 4e 2e"));

        Assert.Contains("unsupported pickle protocol: 6", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("49", "INT")]
    [InlineData("4c", "LONG")]
    [InlineData("53", "STRING")]
    [InlineData("54", "BINSTRING")]
    [InlineData("55", "SHORT_BINSTRING")]
    [InlineData("56", "UNICODE")]
    [InlineData("46", "FLOAT")]
    [InlineData("67", "GET")]
    [InlineData("70", "PUT")]
    [InlineData("69", "INST")]
    [InlineData("6f", "OBJ")]
    [InlineData("50", "PERSID")]
    [InlineData("51", "BINPERSID")]
    [InlineData("82", "EXT1")]
    [InlineData("83", "EXT2")]
    [InlineData("84", "EXT4")]
    [InlineData("97", "NEXT_BUFFER")]
    [InlineData("98", "READONLY_BUFFER")]
    public void Loads_RejectedOpcode_NamesIt(string opcode, string name)
    {
        var e = Assert.ThrowsAny<UnpicklingException>(() => Load("8002 4e", opcode, "0a 0a 2e"));

        Assert.Contains($"opcode {name} ", e.Message, StringComparison.Ordinal);
        Assert.Contains("refused", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loads_UnknownOpcode_ThrowsInvalidLoadKey()
    {
        var e = Assert.Throws<UnpicklingException>(() => Load("8003 ff 2e"));

        Assert.Contains("invalid load key 0xff", e.Message, StringComparison.Ordinal);
        Assert.Contains("offset 2", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8003 2e")]
    [InlineData("8003 85 2e")]
    [InlineData("8003 4b01 28 85 2e")]
    [InlineData("8003 4b01 28 2e")]
    [InlineData("8003 5d 28 61 2e")]
    [InlineData("8003 74 2e")]
    public void Loads_StackUnderflowOrMissingMark_Throws(string hex)
    {
        var e = Assert.Throws<UnpicklingException>(() => Load(hex));

        Assert.Matches("stack underflow|could not find MARK", e.Message);
    }

    [Theory]
    [InlineData("8003 4b01 4b02 30 2e", "1")]
    [InlineData("8003 4b05 28 30 2e", "5")]
    [InlineData("8003 4b01 28 4b02 4b03 31 2e", "1")]
    [InlineData("8003 4b01 32 86 2e", "(1, 1)")]
    [InlineData("8003 28 4b01 4b02 6c 2e", "[1, 2]")]
    [InlineData("8003 28 8c0161 4b01 8c0162 4e 64 2e", "{'a': 1, 'b': None}")]
    [InlineData("8003 28 4b01 4b02 4b03 4b04 74 2e", "(1, 2, 3, 4)")]
    [InlineData("8003 7d 8c0161 4b01 73 8c0161 4b02 73 2e", "{'a': 2}")]
    [InlineData("8004 8f 28 4b01 4b01 88 90 2e", "{1}")]
    [InlineData("8004 28 91 2e", "frozenset()")]
    [InlineData("8003 88 89 86 2e", "(True, False)")]
    [InlineData("8003 4a feffffff 2e", "-2")]
    [InlineData("8003 8a00 2e", "0")]
    [InlineData("8003 8a09 010000000000000000 2e", "1")]
    [InlineData("8003 8a09 ffffffffffffffffff 2e", "-1")]
    [InlineData("8003 8b 01000000 ff 2e", "-1")]
    [InlineData("8003 8a08 0000000000000080 2e", "-9223372036854775808")]
    [InlineData("8003 8a09 0000000000000080 00 2e", "9223372036854775808")]
    [InlineData("8005 96 0200000000000000 6162 2e", "b'ab'")]
    [InlineData("8004 8d 0100000000000000 78 8e 0000000000000000 86 2e", "('x', b'')")]
    [InlineData("8003 47 7ff8000000000000 2e", "nan")]
    public void Loads_Opcode_GivesValue(string hex, string python)
    {
        ValueAssert.Equal(PythonLiteral.Parse(python), Load(hex));
    }

    [Fact]
    public void Loads_LongBeyondInt64_IsBigInteger()
    {
        Assert.Equal(BigInteger.One << 64, Assert.IsType<BigInteger>(Load("8003 8a09 000000000000000001 2e")));
    }

    [Fact]
    public void Loads_MemoGet_SharesTheSameInstance()
    {
        var tuple = Assert.IsType<PyTuple>(Load("8003 5d 71 00 68 00 72 05000000 6a 05000000 87 2e"));

        Assert.Same(tuple[0], tuple[1]);
        Assert.Same(tuple[0], tuple[2]);
    }

    [Fact]
    public void Loads_BuildReturningNewObject_ReplacesItOnStackAndInMemo()
    {
        // Token made, memoized, then BUILT (which returns a new record); BINGET must see the built one.
        var tuple = Assert.IsType<PyTuple>(Load("8004", Token, "29 81 94", TokenState, "62 68 00 86 2e"));

        var token = Assert.IsType<TestToken>(tuple[0]);
        Assert.Same(token, tuple[1]);
        Assert.Equal(new TestToken("Queue", new PyTuple("127.0.0.1", 5000L), "7f0a"), token);
    }

    [Fact]
    public void Loads_NewObjEx_PassesArgsAndKwargs()
    {
        Assert.IsType<TestToken>(Load("8004", Token, "29 7d 92", TokenState, "62 2e"));
    }

    [Fact]
    public void Loads_NewObjExWithKwargs_ReachesTheClass()
    {
        var e = Assert.Throws<UnpicklingException>(() => Load("8004", Token, "28 4b01 74 7d 92 2e"));

        Assert.Contains("Token takes no NEWOBJ arguments", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loads_ExceptionWithBuildDict_SetsState()
    {
        var error = Assert.IsType<PyException>(Load("8004", Hex.StackGlobal("builtins", "KeyError"), "8c01 6b 85 52 94 7d 8c01 6e 4b01 73 62 2e"));

        Assert.Equal("KeyError", error.Name);
        Assert.Equal(new PyTuple("k"), error.Args);
        Assert.Equal(1L, error.State!["n"]);
    }

    [Fact]
    public void Loads_ExceptionWithBuildNone_KeepsInstance()
    {
        var error = Assert.IsType<PyException>(Load("8003", Hex.Global("builtins", "ValueError"), "29 52 4e 62 2e"));

        Assert.Null(error.State);
    }

    [Fact]
    public void Loads_ClassItself_GivesPyGlobal()
    {
        Assert.Equal(new PyGlobal("builtins", "ValueError"), Load("8003", Hex.Global("builtins", "ValueError"), "2e"));
    }

    [Fact]
    public void Loads_Python2ModuleNameInProtocol3_IsNotMapped()
    {
        string body = Hex.Global("__builtin__", "set") + "29 52 2e";

        Assert.IsType<HashSet<object>>(Load("8002", body));
        // Protocol 3: taken as written, so an inert global CPython 3 could not import either.
        var inert = Assert.IsType<PyObject>(Load("8003", body));
        Assert.Equal(new PyGlobal("__builtin__", "set"), inert.Type);
    }

    [Theory]
    [InlineData("Queue", "Full", "queue")]
    [InlineData("exceptions", "ValueError", "builtins")]
    [InlineData("_queue", "Empty", "_queue")]
    public void Loads_Python2ExceptionNames_MapToPython3Modules(string module, string name, string expectedModule)
    {
        var error = Assert.IsType<PyException>(Load("8002", Hex.Global(module, name), "29 52 2e"));

        Assert.Equal((expectedModule, name), (error.Module, error.Name));
    }

    [Fact]
    public void Loads_ClassThatThrowsNonPickleException_IsWrapped()
    {
        var options = new PickleReadOptions(PickleGlobals.Empty.With("m", "Bad", new ThrowingClass()));

        var e = Assert.Throws<UnpicklingException>(() => PyPickle.Loads(Hex.Bytes("8003", Hex.Global("m", "Bad"), "29 52 2e"), options));

        Assert.IsType<InvalidOperationException>(e.InnerException);
        Assert.Contains("REDUCE", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loads_EmptyWhitelistWithoutInert_RefusesEvenBuiltinExceptions()
    {
        var options = new PickleReadOptions(PickleGlobals.Empty) { KeepInert = false };

        Assert.Throws<ForbiddenGlobalException>(() => PyPickle.Loads(Hex.Bytes("8003", Hex.Global("builtins", "ValueError"), "29 52 2e"), options));
    }

    [Fact]
    public void Loads_DictKeysOfEqualNumbers_CollapseLikePython()
    {
        var dict = Assert.IsType<Dictionary<object, object?>>(Load("8003 7d 28 4b01 8c0161 88 8c0162 47 3ff0000000000000 8c0163 75 2e"));

        Assert.Single(dict);
        Assert.Equal("c", dict[1L]);
    }

    private sealed class ThrowingClass() : PyClass("m.Bad")
    {
        public override object? Reduce(PyTuple args) => throw new InvalidOperationException("boom");
    }
}
