using System.Text;
using Factorizer.Work.Serving;

namespace Factorizer.Programs.Tests.Serving;

public class VerifiedLinesTests
{
    [Fact]
    public void Add_EveryIndexInOrder_CoversTheChunkAndTextIsTheLines()
    {
        var lines = new VerifiedLines(3);
        lines.Add(0, 12, [2, 2, 3]);
        lines.Add(1, 1, []);
        lines.Add(2, 13, [13]);

        Assert.True(lines.CoversInOrder(3));
        Assert.False(lines.CoversInOrder(4));
        Assert.Equal("12: 2 2 3\n1:\n13: 13\n", lines.Text());
        Assert.Equal("1:", lines.Line(1).ToString());
    }

    [Fact]
    public void Add_OutOfOrderOrWithGaps_DoesNotCoverTheChunk_ButEachLineIsKept()
    {
        var lines = new VerifiedLines(4);
        lines.Add(1, 6, [2, 3]);
        lines.Add(0, 4, [2, 2]);
        Assert.False(lines.CoversInOrder(2));
        Assert.Equal(1, lines.IndexAt(0));
        Assert.Equal("4: 2 2", lines.Line(1).ToString());

        var gap = new VerifiedLines(4);
        gap.Add(0, 4, [2, 2]);
        gap.Add(2, 6, [2, 3]);
        Assert.False(gap.CoversInOrder(2));
        var text = new StringBuilder();
        gap.AppendTo(text, 1);
        gap.AppendTo(text, 0);
        Assert.Equal("6: 2 3\n4: 2 2\n", text.ToString());
    }

    [Fact]
    public void Add_FarMoreThanTheRoomAskedFor_GrowsAndKeepsEveryLine()
    {
        var lines = new VerifiedLines(1);
        var expected = new StringBuilder();
        ulong[] many = [.. Enumerable.Repeat(2UL, 63)];
        for (int i = 0; i < 200; i++)
        {
            lines.Add(i, 9_223_372_036_854_775_808, many); // 2^63: the longest line a 64-bit number has
            expected.Append("9223372036854775808:").Append(string.Concat(Enumerable.Repeat(" 2", 63))).Append('\n');
        }
        lines.Add(200, "340282366920938463463374607431768211457: 59649589127497217 5704689200685129054721");
        expected.Append("340282366920938463463374607431768211457: 59649589127497217 5704689200685129054721\n");

        Assert.True(lines.CoversInOrder(201));
        Assert.Equal(expected.ToString(), lines.Text());
    }

    [Fact]
    public void Add_MoreFactorsThanA64BitNumberHas_StillFormatsTheLine()
    {
        var lines = new VerifiedLines(1);
        lines.Add(0, 1, [.. Enumerable.Repeat(1UL, 70)]); // never verified as true; formatting must not fail
        Assert.StartsWith("1: 1 1 1", lines.Line(0).ToString(), StringComparison.Ordinal);
        Assert.Equal(2 + (70 * 2), lines.Line(0).Length);
    }
}
