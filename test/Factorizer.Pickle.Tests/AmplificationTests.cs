using System.Numerics;
using System.Text;

namespace Factorizer.Pickle.Tests;

/// <summary>
/// The amplification budget (docs/protocol.md §5.5): a pickle may not make the reader allocate more than
/// <see cref="PickleReadOptions.MaxBytesPerInputByte"/> bytes per input byte (with a floor and a cap), and shared
/// references may not expand a value beyond <see cref="PickleReadOptions.MaxExpandedValues"/>.
/// </summary>
public sealed class AmplificationTests
{
    private const int EightMegabytes = 8 * 1024 * 1024;

    /// <summary>Protocol 4 header, <paramref name="unit"/> repeated to about 8 MB, STOP.</summary>
    private static byte[] Repeated(string unit, int totalLength = EightMegabytes)
    {
        byte[] bytes = Encoding.Latin1.GetBytes(unit);
        var data = new byte[2 + (totalLength / bytes.Length * bytes.Length) + 1];
        data[0] = 0x80;
        data[1] = 4;
        for (int at = 2; at + bytes.Length < data.Length; at += bytes.Length)
        {
            bytes.CopyTo(data, at);
        }
        data[^1] = (byte)'.';
        return data;
    }

    public static TheoryData<string, string> ContainerFloods() => new()
    {
        { "EMPTY_LIST", "]" },
        { "MARK LIST", "(l" },
        { "EMPTY_DICT", "}" },
        { "EMPTY_SET", "\u008f" },
        { "MARK FROZENSET", "(\u0091" },
        { "NONE TUPLE1", "N\u0085" },
        { "EMPTY_LIST MEMOIZE", "]\u0094" },
        { "NONE (stack only)", "N" },
        { "EMPTY_TUPLE (stack only)", ")" },
        { "BININT2 (boxed ints)", "M\u0000\u0001" },
        { "EMPTY_DICT MEMOIZE", "}\u0094" },
    };

    [Theory]
    [MemberData(nameof(ContainerFloods))]
    public void Loads_8MbOfContainerBuildingOpcodes_RefusedWithinTheBudget(string what, string unit)
    {
        byte[] data = Repeated(unit);
        long budget = PickleReadOptions.Default.BudgetFor(data.Length);
        GC.Collect();
        long before = GC.GetAllocatedBytesForCurrentThread();

        var e = Assert.Throws<UnpicklingException>(() => PyPickle.Loads(data));

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(12L * data.Length, budget); // 96 MiB
        Assert.True(allocated <= budget + (1 << 20), $"{what}: allocated {allocated:N0} bytes, budget {budget:N0}");
        Assert.True(e.Message.Contains("MaxBytesPerInputByte", StringComparison.Ordinal)
            || e.Message.Contains("MaxMemo", StringComparison.Ordinal), $"{what}: {e.Message}");
    }

