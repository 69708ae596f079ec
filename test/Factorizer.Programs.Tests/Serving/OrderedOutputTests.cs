using Factorizer.Work.Serving;

namespace Factorizer.Programs.Tests.Serving;

public class OrderedOutputTests
{
    [Fact]
    public void Complete_InOrder_WritesAtOnce()
    {
        var writer = new StringWriter();
        var output = new OrderedOutput(writer);
        output.Complete(0, "a\n");
        output.Complete(1, "b\n");
        Assert.Equal("a\nb\n", writer.ToString());
        Assert.Equal(2, output.Written);
        Assert.Equal(0, output.Buffered);
    }

    [Fact]
    public void Complete_OutOfOrder_HoldsLaterChunksUntilTheGapCloses()
    {
        var writer = new StringWriter();
        var output = new OrderedOutput(writer);
        output.Complete(2, "c\n");
        output.Complete(1, "b\n");
        Assert.Equal("", writer.ToString());
        Assert.Equal(0, output.Written);
        Assert.Equal(2, output.Buffered);
        output.Complete(0, "a\n");
        Assert.Equal("a\nb\nc\n", writer.ToString());
        Assert.Equal(3, output.Written);
        Assert.Equal(0, output.Buffered);
    }

    [Fact]
    public void Complete_ShuffledThousand_WritesInInputOrder()
    {
        var writer = new StringWriter();
        var output = new OrderedOutput(writer);
        int[] order = [.. Enumerable.Range(0, 1000)];
        new Random(42).Shuffle(order);
        Parallel.ForEach(order, i => output.Complete(i, $"{i}\n"));
        Assert.Equal(string.Concat(Enumerable.Range(0, 1000).Select(i => $"{i}\n")), writer.ToString());
    }

    [Fact]
    public async Task WaitForWrittenAsync_ZeroOrAlreadyWritten_CompletesAtOnce()
    {
        var output = new OrderedOutput(new StringWriter());
        await output.WaitForWrittenAsync(0, CancellationToken.None);
        output.Complete(0, "");
        Assert.True(output.WaitForWrittenAsync(1, CancellationToken.None).IsCompletedSuccessfully);
    }

    [Fact]
    public async Task WaitForWrittenAsync_CompletesWhenEnoughChunksAreWritten()
    {
        var output = new OrderedOutput(new StringWriter());
        Task two = output.WaitForWrittenAsync(2, CancellationToken.None);
        Task three = output.WaitForWrittenAsync(3, CancellationToken.None);
        output.Complete(1, "b\n");
        Assert.False(two.IsCompleted);
        output.Complete(0, "a\n");
        await two.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(three.IsCompleted);
        output.Complete(2, "c\n");
        await three.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task WaitForWrittenAsync_Cancelled_Throws()
    {
        var output = new OrderedOutput(new StringWriter());
        using var cancel = new CancellationTokenSource();
        Task wait = output.WaitForWrittenAsync(1, cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }

    [Fact]
    public void Complete_PastTheMemoryLimit_SpillsToDiskAndStillWritesInOrder()
    {
        var writer = new StringWriter();
        using var output = new OrderedOutput(writer) { MemoryLimit = 10 };
        var rng = new Random(7);
        int[] order = [.. Enumerable.Range(1, 500).OrderBy(_ => rng.Next())];
        foreach (int i in order)
        {
            output.Complete(i, $"{i}: line with some text\n");
        }
        Assert.Equal(500, output.Buffered);
        Assert.True(output.Spilled > 400, $"only {output.Spilled} spilled");
        Assert.Equal("", writer.ToString());

        output.Complete(0, "0: first\n");

        Assert.Equal(0, output.Buffered);
        string expected = "0: first\n" + string.Concat(Enumerable.Range(1, 500).Select(i => $"{i}: line with some text\n"));
        Assert.Equal(expected, writer.ToString());
        Assert.Equal(501, output.LinesWritten);
    }

    [Fact]
    public void Complete_SpillFileReusedAfterItEmpties_KeepsOrder()
    {
        var writer = new StringWriter();
        using var output = new OrderedOutput(writer) { MemoryLimit = 0 };
        for (int round = 0; round < 3; round++)
        {
            int first = round * 10;
            for (int i = first + 9; i > first; i--)
            {
                output.Complete(i, $"{i}\n");
            }
            output.Complete(first, $"{first}\n");
        }
        Assert.Equal(string.Concat(Enumerable.Range(0, 30).Select(i => $"{i}\n")), writer.ToString());
    }

    [Fact]
    public void Complete_DuplicateOrAfterClose_IsIgnored()
    {
        var writer = new StringWriter();
        var output = new OrderedOutput(writer);
        output.Complete(0, "a\n");
        output.Complete(0, "a again\n");
        output.Complete(2, "c\n");
        output.Complete(2, "c again\n");
        output.Close();
        output.Complete(1, "b\n");
        Assert.Equal("a\n", writer.ToString());
        Assert.Equal(1, output.LinesWritten);
    }
}
