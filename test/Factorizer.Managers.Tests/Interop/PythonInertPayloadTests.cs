using System.Globalization;
using System.Text.Json;
using Factorizer.Managers.Tests.Support;
using Factorizer.Pickle;
using Factorizer.TestSupport;
using Xunit.Abstractions;

namespace Factorizer.Managers.Tests.Interop;

/// <summary>
/// Payloads off the whitelist through our server (docs/protocol.md §5.4): one CPython puts stdlib values and
/// its own classes' instances, another CPython gets equal objects; a payload that would call os.system gets
/// an error and the same proxy keeps working.
/// </summary>
public class PythonInertPayloadTests(ITestOutputHelper output)
{
    [Theory]
    [InstalledPythons]
    [MissingPythons]
    public async Task CPythonPutsInertPayloads_AnotherCPythonGetsEqualObjects_ExploitRefusedProxyStillWorks(string version)
    {
        // The consumer is another version where one is installed: 3.13 for the others, 3.8 (or 3.11) for 3.13.
        string consumer = version != "3.13" ? (Python.PathOf("3.13") is null ? "3.11" : "3.13") : (Python.PathOf("3.8") is null ? "3.11" : "3.8");
        output.WriteLine($"{Python.Describe(version)} puts, {Python.Describe(consumer)} gets");
        using var temp = new TempDirectory();
        string marker = temp.File("pwned");
        await using TestServer server = TestServer.Start();
        string port = server.Port.ToString(CultureInfo.InvariantCulture);

        JsonElement put = await RunAsync(version, "put", "--port", port, "--marker", marker);
        Assert.Equal(6, server.Jobs.Count); // five payloads and 'after'
        JsonElement got = await RunAsync(consumer, "get", "--port", port);

        string exploit = put.GetProperty("exploit").GetString()!;
        Assert.Contains(".system'", exploit, StringComparison.Ordinal); // os.system pickles as posix.system or nt.system
        Assert.Contains("denylist", exploit, StringComparison.Ordinal);
        Assert.Equal(6, put.GetProperty("qsize").GetInt32()); // the same proxy kept working after the refusal
        Assert.False(File.Exists(marker), "the payload ran code");
        Assert.Equal(6, got.GetProperty("count").GetInt32());
        Assert.Empty(got.GetProperty("bad").EnumerateArray());
        Assert.Equal(0, server.Jobs.Count);
    }

    [Fact]
    public async Task InertPayloadPutByCPython_SeenFromCSharp_AsPyObject()
    {
        await using TestServer server = TestServer.Start();

        await RunAsync("3.11", "put", "--port", server.Port.ToString(CultureInfo.InvariantCulture));

        Assert.True(server.Jobs.TryGet(out object? first));
        var date = Assert.IsType<PyObject>(first);
        Assert.Equal(new PyGlobal("datetime", "date"), date.Type);
        Assert.True(server.Jobs.TryGet(out object? second));
        var job = Assert.IsType<PyObject>(second);
        Assert.Equal(new PyGlobal("__main__", "Job"), job.Type);
        Assert.True(job.HasState);
    }

    private async Task<JsonElement> RunAsync(string version, params string[] args)
    {
        await using ChildProcess python = PythonScripts.Start(version, "inert_client.py", args);
        ProcessResult run = await python.WaitAsync(Timeouts.Long);
        output.WriteLine(run.ToString());
        Assert.True(run.ExitCode == 0, run.ToString());
        string line = run.StdOut.Split('\n').Single(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        using JsonDocument doc = JsonDocument.Parse(line["RESULT ".Length..]);
        return doc.RootElement.Clone();
    }
}
