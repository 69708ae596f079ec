using System.Globalization;
using System.Text;
using Factorizer.Managers.Server;

namespace Factorizer.Work.Serving;

/// <summary>
/// Work done per client, for the end-of-run summary (like Parallel Python's <c>print_stats</c>).
/// A client is one factor-client process (its workers name their connections
/// <c>factor-client@machine:pid/wN</c>) or, for other peers such as the seed's Python client, one host.
/// </summary>
internal sealed class ClientStats
{
    private sealed class Row(string host, string client)
    {
        public string Host { get; } = host;
        public string Client { get; } = client;
        public HashSet<string> Workers { get; } = new(StringComparer.Ordinal);
        public long Chunks { get; set; }
        public long Numbers { get; set; }
        public DateTimeOffset First { get; set; } = DateTimeOffset.MaxValue;
        public DateTimeOffset Last { get; set; } = DateTimeOffset.MinValue;
    }

    private readonly Lock _gate = new();
    private readonly Dictionary<(string, string), Row> _rows = [];

    /// <summary>The client a session belongs to.</summary>
    public static (string Host, string Client) ClientOf(SessionInfo session)
    {
        string name = session.Name ?? "";
        int slash = name.IndexOf('/', StringComparison.Ordinal);
        return (session.RemoteHost, slash > 0 ? name[..slash] : "python or other");
    }

    /// <summary>Counts a finished chunk of <paramref name="numbers"/> numbers for <paramref name="session"/>.</summary>
    public void Record(SessionInfo session, long numbers, DateTimeOffset now)
    {
        (string host, string client) = ClientOf(session);
        lock (_gate)
        {
            if (!_rows.TryGetValue((host, client), out Row? row))
            {
                _rows[(host, client)] = row = new Row(host, client);
            }
            row.Workers.Add(session.Name ?? session.Id.ToString(CultureInfo.InvariantCulture));
            row.Chunks++;
            row.Numbers += numbers;
            if (session.ConnectedAt < row.First)
            {
                row.First = session.ConnectedAt;
            }
            row.Last = now;
        }
    }

    /// <summary>The summary table, one line per client.</summary>
    public string Summary()
    {
        lock (_gate)
        {
            var sb = new StringBuilder();
            sb.AppendLine(CultureInfo.InvariantCulture, $"{"host",-16} {"client",-36} {"workers",7} {"chunks",8} {"numbers",10} {"time",8}");
            foreach (Row row in _rows.Values.OrderByDescending(r => r.Numbers))
            {
                double seconds = System.Math.Max(0, (row.Last - row.First).TotalSeconds);
                sb.AppendLine(CultureInfo.InvariantCulture, $"{row.Host,-16} {Cli.DisplayText.Escape(row.Client, 35),-36} {row.Workers.Count,7} {row.Chunks,8} {row.Numbers,10} {seconds,7:0.0}s");
            }
            return sb.ToString();
        }
    }
}
