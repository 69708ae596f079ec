using System.Text;
using Factorizer.Pickle.Tests.Support;

namespace Factorizer.Pickle.Tests;

/// <summary>Malformed, truncated, oversized and malicious pickles: only UnpicklingExceptions may escape.</summary>
public sealed class HostileInputTests
{
    private static IEnumerable<PickleVector> AllVectors => PickleVectors.Cases.Concat(PickleVectors.WriterExamples);

    [Fact]
    public void Loads_EveryPrefixOfEveryVector_ThrowsTruncated()
    {
        var failures = new List<string>();
        int checkedPrefixes = 0;
        foreach (PickleVector vector in AllVectors)
        {
            for (int length = 0; length < vector.Bytes.Length; length++)
            {
                checkedPrefixes++;
                Exception? e = Record.Exception(() => PyPickle.Loads(vector.Bytes.AsSpan(0, length), TestGlobals.ManagerOptions));
                // The proxy pickle is refused (RebuildProxy) once the prefix reaches that global.
                bool ok = e is TruncatedPickleException || (vector.Name == "proxy_autoproxy" && e is UnpicklingException);
                if (!ok)
                {
                    failures.Add($"{vector.Id} prefix {length}: {e?.GetType().Name ?? "no exception"} {e?.Message}");
                }
            }
        }
        Assert.True(checkedPrefixes > 10_000);
        Assert.Empty(failures);
    }

    [Fact]
    public void Loads_RandomMutationsOfVectors_OnlyUnpicklingExceptionsEscape()
    {
        var random = new Random(20240611);
        PickleVector[] vectors = [.. AllVectors];
        var failures = new List<string>();
        int rejected = 0;
        for (int i = 0; i < 30_000; i++)
        {
            byte[] data = Mutate(vectors[random.Next(vectors.Length)].Bytes, random);
            try
            {
                PyPickle.Loads(data, TestGlobals.ManagerOptions);
            }
            catch (UnpicklingException)
            {
                rejected++;
            }
            catch (Exception e) when (failures.Count < 20)
            {
                failures.Add($"{e.GetType().Name}: {e.Message} for {Convert.ToHexStringLower(data)}");
            }
        }
        Assert.Empty(failures);
        Assert.True(rejected > 10_000, $"only {rejected} mutations were rejected; the mutator is too gentle");
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var data = new List<byte>(original);
        int count = random.Next(1, 4);
        for (int m = 0; m < count && data.Count > 0; m++)
        {
            int at = random.Next(data.Count);
            switch (random.Next(6))
            {
                case 0: data[at] = (byte)random.Next(256); break;
                case 1: data.Insert(at, (byte)random.Next(256)); break;
                case 2: data.RemoveAt(at); break;
                case 3: data[at] ^= (byte)(1 << random.Next(8)); break;
                case 4:
                    for (int k = at; k < Math.Min(at + 4, data.Count); k++)
                    {
                        data[k] = 0xFF;
                    }
                    break;
                default:
                    // Splice in a random opcode that takes things off the stack or memo.
                    data.Insert(at, "0129aestubRb\u0081\u0092\u0093\u0090\u0091h"u8[random.Next(20)]);
                    break;
            }
        }
        return [.. data];
    }

