using System.Text;
using Factorizer.Pickle.Tests.Support;

namespace Factorizer.Pickle.Tests;

/// <summary>
/// A seeded fuzz of the reader over the recorded vectors: every mutation either reads or throws an
/// <see cref="UnpicklingException"/> (the documented type; never a NullReference, IndexOutOfRange, InvalidCast,
/// stack overflow or out-of-memory), and never allocates beyond the amplification budget.
/// </summary>
public sealed class PickleFuzzTests
{
    private const int Cases = 12_000;

    // Every opcode this reader knows, and some it refuses, for splices.
    private static readonly byte[] Opcodes = Encoding.Latin1.GetBytes("().0129NKMJ\u008a\u008bGX\u008cBC\u008e\u008d\u0096)\u0085\u0086\u0087t]le}dsu\u008f\u0090\u0091\u0094qrhjc\u0093R\u0081\u0092bP\u0095\u0080\u0088\u0089ISVFLgpio\u0097\u0098");

    [Fact]
    public void Loads_SeededMutationsOfEveryVector_ReadOrUnpicklingExceptionWithinBudget()
    {
        PickleVector[] vectors = [.. PickleVectors.Cases.Concat(PickleVectors.WriterExamples)];
        var random = new Random(61_803);
        var failures = new List<string>();
        int read = 0;
        int refused = 0;
        for (int i = 0; i < Cases && failures.Count < 10; i++)
        {
            byte[] data = Mutate(vectors, random);
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                PyPickle.Loads(data, TestGlobals.ManagerOptions);
                read++;
            }
            catch (UnpicklingException)
            {
                refused++;
            }
            catch (Exception e)
            {
                failures.Add($"case {i}: {e.GetType().Name}: {e.Message} for {Convert.ToHexStringLower(data.AsSpan(0, Math.Min(data.Length, 200)))}");
                continue;
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            long budget = TestGlobals.ManagerOptions.BudgetFor(data.Length);
            if (allocated > budget + (1 << 20))
            {
                failures.Add($"case {i}: allocated {allocated:N0} bytes, budget {budget:N0}, for {Convert.ToHexStringLower(data.AsSpan(0, Math.Min(data.Length, 200)))}");
            }
        }
        Assert.Empty(failures);
        Assert.True(read > Cases / 20, $"only {read} mutations read; the fuzzer is too rough");
        Assert.True(refused > Cases / 4, $"only {refused} mutations refused; the fuzzer is too gentle");
    }

    /// <summary>One to four mutations of one vector, or of two spliced together.</summary>
    internal static byte[] Mutate(IReadOnlyList<PickleVector> vectors, Random random)
    {
        var data = new List<byte>(vectors[random.Next(vectors.Count)].Bytes);
        int count = random.Next(1, 5);
        for (int m = 0; m < count && data.Count > 0; m++)
        {
            int at = random.Next(data.Count);
            switch (random.Next(10))
            {
                case 0: // bit flip
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1: // truncation
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 2: // a length that lies: 1, 4 or 8 bytes of large or off-by-one values
                    int width = new[] { 1, 4, 8 }[random.Next(3)];
                    byte fill = new byte[] { 0xFF, 0x7F, 0x00, 0x01 }[random.Next(4)];
                    for (int k = at; k < Math.Min(at + width, data.Count); k++)
                    {
                        data[k] = fill;
                    }
                    break;
                case 3: // opcode splice
                    data.Insert(at, Opcodes[random.Next(Opcodes.Length)]);
                    break;
                case 4: // opcode with a huge declared length
                    data.InsertRange(at, [Opcodes[random.Next(Opcodes.Length)], 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]);
                    break;
                case 5: // duplicated segment, possibly many times (amplification)
                {
                    int length = random.Next(1, Math.Min(16, data.Count - at) + 1);
                    byte[] segment = [.. data.GetRange(at, length)];
                    int times = random.Next(4) == 0 ? random.Next(100, 20_000) : random.Next(1, 4);
                    var repeated = new byte[segment.Length * times];
                    for (int t = 0; t < times; t++)
                    {
                        segment.CopyTo(repeated, t * segment.Length);
                    }
                    data.InsertRange(at, repeated);
                    break;
                }
                case 6: // splice in the body of another vector
                {
                    byte[] other = vectors[random.Next(vectors.Count)].Bytes;
                    int from = random.Next(other.Length);
                    data.InsertRange(at, other.AsSpan(from, random.Next(0, other.Length - from + 1)).ToArray());
                    break;
                }
                case 7: // delete a run
                    data.RemoveRange(at, random.Next(1, Math.Min(8, data.Count - at) + 1));
                    break;
                case 8: // random byte
                    data[at] = (byte)random.Next(256);
                    break;
                default: // memo traffic: GET/PUT of small indexes
                    data.InsertRange(at, [new byte[] { 0x68, 0x71, 0x94 }[random.Next(3)], (byte)random.Next(4)]);
                    break;
            }
        }
        return [.. data];
    }
}
