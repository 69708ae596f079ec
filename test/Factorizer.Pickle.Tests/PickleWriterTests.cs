using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
using Factorizer.Pickle.Tests.Support;

namespace Factorizer.Pickle.Tests;

public sealed class PickleWriterTests
{
    public static TheoryData<string> WriterExampleIds() => PickleVectors.WriterExampleIds();

    [Theory]
    [MemberData(nameof(WriterExampleIds))]
    public void Dumps_MinimalWriterExample_MatchesGoldenBytes(string id)
    {
        PickleVector example = PickleVectors.Get(id);
        object? value = Writable.From(PythonLiteral.Parse(example.Python));

        byte[] bytes = PyPickle.Dumps(value, int.Parse(example.Protocol, CultureInfo.InvariantCulture));

        Assert.Equal(Convert.ToHexStringLower(example.Bytes), Convert.ToHexStringLower(bytes));
    }

    [Fact]
    public void Dumps_ReturnNone_MatchesProtocolDocument()
    {
        byte[] bytes = PyPickle.Dumps(new PyTuple("#RETURN", null));

        Assert.Equal("800358070000002352455455524e4e862e", Convert.ToHexStringLower(bytes));
    }

    [Fact]
    public void Dumps_ErrorQueueEmpty_WritesQueueModuleWithGlobal()
    {
        byte[] bytes = PyPickle.Dumps(new PyTuple("#ERROR", PyException.QueueEmpty()));

        Assert.Equal("80035806000000234552524f5263" + Convert.ToHexStringLower("queue\nEmpty\n"u8) + "29528" + "62e", Convert.ToHexStringLower(bytes));
    }

    [Theory]
    [InlineData("0", "4b00")]
    [InlineData("255", "4bff")]
    [InlineData("256", "4d0001")]
    [InlineData("65535", "4dffff")]
    [InlineData("65536", "4a00000100")]
    [InlineData("-1", "4affffffff")]
    [InlineData("-2147483648", "4a00000080")]
    [InlineData("2147483648", "8a050000008000")]
    [InlineData("-2147483649", "8a05ffffff7fff")]
    [InlineData("999999999999", "8a06ff0fa5d4e800")]
    [InlineData("9223372036854775807", "8a08ffffffffffffff7f")]
    [InlineData("9223372036854775808", "8a09000000000000008000")]
    [InlineData("18446744073709551616", "8a09000000000000000001")]
    [InlineData("-18446744073709551616", "8a090000000000000000ff")]
    public void Dumps_Integer_UsesSmallestCPythonEncoding(string value, string body)
    {
        byte[] bytes = PyPickle.Dumps(BigInteger.Parse(value, CultureInfo.InvariantCulture));

        Assert.Equal("8003" + body + "2e", Convert.ToHexStringLower(bytes));
    }

    public static TheoryData<object, string> IntegerTypes() => new()
    {
        { (sbyte)-5, "4afbffffff" },
        { (byte)7, "4b07" },
        { (short)300, "4d2c01" },
        { (ushort)65535, "4dffff" },
        { 70000, "4a70110100" },
        { 70000u, "4a70110100" },
        { 70000L, "4a70110100" },
        { ulong.MaxValue, "8a09ffffffffffffffff00" },
        { (Int128)long.MinValue, "8a080000000000000080" },
        { UInt128.One << 64, "8a09000000000000000001" },
        { (nint)1, "4b01" },
    };

    [Theory]
    [MemberData(nameof(IntegerTypes))]
    public void Dumps_AnyCSharpIntegerType_WritesPythonInt(object value, string body)
    {
        Assert.Equal("8003" + body + "2e", Convert.ToHexStringLower(PyPickle.Dumps(value)));
    }

    [Fact]
    public void Dumps_IntegerNeedingMoreThan255Bytes_UsesLong4()
    {
        byte[] bytes = PyPickle.Dumps(BigInteger.Pow(2, 2040));

        Assert.Equal(Convert.ToHexStringLower(PickleVectors.Get("int_2p2040/2").Bytes)[4..], Convert.ToHexStringLower(bytes)[4..]);
        Assert.Equal(0x8B, bytes[2]);
    }

    public static TheoryData<string> ScalarCaseIds() =>
        [.. PickleVectors.Cases.Where(c => c.Protocol == "2" && (c.Name.StartsWith("int_", StringComparison.Ordinal) || c.Name.StartsWith("float_", StringComparison.Ordinal) || c.Name is "none" or "true" or "false")).Select(c => c.Id)];

    [Theory]
    [MemberData(nameof(ScalarCaseIds))]
    public void Dumps_Scalar_MatchesCPythonProtocol2BodyByteForByte(string id)
    {
        PickleVector vector = PickleVectors.Get(id);

        byte[] bytes = PyPickle.Dumps(PythonLiteral.Parse(vector.Python));

        // Protocol 2 and 3 encode scalars alike; only the PROTO byte differs.
        Assert.Equal(Convert.ToHexStringLower(vector.Bytes)[4..], Convert.ToHexStringLower(bytes)[4..]);
    }