    [Theory]
    [InlineData("BINUNICODE 4 GiB", "8003 58 ffffffff")]
    [InlineData("BINUNICODE8 2^64-1", "8004 8d ffffffffffffffff")]
    [InlineData("BINBYTES 4 GiB", "8003 42 ffffffff 00")]
    [InlineData("BINBYTES8 2^63", "8004 8e 0000000000000080 00")]
    [InlineData("BYTEARRAY8 2^63-1", "8005 96 ffffffffffffff7f")]
    [InlineData("LONG4 2 GiB", "8003 8b ffffff7f 00")]
    [InlineData("FRAME 2^64-1", "8004 95 ffffffffffffffff 4e2e")]
    [InlineData("FRAME one byte too long", "8004 95 0300000000000000 4e2e")]
    public void Loads_HugeDeclaredLength_ThrowsTruncatedWithoutAllocating(string what, string hex)
    {
        byte[] data = Hex.Bytes(hex);
        long before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.Throws<TruncatedPickleException>(() => PyPickle.Loads(data));

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, $"{what}: allocated too much");
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loads_Long4WithNegativeLength_ThrowsClearError()
    {
        var e = Assert.Throws<UnpicklingException>(() => PyPickle.Loads(Hex.Bytes("8003 8b ffffffff 2e")));

        Assert.Contains("negative byte count", e.Message, StringComparison.Ordinal);
        Assert.Contains("LONG4", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8004 6a ffffffff 2e", "memo key 4294967295 not found")]
    [InlineData("8004 68 00 2e", "memo key 0 not found")]
    [InlineData("8004 4e 94 6a 01000000 2e", "memo key 1 not found")]
    public void Loads_MemoGetOutOfRange_ThrowsClearError(string hex, string message)
    {
        var e = Assert.Throws<UnpicklingException>(() => PyPickle.Loads(Hex.Bytes(hex)));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loads_SparseLongBinPut_DoesNotAllocateAMemoArray()
    {
        long before = GC.GetAllocatedBytesForCurrentThread();

        Assert.Equal(1L, PyPickle.Loads(Hex.Bytes("8003 4b01 72 ffffffff 6a ffffffff 2e")));

        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }

    public static TheoryData<string, byte[]> DeepNesting() => new()
    {
        { "lists via APPEND", [0x80, 3, .. Repeat("]", 100_000), .. Repeat("a", 100_000), (byte)'.'] },
        { "marks", [0x80, 3, .. Repeat("(", 100_000), (byte)'N', (byte)'.'] },
        { "marks then TUPLE", [0x80, 3, .. Repeat("(", 150), .. Repeat("(N", 100_000), .. Repeat("t", 100_000), (byte)'.'] },
        { "tuples via TUPLE1", [0x80, 3, (byte)'N', .. Enumerable.Repeat((byte)0x85, 100_000), (byte)'.'] },
        { "dicts via SETITEM", [0x80, 3, (byte)'}', .. Repeat("K\u0001}", 100_000), .. Repeat("s", 100_000), (byte)'.'] },
        { "frozensets in frozensets", [0x80, 4, .. Repeat("(", 300), (byte)'K', 1, .. Enumerable.Repeat((byte)0x91, 300), (byte)'.'] },
    };

    private static byte[] Repeat(string ascii, int count) => Encoding.Latin1.GetBytes(string.Concat(Enumerable.Repeat(ascii, count)));

    [Theory]
    [MemberData(nameof(DeepNesting))]
    public void Loads_DeepNesting_ThrowsDepthLimitError(string what, byte[] data)
    {
        var e = Assert.Throws<UnpicklingException>(() => PyPickle.Loads(data));

        Assert.True(e.Message.Contains("MaxDepth", StringComparison.Ordinal), $"{what}: {e.Message}");
    }

    [Fact]
    public void Loads_ChainDeepenedAfterNestingThroughMemo_ThrowsDepthLimitError()
    {
        // L0 = []; then for each level i: push memo[i], append a new memoized list to it, pop. Each list
        // is put inside its parent while still empty and only grows afterwards. (20,000 levels: far past
        // MaxDepth, yet within the amplification budget, so it is the depth check that refuses it.)
        var data = new List<byte> { 0x80, 3, (byte)']', 0x94 };
        for (uint i = 0; i < 20_000; i++)
        {
            data.Add((byte)'j');
            data.AddRange(BitConverter.GetBytes(i));
            data.AddRange([(byte)']', 0x94, (byte)'a', (byte)'0']);
        }
        data.Add((byte)'.');

        var e = Assert.Throws<UnpicklingException>(() => PyPickle.Loads(data.ToArray()));

        Assert.Contains("MaxDepth", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loads_SelfContainingList_IsAcceptedLikePython()
    {
        var list = Assert.IsType<List<object?>>(PyPickle.Loads(Hex.Bytes("8002 5d 71 00 68 00 61 2e")));

        Assert.Same(list, Assert.Single(list));
    }

    [Fact]
    public void Loads_SharedListDeepenedAfterNestingButShallow_IsAccepted()
    {
        // [a, a] where a grows after being placed: measured again at STOP, and still shallow.
        var outer = Assert.IsType<List<object?>>(PyPickle.Loads(Hex.Bytes("8004 5d 5d 94 61 68 00 5d 61 30 2e")));

        Assert.IsType<List<object?>>(Assert.Single(Assert.IsType<List<object?>>(Assert.Single(outer))));
    }

    [Fact]
    public void Loads_NestingAtTheLimit_IsAccepted()
    {
        var options = PickleReadOptions.Default with { MaxDepth = 5 };
        byte[] five = [0x80, 3, .. Repeat("]", 5), .. Repeat("a", 4), (byte)'.'];
        byte[] six = [0x80, 3, .. Repeat("]", 6), .. Repeat("a", 5), (byte)'.'];

        Assert.IsType<List<object?>>(PyPickle.Loads(five, options));
        Assert.Throws<UnpicklingException>(() => PyPickle.Loads(six, options));
    }

    [Fact]
    public void Loads_MoreMemoEntriesThanLimit_Throws()
    {
        var options = PickleReadOptions.Default with { MaxMemo = 10 };
        byte[] data = [0x80, 4, (byte)'N', .. Enumerable.Repeat((byte)0x94, 11), (byte)'.'];

        var e = Assert.Throws<UnpicklingException>(() => PyPickle.Loads(data, options));

        Assert.Contains("MaxMemo", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8003 5d 28 4b01 4b01 4b01 4b01 4b01 4b01 4b01 4b01 4b01 4b01 4b01 65 2e")]
    [InlineData("8003 28 4b01 4b01 4b01 4b01 4b01 4b01 4b01 4b01 4b01 4b01 4b01 74 2e")]
    [InlineData("8003 7d 28 4b01 4e 4b02 4e 4b03 4e 4b04 4e 4b05 4e 4b06 4e 4b07 4e 4b08 4e 4b09 4e 4b0a 4e 4b0b 4e 75 2e")]
    public void Loads_CollectionOverItemLimit_Throws(string hex)
    {
        var options = PickleReadOptions.Default with { MaxCollectionItems = 10 };

        var e = Assert.Throws<UnpicklingException>(() => PyPickle.Loads(Hex.Bytes(hex), options));

        Assert.Contains("MaxCollectionItems", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("os", "system")]
    [InlineData("posix", "system")]
    [InlineData("nt", "system")]
    [InlineData("builtins", "eval")]
    [InlineData("builtins", "exec")]
    [InlineData("builtins", "getattr")]
    [InlineData("subprocess", "Popen")]
    [InlineData("copyreg", "add_extension")]
    [InlineData("pickle", "loads")]
    [InlineData("_pickle", "loads")]
    [InlineData("marshal", "loads")]
    [InlineData("importlib", "import_module")]
    [InlineData("importlib.util", "spec_from_file_location")]
    [InlineData("ctypes", "CDLL")]
    [InlineData("sys", "exit")]
    [InlineData("shutil", "rmtree")]
    [InlineData("socket", "socket")]
    [InlineData("types", "CodeType")]
    [InlineData("types", "FunctionType")]
    [InlineData("code", "InteractiveInterpreter")]
    [InlineData("runpy", "run_path")]
    [InlineData("multiprocessing.spawn", "spawn_main")]
    [InlineData("os.path", "exists")]
    [InlineData("builtins", "__import__")]
    [InlineData("builtins", "compile")]
    [InlineData("builtins", "open")]
    public void Loads_DangerousGlobal_IsRefusedByName(string module, string name)
    {
        string call = Hex.ShortStr("id") + "85 52 2e";
        byte[] viaGlobal = Hex.Bytes("8003", Hex.Global(module, name), call);
        byte[] viaStackGlobal = Hex.Bytes("8004", Hex.StackGlobal(module, name), call);

        foreach (byte[] data in new[] { viaGlobal, viaStackGlobal })
        {
            var e = Assert.Throws<ForbiddenGlobalException>(() => PyPickle.Loads(data, TestGlobals.ManagerOptions));
            Assert.Contains($"pickle refers to global '{module}.{name}', which is on the denylist", e.Message, StringComparison.Ordinal);
            Assert.Contains("refused", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Loads_Python2BuiltinEval_IsRefusedAsBuiltinsEval()
    {
        byte[] data = Hex.Bytes("8002", Hex.Global("__builtin__", "eval"), Hex.ShortStr("1") + "85 52 2e");

        var e = Assert.Throws<ForbiddenGlobalException>(() => PyPickle.Loads(data));

        Assert.Contains("'builtins.eval'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dict key list", "8003 7d 5d 4b01 73 2e", "unhashable type: 'list'")]
    [InlineData("dict key dict", "8003 7d 28 7d 4b01 75 2e", "unhashable type: 'dict'")]
    [InlineData("dict key tuple holding a list", "8003 7d 5d 85 4b01 73 2e", "unhashable type: 'list'")]
    [InlineData("DICT key set", "8004 28 8f 4b01 64 2e", "unhashable type: 'set'")]
    [InlineData("set member list", "8004 8f 28 5d 90 2e", "unhashable type: 'list'")]
    [InlineData("frozenset member dict", "8004 28 7d 91 2e", "unhashable type: 'dict'")]
    [InlineData("set() of lists", "8003 63 6275696c74696e730a7365740a 5d 28 5d 65 85 52 2e", "unhashable type: 'list'")]
    [InlineData("None dict key", "8003 7d 4e 4b01 73 2e", "None")]
    [InlineData("None set member", "8004 8f 28 4e 90 2e", "None")]
    public void Loads_UnusableKey_ThrowsClearError(string what, string hex, string message)
    {
        var e = Assert.Throws<UnpicklingException>(() => PyPickle.Loads(Hex.Bytes(hex)));

        Assert.True(e.Message.Contains(message, StringComparison.Ordinal), $"{what}: {e.Message}");
    }

    [Theory]
    [InlineData("bytes(n) would allocate n bytes", "8003 63 6275696c74696e730a62797465730a 8a 05 0000000001 85 52 2e")]
    [InlineData("REDUCE on a str", "8003 58 01000000 61 29 52 2e")]
    [InlineData("REDUCE with a list of args", "8003 63 6275696c74696e730a7365740a 5d 52 2e")]
    [InlineData("NEWOBJ on set", "8003 63 6275696c74696e730a7365740a 29 81 2e")]
    [InlineData("BUILD on a list", "8003 5d 7d 62 2e")]
    [InlineData("BUILD on an exception with a list", "8003 63 6275696c74696e730a56616c75654572726f720a 29 52 5d 62 2e")]
    [InlineData("STACK_GLOBAL of ints", "8004 4b01 4b02 93 2e")]
    [InlineData("APPEND to a dict", "8003 7d 4b01 61 2e")]
    [InlineData("SETITEMS odd count", "8003 7d 28 4b01 75 2e")]
    [InlineData("invalid UTF-8", "8003 58 02000000 c328 2e")]
    [InlineData("overlong UTF-8", "8004 8c 02 c080 2e")]
    [InlineData("latin-1 codec beyond U+00FF", "8002 63 5f636f646563730a656e636f64650a 58 02000000 c4a8 58 06000000 6c6174696e31 86 52 2e")]
    public void Loads_MisusedOpcode_ThrowsUnpicklingException(string what, string hex)
    {
        Exception? e = Record.Exception(() => PyPickle.Loads(Hex.Bytes(hex)));

        Assert.True(e is UnpicklingException and not TruncatedPickleException, $"{what}: {e}");
    }
}
