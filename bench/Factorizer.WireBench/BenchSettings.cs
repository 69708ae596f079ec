using System.Globalization;

namespace Factorizer.WireBench;

/// <summary>The command line: which sections, how long, where the JSON goes.</summary>
internal sealed record BenchSettings(IReadOnlyList<string> Sections, bool Quick, string? JsonPath, int Rounds, TimeSpan RunTime, TimeSpan WarmUp)
{
    public const string Usage = """
        Usage: Factorizer.WireBench [--section queue|scale|all] [--quick] [--json PATH] [--rounds N] [--seconds S]
          queue: put+get round trips against queue-manager, CPython's manager, beanstalkd and redis
          scale: 1,000 clients blocked in get (memory per connection, wake time) and 1M queued chunks
        """;

    public static BenchSettings Parse(string[] args)
    {
        string section = "all";
        bool quick = false;
        string? json = null;
        int? rounds = null;
        double? seconds = null;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--section": section = Value(); break;
                case "--quick": quick = true; break;
                case "--json": json = Value(); break;
                case "--rounds": rounds = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown argument {args[i]}");
            }
        }
        string[] sections = section switch
        {
            "all" => ["queue", "scale"],
            "queue" or "scale" => [section],
            _ => throw new ArgumentException($"--section must be queue, scale or all, not {section}"),
        };
        return new BenchSettings(sections, quick, json, rounds ?? (quick ? 1 : 5),
            TimeSpan.FromSeconds(seconds ?? (quick ? 1 : 3)), TimeSpan.FromSeconds(quick ? 1 : 3));
    }
}
