using System.Globalization;
using System.Net;
using System.Text;
using Factorizer.Managers;
using Factorizer.WireBench;

byte[] key = Encoding.UTF8.GetBytes("bench-key");
string mode = args.Length > 0 ? args[0] : "help";
int Int(string name, int fallback) => Array.IndexOf(args, name) is int i and >= 0 ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;

switch (mode)
{
    case "serve":
    {
        await using var manager = new QueueManager(key);
        manager.RegisterQueue("get_q");
        IPEndPoint ep = manager.Start(new IPEndPoint(IPAddress.Loopback, Int("--port", 0)));
        Console.WriteLine($"READY {ep.Port}");
        await manager.Server.Completion;
        break;
    }
    case "load":
    {
        double rate = await ManagerLoad.RunAsync(Int("--port", 0), key, "get_q", Int("--clients", 1), TimeSpan.FromSeconds(Int("--seconds", 3)));
        Console.WriteLine($"{rate:0} pairs/s");
        break;
    }
    case "embedded":
    {
        await using var manager = new QueueManager(key);
        manager.RegisterQueue("get_q");
        IPEndPoint ep = manager.Start(new IPEndPoint(IPAddress.Loopback, 0));
        for (int run = 0; run < Int("--runs", 3); run++)
        {
            double rate = await ManagerLoad.RunAsync(ep.Port, key, "get_q", Int("--clients", 1), TimeSpan.FromSeconds(Int("--seconds", 3)));
            Console.WriteLine($"{rate:0} pairs/s");
        }
        break;
    }
    default:
        Console.Error.WriteLine("usage: see bench/README.md");
        return 2;
}
return 0;
