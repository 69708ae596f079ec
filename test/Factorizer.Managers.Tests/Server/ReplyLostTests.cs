using Factorizer.Managers.Queues;
using Factorizer.Managers.Server;
using Factorizer.Managers.Tests.Support;
using Factorizer.Managers.Wire;

namespace Factorizer.Managers.Tests.Server;

/// <summary>
/// A call that succeeds after its caller went away: the server must not answer into the void and
/// must let the object undo it (a got item goes back to the queue).
/// </summary>
public class ReplyLostTests
{
    /// <summary>A shared queue whose get finishes even when cancelled, and reports the cancel request.</summary>
    private sealed class StubbornQueue(LocalQueue<object?> queue) : SharedQueue(queue)
    {
        public TaskCompletionSource CancelRequested { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<object?> Lost { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override ValueTask<object?> GetAsync(SharedCall call, TimeSpan? timeout, CancellationToken cancellationToken)
        {
            cancellationToken.Register(() => CancelRequested.TrySetResult());
            return Queue.GetAsync(timeout, CancellationToken.None);
        }

        public override async ValueTask ReplyLostAsync(SharedCall call, object? result)
        {
            await base.ReplyLostAsync(call, result);
            Lost.TrySetResult(result);
        }
    }

    [Fact]
    public async Task Get_CompletesAfterCallerDisconnected_ItemRequeuedForTheNextGetter()
    {
        var queue = new LocalQueue<object?>();
        var stubborn = new StubbornQueue(queue);
        await using TestServer server = TestServer.Start(configure: m => m.RegisterQueue("get_stubborn_q", stubborn));
        await using var client = await server.ConnectAsync();
        (Token token, _) = await client.CreateAsync("get_stubborn_q", []);

        RawPeer peer = await RawPeer.ConnectCallChannelAsync(server.EndPoint, server.Key);
        await peer.SendAsync(Request.Of(token.Id, "get"));
        await Timeouts.UntilAsync(() => queue.WaitingGetters == 1, "the get is blocked");
        await peer.DisposeAsync();
        await stubborn.CancelRequested.Task.WaitAsync(Timeouts.Short); // the server saw the peer go
        queue.TryPut("orphan"); // the still-running get takes it; its reply has nowhere to go

        Assert.Equal("orphan", await stubborn.Lost.Task.WaitAsync(Timeouts.Short));
        Assert.Equal(1, queue.Count);
        Assert.Equal("orphan", await client.CallAsync(token.Id, "get_nowait", Factorizer.Pickle.PyTuple.Empty).WaitAsync(Timeouts.Short));
    }
}
