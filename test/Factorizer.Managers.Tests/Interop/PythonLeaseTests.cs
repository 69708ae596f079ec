using System.Globalization;
using System.Text.Json;
using Factorizer.Managers.Tests.Support;
using Factorizer.TestSupport;

namespace Factorizer.Managers.Tests.Interop;

/// <summary>Lease calls from CPython's own proxies (<c>_callmethod</c> and AutoProxy methods) against our server.</summary>
public class PythonLeaseTests
{
    [Theory]
    [InstalledPythons]
    [MissingPythons]
    public async Task LeaseClient_ReserveAckReleaseTouch_AsPythonSeesThem(string version)
    {
        await using TestServer server = TestServer.Start();
        server.Jobs.TryPut("job-1");

        await using ChildProcess python = PythonScripts.Start(version, "lease_client.py", "--port", server.Port.ToString(CultureInfo.InvariantCulture));
        ProcessResult run = await python.WaitAsync(Timeouts.Long);

        Assert.True(run.ExitCode == 0, run.ToString());
        string line = run.StdOut.Split('\n').Single(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        using JsonDocument doc = JsonDocument.Parse(line["RESULT ".Length..]);
        JsonElement r = doc.RootElement;
        Assert.Equal(["int", "job-1"], r.GetProperty("reserve").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(JsonValueKind.Null, r.GetProperty("touch").ValueKind);
        Assert.Equal(JsonValueKind.Null, r.GetProperty("release").ValueKind);
        Assert.Equal("job-1", r.GetProperty("again")[0].GetString());
        Assert.True(r.GetProperty("again")[1].GetBoolean(), "a new lease id");
        Assert.Equal(JsonValueKind.Null, r.GetProperty("ack").ValueKind);
        long againId = r.GetProperty("again_id").GetInt64();
        AssertError(r, "ack_again", "KeyError", $"lease {againId} is unknown or expired");
        AssertError(r, "unknown", "KeyError", "lease 12345 is unknown or expired");
        AssertError(r, "empty", "queue.Empty", "");
        AssertError(r, "bad_block", "TypeError", "'block'");
        AssertError(r, "bad_ttr", "TypeError", "'ttr'");
        AssertError(r, "nan_ttr", "ValueError", "'ttr'");
        AssertError(r, "huge_ttr", "ValueError", "'ttr'");
        AssertError(r, "bad_id", "TypeError", "lease_id");
        AssertError(r, "negative_delay", "ValueError", "'delay'");
        Assert.Equal(0, r.GetProperty("qsize").GetInt32());
        Assert.Equal("job-2", r.GetProperty("proxy_reserve").GetString());
        Assert.Equal("job-2", r.GetProperty("held").GetString());

        // The script exited holding a lease on job-2: its connection closed, so the item is back.
        await Timeouts.UntilAsync(() => server.Jobs.LeasedCount == 0 && server.Jobs.Count == 1, "the exited client's lease is back");
        Assert.True(server.Jobs.TryGet(out object? back));
        Assert.Equal("job-2", back);
    }

    private static void AssertError(JsonElement result, string name, string type, string messagePart)
    {
        JsonElement e = result.GetProperty(name);
        Assert.True(e.ValueKind == JsonValueKind.Array, $"{name}: no exception, got {e.GetRawText()}");
        Assert.Equal(type, e[0].GetString());
        Assert.Contains(messagePart, e[1].GetString(), StringComparison.Ordinal);
    }
}
