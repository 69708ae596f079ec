using System.Globalization;

namespace Factorizer.Bench;

/// <summary>
/// Command line: <c>[--quick] [--json PATH] [--runs N] [--scale S]</c>, or the older positional form
/// <c>[runs] [scale]</c>. Full runs: 5 timed runs per side at scale 1; --quick: 3 runs at scale 0.1.
/// </summary>
internal sealed record BenchOptions(int Runs, double Scale, string? JsonPath, bool Quick)
{
    public const string Usage = "usage: Factorizer.Bench [--quick] [--json PATH] [--runs N] [--scale S]   (or: [runs] [scale])";

    /// <summary>Parses <paramref name="args"/>; null (with <paramref name="error"/> set) when they make no sense.</summary>
    public static BenchOptions? Parse(string[] args, out string? error)
    {
        bool quick = false;
        string? json = null;
        int? runs = null;
        double? scale = null;
        var positional = new List<string>();
        error = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--json" when i + 1 < args.Length:
                    json = args[++i];
                    break;
                case "--runs" when i + 1 < args.Length:
                    runs = ParseRuns(args[++i], ref error);
                    break;
                case "--scale" when i + 1 < args.Length:
                    scale = ParseScale(args[++i], ref error);
                    break;
                case "-h" or "--help":
                    error = Usage;
                    return null;
                default:
                    if (args[i].StartsWith('-'))
                    {
                        error = $"unknown or incomplete option '{args[i]}'\n{Usage}";
                        return null;
                    }
                    positional.Add(args[i]);
                    break;
            }
        }
        if (positional.Count > 0)
        {
            runs = ParseRuns(positional[0], ref error);
        }
        if (positional.Count > 1)
        {
            scale = ParseScale(positional[1], ref error);
        }
        if (positional.Count > 2 || error is not null)
        {
            error ??= Usage;
            return null;
        }
        return new BenchOptions(runs ?? (quick ? 3 : 5), scale ?? (quick ? 0.1 : 1.0), json, quick);
    }

    private static int? ParseRuns(string text, ref string? error)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int r) && r is > 0 and <= 1000)
        {
            return r;
        }
        error = $"runs must be an integer in [1, 1000], not '{text}'\n{Usage}";
        return null;
    }

    private static double? ParseScale(string text, ref string? error)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s > 0 && s <= 100)
        {
            return s;
        }
        error = $"scale must be a number in (0, 100], not '{text}'\n{Usage}";
        return null;
    }
}