    [Fact]
    public void Loads_SmallPickle_GetsTheFloorNotTheFactor()
    {
        var options = PickleReadOptions.Default with { MinBudgetBytes = 1 << 20 };
        byte[] data = Repeated("]", 200_000); // ~200 KB of EMPTY_LIST: a few MB to build, past a 1 MB floor

        Assert.IsType<List<object?>>(PyPickle.Loads(data));
        var e = Assert.Throws<UnpicklingException>(() => PyPickle.Loads(data, options));
        Assert.Contains("MaxBytesPerInputByte", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loads_MillionBigIntList_FromOurWriter_IsAccepted()
    {
        long[] numbers = [.. Enumerable.Range(0, 1_000_000).Select(i => 999_999_999_999L + (2L * i))];
        byte[] data = PyPickle.Dumps(numbers);

        var list = Assert.IsType<List<object?>>(PyPickle.Loads(data));

        Assert.Equal(1_000_000, list.Count);
        Assert.Equal(numbers[^1], list[^1]);
    }

    [Fact]
    public void Loads_LargeResultDict_FromOurWriter_IsAccepted()
    {
        // A factor-server result for a chunk of 100,000 numbers: {n: [p, q, r]}.
        var result = new Dictionary<object, object?>(PyEqualityComparer.Instance);
        for (long i = 0; i < 100_000; i++)
        {
            long n = 1_000_000_000_001L + (2 * i);
            result[n] = new List<object?> { 3L, 7L, n / 21 };
        }
        byte[] data = PyPickle.Dumps(result);

        var read = Assert.IsType<Dictionary<object, object?>>(PyPickle.Loads(data));

        Assert.Equal(100_000, read.Count);
    }

    [Fact]
    public void Loads_LargeResultDict_InCPythonsMemoizedForm_IsAccepted()
    {
        // What CPython's protocol 4 writes for {n: [p, q, r], ...}: every list memoized.
        var data = new List<byte> { 0x80, 4, (byte)'}', 0x94, (byte)'(' };
        for (long i = 0; i < 100_000; i++)
        {
            long n = 1_000_000_000_001L + (2 * i);
            data.AddRange(Long1(n));
            data.AddRange([(byte)']', 0x94, (byte)'(', (byte)'K', 3, (byte)'K', 7]);
            data.AddRange(Long1(n / 21));
            data.Add((byte)'e');
            if (i % 1000 == 999)
            {
                data.AddRange([(byte)'u', (byte)'(']);
            }
        }
        data.AddRange([(byte)'u', (byte)'.']);

        var read = Assert.IsType<Dictionary<object, object?>>(PyPickle.Loads(data.ToArray()));

        Assert.Equal(100_000, read.Count);
    }

    private static byte[] Long1(long value)
    {
        byte[] bytes = new BigInteger(value).ToByteArray();
        return [0x8A, (byte)bytes.Length, .. bytes];
    }

    /// <summary>t0 = None; t(i+1) = (t(i), t(i)) through the memo: 5 bytes a level, 2^levels values.</summary>
    private static List<byte> PairsOfPairs(int levels)
    {
        var data = new List<byte> { 0x80, 4, (byte)'N', 0x94 };
        for (int i = 0; i < levels; i++)
        {
            data.AddRange([(byte)'h', (byte)i, (byte)'h', (byte)i, 0x86, 0x94]);
        }
        return data;
    }

    [Fact]
    public void Loads_MemoizedPairsOfPairs_RefusedBeforeTheyExpand()
    {
        byte[] data = [.. PairsOfPairs(100), (byte)'.'];

        var e = Assert.Throws<UnpicklingException>(() => PyPickle.Loads(data));

        Assert.Contains("MaxExpandedValues", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loads_SharedTupleUsedAsDictKeyOverAndOver_RefusedInBoundedTime()
    {
        // A tuple that stands for 4 million values, then set as a key 100,000 times: before the budget, each
        // set hashed (and compared) the whole expansion; 2^22 x 100,000 steps would never end.
        List<byte> data = PairsOfPairs(22);
        data.AddRange([(byte)'}', (byte)'(']);
        for (int i = 0; i < 100_000; i++)
        {
            data.AddRange([(byte)'h', 22, (byte)'N']);
        }
        data.AddRange([(byte)'u', (byte)'.']);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var e = Assert.Throws<UnpicklingException>(() => PyPickle.Loads(data.ToArray()));

        Assert.Contains("MaxBytesPerInputByte", e.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Loads_MemoizedListsOfLists_RefusedAtStop()
    {
        // L0 = []; L(i+1) = [L(i), L(i)]: a writer without a memo would write 2^60 lists.
        var data = new List<byte> { 0x80, 4, (byte)']', 0x94 };
        for (int i = 0; i < 60; i++)
        {
            data.AddRange([(byte)']', 0x94, (byte)'(', (byte)'h', (byte)i, (byte)'h', (byte)i, (byte)'e', (byte)'0']);
        }
        data.AddRange([(byte)'h', 60, (byte)'.']);

        var e = Assert.Throws<UnpicklingException>(() => PyPickle.Loads(data.ToArray()));

        Assert.Contains("MaxExpandedValues", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loads_ModestSharing_IsAccepted()
    {
        // ten levels of pairs of pairs: 2^11 values, and the same list twice in a list.
        byte[] tuples = [.. PairsOfPairs(10), (byte)'.'];
        byte[] lists = Convert.FromHexString("80045d945d94284b014b0265616801612e");

        Assert.IsType<PyTuple>(PyPickle.Loads(tuples));
        var outer = Assert.IsType<List<object?>>(PyPickle.Loads(lists));
        Assert.Same(outer[0], outer[1]);
    }

    [Fact]
    public void Loads_ExpansionLimit_IsAnOption()
    {
        byte[] data = [.. PairsOfPairs(10), (byte)'.'];

        var e = Assert.Throws<UnpicklingException>(() => PyPickle.Loads(data, PickleReadOptions.Default with { MaxExpandedValues = 1000 }));

        Assert.Contains("MaxExpandedValues", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BINUNICODE", (byte)0x58)]
    [InlineData("BINBYTES", (byte)0x42)]
    public void Loads_LengthBeyondTheInput_AfterMegabytesOfData_DoesNotPreallocate(string what, byte opcode)
    {
        // 4 MB of bytes, then a 4-byte length of 2 GB with the real input ending soon after.
        byte[] data = [0x80, 4, 0x42, 0, 0, 0x40, 0, .. new byte[4 << 20], opcode, 0xFF, 0xFF, 0xFF, 0x7F, 1, 2, 3];
        long before = GC.GetAllocatedBytesForCurrentThread();

        Exception? e = Record.Exception(() => PyPickle.Loads(data));

        Assert.True(e is UnpicklingException, $"{what}: {e}");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64L << 20, what);
    }
}
