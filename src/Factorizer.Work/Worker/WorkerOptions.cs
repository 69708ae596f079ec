namespace Factorizer.Work.Worker;

/// <summary>What one worker process needs to drain a server's job queue.</summary>
/// <param name="Host">Server host.</param>
/// <param name="Port">Server port.</param>
/// <param name="AuthKey">Shared secret (from the environment, never argv).</param>
/// <param name="ConnectionName">Name sent with accept_connection, e.g. <c>factor-client@host:pid/w1</c>.</param>
/// <param name="ReconnectFor">How long to keep retrying after the server goes away before giving up.</param>
public sealed record WorkerOptions(string Host, int Port, ReadOnlyMemory<byte> AuthKey, string ConnectionName, TimeSpan ReconnectFor)
{
    /// <summary>How long one <c>get</c> waits before the worker asks whether the run is finished.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Receives progress and error lines (stderr in the programs).</summary>
    public Action<string> Log { get; init; } = _ => { };

    /// <summary>Called each time the worker has connected and found its queues (a supervisor's sign of life).</summary>
    public Action Connected { get; init; } = () => { };

    /// <summary>The clock of the lease heartbeat (a test puts in a manual one).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Factors one number (tests put in one that fails); the real factorizer by default.</summary>
    internal Func<object, List<object?>> FactorNumber { get; init; } = Jobs.ChunkFactorizer.FactorNumber;
}
