using System.Globalization;
using Factorizer.WireBench;

// The queue protocol's speed and scale (bench/README.md, "Factorizer.WireBench"). Two more modes: `blockers`
// is the child process of the scale section, `echo` that of the socket floor; `load` runs C# clients against any
// manager (for profiling).
int Arg(string name) => int.Parse(args[Array.IndexOf(args, name) + 1], CultureInfo.InvariantCulture);
if (args.Length > 0 && args[0] == "blockers")
{
    await ScaleSection.BlockersAsync(Arg("--port"), Arg("--count"));
    return 0;
}
if (args.Length > 0 && args[0] == "echo")
{
    SocketFloor.Echo(Arg("--port"));
    return 0;
}
if (args.Length > 0 && args[0] == "load")
{
    byte[] key = System.Text.Encoding.UTF8.GetBytes(args[Array.IndexOf(args, "--authkey") + 1]);
    double rate = await ManagerLoad.RunAsync(Arg("--port"), key, "get_q", Arg("--clients"), TimeSpan.FromSeconds(Arg("--seconds")), sync: args.Contains("--sync"), pipelined: args.Contains("--pipelined"));
    Console.WriteLine($"{rate:0} pairs/s, client CPU {ManagerLoad.LastCpuPerPair.TotalMicroseconds:0.0} µs per pair (sync and pipelined clients)");
    return 0;
}

BenchSettings settings;
try
{
    settings = BenchSettings.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.Write(BenchSettings.Usage);
    return 2;
}

string load = QueueSection.Load();
var rows = new List<BenchRow>();
foreach (string section in settings.Sections)
{
    rows.AddRange(section == "queue" ? QueueSection.Run(settings) : ScaleSection.Run(settings));
}
BenchRow.Print(rows);
Console.WriteLine($"{Environment.ProcessorCount} CPUs, load {load} at the start and {QueueSection.Load()} at the end; " +
    $"{settings.Rounds} round(s) of {settings.RunTime.TotalSeconds:0.#} s per side, medians; .NET {Environment.Version}");
if (settings.JsonPath is { } path)
{
    BenchRow.WriteJson(path, rows);
}
return 0;
