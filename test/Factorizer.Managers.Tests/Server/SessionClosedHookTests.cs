using System.Collections.Concurrent;
using Factorizer.Managers.Client;
using Factorizer.Managers.Server;
using Factorizer.Managers.Tests.Support;
using Factorizer.Managers.Wire;
using Factorizer.Pickle;

namespace Factorizer.Managers.Tests.Server;

/// <summary><see cref="ISharedObject.SessionClosedAsync"/>: each object a connection called hears once that it closed.</summary>
public class SessionClosedHookTests
{
    private sealed class Recorder : ISharedObject
    {
        public ConcurrentQueue<long> Closed { get; } = new();

        public IReadOnlyList<string> ExposedMethods { get; } = ["ping"];

        public ValueTask<object?> InvokeAsync(SharedCall call, CancellationToken cancellationToken) => ValueTask.FromResult<object?>("pong");

        public ValueTask SessionClosedAsync(SessionInfo session)
        {
            Closed.Enqueue(session.Id);
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task CallChannelCloses_CalledObjectToldOnce_UncalledObjectNot_BeforeTheServerHook()
    {
        var called = new Recorder();
        var untouched = new Recorder();
        var serverHookSawObjectNotified = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var manager = new QueueManager(new ManagerServerOptions
        {
            AuthKey = TestServer.DefaultKey,
            SessionClosed = s =>
            {
                if (s.Name is not null)
                {
                    serverHookSawObjectNotified.TrySetResult(called.Closed.Contains(s.Id));
                }
            },
        });
        manager.Register("get_called", (_, _) => called).Register("get_untouched", (_, _) => untouched);
        await using (manager)
        {
            manager.Start(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
            ManagerClient client = await ManagerClient.ConnectAsync(new ManagerClientOptions { Host = "127.0.0.1", Port = manager.Server.EndPoint.Port, AuthKey = TestServer.DefaultKey }).WaitAsync(Timeouts.Short);
            (Token token, _) = await client.CreateAsync("get_called", []).WaitAsync(Timeouts.Short);
            await client.CreateAsync("get_untouched", []).WaitAsync(Timeouts.Short);
            Assert.Equal("pong", await client.CallAsync(token.Id, "ping", PyTuple.Empty).WaitAsync(Timeouts.Short));
            Assert.Equal("pong", await client.CallAsync(token.Id, "ping", PyTuple.Empty).WaitAsync(Timeouts.Short));

            await client.DisposeAsync();

            Assert.True(await serverHookSawObjectNotified.Task.WaitAsync(Timeouts.Short), "the object was told before SessionClosed ran");
            Assert.Single(called.Closed);
            Assert.Empty(untouched.Closed);
        }
    }
}
