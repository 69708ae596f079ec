namespace Factorizer.Managers.Server;

/// <summary>
/// Rate-limits log lines by kind: at most <c>linesPerInterval</c> lines of one kind are written per
/// <c>interval</c>; the rest are counted, and when the interval ends one line says how many were left out.
/// So 300 peers that connect and go away write a dozen lines, not 300, while a single event still shows at once.
/// Thread-safe.
/// </summary>
internal sealed class LogLimiter
{
    private readonly Action<string>? _sink;
    private readonly TimeProvider _time;
    private readonly int _linesPerInterval;
    private readonly TimeSpan _interval;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public LogLimiter(Action<string>? sink, TimeProvider time, int linesPerInterval, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfNegative(linesPerInterval);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _sink = sink;
        _time = time;
        _linesPerInterval = linesPerInterval;
        _interval = interval;
    }

    /// <summary>Writes <paramref name="line"/> unless <paramref name="kind"/> has used up its lines for this interval.</summary>
    public void Write(string kind, string line)
    {
        if (_sink is null)
        {
            return;
        }
        lock (_gate)
        {
            DateTimeOffset now = _time.GetUtcNow();
            if (!_windows.TryGetValue(kind, out Window? window) || now >= window.Ends)
            {
                // A window that ended with lines held back was summarised by its timer.
                _windows[kind] = window = new Window(now + _interval);
            }
            if (window.Written < _linesPerInterval)
            {
                window.Written++;
                _sink(line);
                return;
            }
            window.Suppressed++;
            // The summary is due when the window ends, even if no later line of this kind comes to trigger it.
            window.Timer ??= _time.CreateTimer(_ => Summarise(kind, window), null, window.Ends - now, Timeout.InfiniteTimeSpan);
        }
    }

    private void Summarise(string kind, Window window)
    {
        lock (_gate)
        {
            window.Timer?.Dispose();
            window.Timer = null;
            if (window.Suppressed > 0)
            {
                _sink!($"… and {window.Suppressed} more like it ({kind}) in the last {_interval.TotalSeconds:0.#} s");
                window.Suppressed = 0;
            }
            if (_windows.TryGetValue(kind, out Window? current) && ReferenceEquals(current, window))
            {
                _windows.Remove(kind);
            }
        }
    }

    private sealed class Window(DateTimeOffset ends)
    {
        public DateTimeOffset Ends { get; } = ends;

        public int Written { get; set; }

        public int Suppressed { get; set; }

        public ITimer? Timer { get; set; }
    }
}