    [Theory]
    [InlineData(1.5, "473ff8000000000000")]
    [InlineData(-0.0, "478000000000000000")]
    public void Dumps_Double_WritesBigEndianBinFloat(double value, string body)
    {
        Assert.Equal("8003" + body + "2e", Convert.ToHexStringLower(PyPickle.Dumps(value)));
    }

    [Theory]
    [InlineData(3, "abc", "5803000000616263")]
    [InlineData(4, "abc", "8c03616263")]
    [InlineData(4, "h\u00e9 \U0001f40d", "8c0868c3a920f09f908d")]
    public void Dumps_String_UsesUtf8(int protocol, string value, string body)
    {
        Assert.Equal($"800{protocol}{body}2e", Convert.ToHexStringLower(PyPickle.Dumps(value, protocol)));
    }

    [Fact]
    public void Dumps_LoneSurrogates_UseSurrogatePassForm()
    {
        // Built in code: attribute data cannot carry lone surrogates intact.
        string high = new('\ud800', 1);
        string mixed = high + "x" + new string('\udfff', 1) + "\U0001f40d";

        Assert.Equal("80035803000000eda0802e", Convert.ToHexStringLower(PyPickle.Dumps(high)));
        Assert.Equal("80048c0beda08078edbfbff09f908d2e", Convert.ToHexStringLower(PyPickle.Dumps(mixed, 4)));
        Assert.Equal(mixed, PyPickle.Loads(PyPickle.Dumps(mixed, 4)));
    }

    [Fact]
    public void Dumps_StringOf256BytesInProtocol4_UsesBinUnicode()
    {
        byte[] bytes = PyPickle.Dumps(new string('x', 256), 4);

        Assert.Equal("8004580001000078", Convert.ToHexStringLower(bytes)[..16]);
    }

    [Fact]
    public void Dumps_Bytes_UsesShortBinBytesThenBinBytes()
    {
        Assert.Equal("800343020001" + "2e", Convert.ToHexStringLower(PyPickle.Dumps(new byte[] { 0, 1 })));
        Assert.Equal("80034200010000", Convert.ToHexStringLower(PyPickle.Dumps(new byte[256]))[..14]);
        Assert.Equal("800343020001" + "2e", Convert.ToHexStringLower(PyPickle.Dumps(new ReadOnlyMemory<byte>([0, 1]))));
    }

    [Fact]
    public void Dumps_ListOf1001Items_WritesTwoAppendsBatches()
    {
        byte[] bytes = PyPickle.Dumps(Enumerable.Range(0, 1001).Select(i => (object?)0L).ToList());

        string hex = Convert.ToHexStringLower(bytes);
        Assert.Equal("80035d28" + string.Concat(Enumerable.Repeat("4b00", 1000)) + "6528" + "4b00" + "652e", hex);
    }

    [Fact]
    public void Dumps_DictOf1500Items_WritesSetItemsBatchesAndLoadsBack()
    {
        var dict = Enumerable.Range(0, 1500).ToDictionary(i => (long)i, i => (long)i * 2);

        byte[] bytes = PyPickle.Dumps(dict);

        static string Pairs(int from, int to) => string.Concat(Enumerable.Range(from, to - from).Select(i => Int(i) + Int(i * 2)));
        Assert.Equal("80037d28" + Pairs(0, 1000) + "7528" + Pairs(1000, 1500) + "752e", Convert.ToHexStringLower(bytes));
        var back = Assert.IsType<Dictionary<object, object?>>(PyPickle.Loads(bytes));
        Assert.Equal(1500, back.Count);
        Assert.Equal(2998L, back[1499L]);
    }

    private static string Int(int i) => i < 256 ? $"4b{i:x2}" : $"4d{i & 0xFF:x2}{i >> 8:x2}";

    public static TheoryData<object, string> CollectionShapes() => new()
    {
        { new long[] { 1, 2 }, "[1, 2]" },
        { new[] { 1, 2 }, "[1, 2]" },
        { new ulong[] { ulong.MaxValue }, "[18446744073709551615]" },
        { new BigInteger[] { BigInteger.Pow(10, 40) }, "[10**40]" },
        { new List<long> { 3, 4 }, "[3, 4]" },
        { new Dictionary<long, long[]> { [12] = [2, 2, 3] }, "{12: [2, 2, 3]}" },
        { new Dictionary<string, object?> { ["k"] = null }, "{'k': None}" },
        { (1L, "a"), "(1, 'a')" },
        { Tuple.Create(1, 2, 3, 4), "(1, 2, 3, 4)" },
        { new HashSet<long> { 5 }, "{5}" },
        { ImmutableHashSet.Create(6L), "frozenset({6})" },
        { new[] { 7L }.ToFrozenSet(), "frozenset({7})" },
        { new PyTuple(), "()" },
        { new object?[] { null, true, 1.5 }, "[None, True, 1.5]" },
    };

