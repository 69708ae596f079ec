using System.Text.RegularExpressions;
using Factorizer.Managers.Client;
using Factorizer.Managers.Tests.Support;
using Factorizer.Managers.Wire;
using Factorizer.Pickle;
using Factorizer.TestSupport;

namespace Factorizer.Managers.Tests.Hostile;

/// <summary>
/// Peers that cost the server time, memory or log space without breaking a rule outright: a frame begun and
/// never finished, a pickle that builds far more than it weighs, and floods of connections that come and go.
/// </summary>
public partial class BoundedPeerTests
{
    private static async Task<(ManagerClient Client, QueueProxy<string> Queue)> WitnessAsync(TestServer server)
    {
        ManagerClient client = await server.ConnectAsync();
        QueueProxy<string> queue = await client.GetQueueAsync<string>("get_queue", ["witness"]).WaitAsync(Timeouts.Short);
        return (client, queue);
    }

    private static async Task RoundTripAsync(QueueProxy<string> queue, string item)
    {
        await queue.PutAsync(item).AsTask().WaitAsync(Timeouts.Short);
        Assert.Equal(item, await queue.GetAsync(TimeSpan.Zero).AsTask().WaitAsync(Timeouts.Short));
    }

    [Theory]
    [InlineData(true, new byte[] { 0, 0, 0, 50, 0x80, 0x04 })]
    [InlineData(true, new byte[] { 0, 0 })]
    [InlineData(false, new byte[] { 0, 0, 0, 50, 0x80, 0x04 })]
    public async Task HalfSentFrame_ClosedWhenTheFrameReadTimeoutPasses_WithOneLogLine(bool inCallLoop, byte[] begun)
    {
        var time = new ManualTimeProvider();
        await using TestServer server = TestServer.Start(time: time, frameReadTimeout: TimeSpan.FromSeconds(30));
        (ManagerClient client, QueueProxy<string> witness) = await WitnessAsync(server);
        await using RawPeer peer = inCallLoop
            ? await RawPeer.ConnectCallChannelAsync(server.EndPoint, server.Key)
            : await RawPeer.ConnectAuthenticatedAsync(server.EndPoint, server.Key);

        await peer.WriteRawAsync(begun);
        await Timeouts.UntilAsync(() => time.ArmedTimers > 0, "the server starts the frame's clock");
        time.Advance(TimeSpan.FromSeconds(29));
        await RoundTripAsync(witness, "before");
        time.Advance(TimeSpan.FromSeconds(2));

        await peer.AssertClosedAsync();
        await Timeouts.UntilAsync(() => server.Log.Any(l => l.Contains("frame not completed within 30 s", StringComparison.Ordinal)), "the log line");
        Assert.Single(server.Log, l => l.Contains("frame not completed", StringComparison.Ordinal));
        await RoundTripAsync(witness, "after");
        await witness.DisposeAsync();
        await client.DisposeAsync();
    }

    [Fact]
    public async Task IdleCallChannel_BetweenFrames_IsNeverCutOff()
    {
        var time = new ManualTimeProvider();
        await using TestServer server = TestServer.Start(time: time, frameReadTimeout: TimeSpan.FromSeconds(30));
        await using RawPeer idle = await RawPeer.ConnectCallChannelAsync(server.EndPoint, server.Key);
        await using ManagerClient client = await server.ConnectAsync();
        (Token token, _) = await client.CreateAsync("get_job_q", []);

        time.Advance(TimeSpan.FromHours(2));

        Assert.Equal(Reply.Return(0L), await idle.RequestAsync(Request.Of(token.Id, "qsize")));
        Assert.DoesNotContain(server.Log, l => l.Contains("frame not completed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SlowButSteadyFrame_WithinTheTimeout_IsServed()
    {
        var time = new ManualTimeProvider();
        await using TestServer server = TestServer.Start(time: time, frameReadTimeout: TimeSpan.FromSeconds(30));
        await using RawPeer peer = await RawPeer.ConnectCallChannelAsync(server.EndPoint, server.Key);
        await using ManagerClient client = await server.ConnectAsync();
        (Token token, _) = await client.CreateAsync("get_job_q", []);
        byte[] request = PyPickle.Dumps(Request.Of(token.Id, "qsize").ToValue());
        byte[] frame = [0, 0, 0, (byte)request.Length, .. request];

        await peer.WriteRawAsync(frame[..3]);
        await Timeouts.UntilAsync(() => time.ArmedTimers > 0, "the server starts the frame's clock");
        time.Advance(TimeSpan.FromSeconds(20));
        await peer.WriteRawAsync(frame[3..]);

        Assert.Equal(Reply.Return(0L), await peer.ReadReplyAsync());
    }

    [Fact]
    public async Task AmplifyingPickle_8MbOfEmptyLists_RefusedWithTracebackAndTheChannelStillServes()
    {
        await using TestServer server = TestServer.Start();
        (ManagerClient client, QueueProxy<string> witness) = await WitnessAsync(server);
        await using RawPeer peer = await RawPeer.ConnectCallChannelAsync(server.EndPoint, server.Key);
        byte[] flood = new byte[8 << 20];
        Array.Fill(flood, (byte)']');
        flood[0] = 0x80;
        flood[1] = 4;
        flood[^1] = (byte)'.';

        await peer.WriteFrameAsync(flood);
        Reply reply = await peer.ReadReplyAsync();
        Reply next = await peer.RequestAsync(Request.Of("0", "qsize"));

        Assert.Equal(WireLiterals.Traceback, reply.Kind);
        Assert.Contains("MaxBytesPerInputByte", (string)reply.Payload!, StringComparison.Ordinal);
        Assert.Equal(WireLiterals.Traceback, next.Kind); // unknown ident, but answered: the channel goes on
        await RoundTripAsync(witness, "after");
        await witness.DisposeAsync();
        await client.DisposeAsync();
    }

    [GeneratedRegex(@"… and (\d+) more like it")]
    private static partial Regex Summary();

    [Fact]
    public async Task ThreeHundredConnectionsThatComeAndGo_WriteAFewLinesAndOneSummaryPerKind()
    {
        var time = new ManualTimeProvider();
        await using TestServer server = TestServer.Start(time: time, connectionLogLines: 10);

        for (int i = 0; i < 300; i++)
        {
            RawPeer peer = await RawPeer.ConnectAsync(server.EndPoint);
            await peer.DisposeAsync();
        }
        await Timeouts.UntilAsync(() => server.Server.ConnectionCount == 0, "every connection closed");
        int shown = server.Log.Count;
        Assert.True(shown <= 20, $"{shown} lines before the summaries:\n{string.Join('\n', server.Log)}");

        // A closed connection's line may be logged a moment after the count drops (on a loaded
        // machine, after the first window ends): move the fake clock window by window until every
        // connection is either shown or counted in a summary.
        int windows = 0;
        await Timeouts.UntilAsync(() =>
        {
            time.Advance(TimeSpan.FromSeconds(10));
            windows++;
            return Accounted(server.Log) == 300;
        }, "all 300 connections shown or summarised");
        IReadOnlyList<string> log = server.Log;
        int plain = log.Count(l => !Summary().IsMatch(l));
        Assert.True(plain <= 10 * (windows + 1), $"{plain} plain lines over {windows + 1} windows:\n{string.Join('\n', log)}");
    }

    /// <summary>Connections accounted for: lines shown, plus those a summary line counts.</summary>
    private static int Accounted(IReadOnlyList<string> log) =>
        log.Count(l => !Summary().IsMatch(l))
        + log.Select(l => Summary().Match(l)).Where(m => m.Success).Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
}
