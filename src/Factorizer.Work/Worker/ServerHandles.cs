using Factorizer.Managers.Auth;
using Factorizer.Managers.Client;
using Factorizer.Work.Jobs;

namespace Factorizer.Work.Worker;

/// <summary>
/// What a worker holds on its server: the job and result queue proxies and the status object's
/// ident (null on a server without one, the seed's Python server). Each is a control call on a
/// connection of its own (CPython's protocol: connect, two-way challenge, one request), so they are
/// taken at once rather than one after another, and given back at once when the worker leaves:
/// start-up and exit each wait for one round of connections, not three.
/// </summary>
internal sealed class ServerHandles : IAsyncDisposable
{
    private readonly ManagerClient _client;

    private ServerHandles(ManagerClient client, QueueProxy<object?> jobs, QueueProxy<object?> results, string? statusId)
    {
        _client = client;
        Jobs = jobs;
        Results = results;
        StatusId = statusId;
    }

    /// <summary>The job queue.</summary>
    public QueueProxy<object?> Jobs { get; }

    /// <summary>The result queue.</summary>
    public QueueProxy<object?> Results { get; }

    /// <summary>The status object's ident, or null when the server has none (a Python server).</summary>
    public string? StatusId { get; }

    /// <summary>Takes the three handles; on failure gives back those taken and throws the first failure.</summary>
    public static async Task<ServerHandles> OpenAsync(ManagerClient client, CancellationToken cancellationToken)
    {
        Task<QueueProxy<object?>> jobs = client.GetQueueAsync<object?>(JobWire.JobQueue, cancellationToken: cancellationToken);
        Task<QueueProxy<object?>> results = client.GetQueueAsync<object?>(JobWire.ResultQueue, cancellationToken: cancellationToken);
        Task<string?> status = FindStatusAsync(client, cancellationToken);
        try
        {
            await Task.WhenAll(jobs, results, status).ConfigureAwait(false);
        }
        catch
        {
            // All three have ended here (WhenAll waits for every one): release what was taken.
            await Task.WhenAll(
                jobs.IsCompletedSuccessfully ? jobs.Result.DisposeAsync().AsTask() : Task.CompletedTask,
                results.IsCompletedSuccessfully ? results.Result.DisposeAsync().AsTask() : Task.CompletedTask,
                status is { IsCompletedSuccessfully: true, Result: { } ident } ? ReleaseAsync(client, ident) : Task.CompletedTask).ConfigureAwait(false);
            throw;
        }
        return new ServerHandles(client, jobs.Result, results.Result, status.Result);
    }

    /// <summary>Gives back all three references at once.</summary>
    public ValueTask DisposeAsync() =>
        new(Task.WhenAll( // not an async method: each of those costs every worker process a few JIT compilations
            StatusId is null ? Task.CompletedTask : ReleaseAsync(_client, StatusId),
            Results.DisposeAsync().AsTask(),
            Jobs.DisposeAsync().AsTask()));

    /// <summary>The status object's ident, or null when the server has none (a Python server).</summary>
    private static async Task<string?> FindStatusAsync(ManagerClient client, CancellationToken cancellationToken)
    {
        try
        {
            (Managers.Wire.Token token, _) = await client.CreateAsync(JobWire.Status, [], cancellationToken).ConfigureAwait(false);
            return token.Id;
        }
        catch (RemoteException)
        {
            return null;
        }
    }

    private static async Task ReleaseAsync(ManagerClient client, string ident)
    {
        try
        {
            await client.DecRefAsync(ident).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or RemoteException or ManagerAuthenticationException)
        {
            // The server is gone or finishing: nothing left to release.
        }
    }
}