    [Theory]
    [MemberData(nameof(CollectionShapes))]
    public void Dumps_CommonCSharpCollections_LoadBackAsPythonShapes(object value, string python)
    {
        foreach (int protocol in new[] { 3, 4 })
        {
            object? back = PyPickle.Loads(PyPickle.Dumps(value, protocol));

            ValueAssert.Equal(PythonLiteral.Parse(python), back);
        }
    }

    [Fact]
    public void Dumps_SetInProtocol3_WritesBuiltinsSetReduce()
    {
        byte[] bytes = PyPickle.Dumps(new HashSet<object>(PyEqualityComparer.Instance) { 1L });

        Assert.Equal("800363" + Convert.ToHexStringLower("builtins\nset\n"u8) + "5d284b0165" + "85522e", Convert.ToHexStringLower(bytes));
    }

    [Fact]
    public void Dumps_SetAndFrozenSetInProtocol4_UseSetOpcodes()
    {
        Assert.Equal("80048f284b01902e", Convert.ToHexStringLower(PyPickle.Dumps(new HashSet<long> { 1 }, 4)));
        Assert.Equal("8004284b01912e", Convert.ToHexStringLower(PyPickle.Dumps(new[] { 1L }.ToFrozenSet(), 4)));
    }

    [Fact]
    public void Dumps_TokenReducible_WritesGlobalNewObjBuild()
    {
        var token = new TestToken("Queue", new PyTuple("127.0.0.1", 5000L), "7f0a");

        byte[] bytes = PyPickle.Dumps(token);

        string expected = "800363" + Convert.ToHexStringLower("multiprocessing.managers\nToken\n"u8) + "2981"
            + "580500000051756575655809000000" + Convert.ToHexStringLower("127.0.0.1"u8) + "4d881386" + "5804000000" + Convert.ToHexStringLower("7f0a"u8) + "87622e";
        Assert.Equal(expected, Convert.ToHexStringLower(bytes));
        Assert.Equal(token, PyPickle.Loads(bytes, TestGlobals.ManagerOptions));
    }

    [Fact]
    public void Dumps_ExceptionWithState_WritesBuildWithDictAndLoadsBack()
    {
        var state = new Dictionary<object, object?>(PyEqualityComparer.Instance) { ["note"] = 1L };
        var error = new PyException("builtins", "ValueError", new PyTuple("x"), state);

        byte[] bytes = PyPickle.Dumps(error);

        Assert.Equal((byte)'b', bytes[^2]);
        var back = Assert.IsType<PyException>(PyPickle.Loads(bytes));
        Assert.Equal(error.Args, back.Args);
        Assert.Equal(1L, back.State!["note"]);
    }

    public static TheoryData<object> Unsupported() => [new object(), 'c', 1.5m, DateTime.UnixEpoch, new Uri("http://x")];

    [Theory]
    [MemberData(nameof(Unsupported))]
    public void Dumps_UnsupportedType_ThrowsPicklingExceptionNamingType(object value)
    {
        var e = Assert.Throws<PicklingException>(() => PyPickle.Dumps(new List<object?> { value }));

        Assert.Contains(value.GetType().ToString(), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dumps_SelfContainingList_ThrowsPicklingException()
    {
        var list = new List<object?>();
        list.Add(list);

        var e = Assert.Throws<PicklingException>(() => PyPickle.Dumps(list));

        Assert.Contains("contains itself", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dumps_SharedButAcyclicValue_IsWrittenTwice()
    {
        var shared = new List<object?> { 1L };

        object? back = PyPickle.Loads(PyPickle.Dumps(new PyTuple(shared, shared)));

        ValueAssert.Equal(PythonLiteral.Parse("([1], [1])"), back);
    }

    [Fact]
    public void Dumps_NestingBeyondLimit_ThrowsPicklingException()
    {
        object? value = null;
        for (int i = 0; i < 100_000; i++)
        {
            value = new List<object?> { value };
        }

        var e = Assert.Throws<PicklingException>(() => PyPickle.Dumps(value));

        Assert.Contains("deep", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void Dumps_ProtocolOtherThan3Or4_Throws(int protocol)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PyPickle.Dumps(null, protocol));
    }

    [Fact]
    public void Dumps_GlobalNameWithNewline_ThrowsPicklingException()
    {
        Assert.Throws<PicklingException>(() => PyPickle.Dumps(new PyException("os\nsystem", "x", PyTuple.Empty)));
    }
}
