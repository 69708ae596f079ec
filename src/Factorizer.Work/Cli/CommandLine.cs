using System.Globalization;
using System.Net;

namespace Factorizer.Work.Cli;

/// <summary>
/// A small GNU-style option parser: <c>--name value</c>, <c>--name=value</c> and valueless flags.
/// Unknown options, missing values and repeated options (other than those declared repeatable) are
/// <see cref="UsageException"/>s; their
/// messages quote what was given through <see cref="DisplayText"/>.
/// </summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string?> _values;
    private readonly Dictionary<string, List<string>> _repeated;

    private CommandLine(Dictionary<string, string?> values, Dictionary<string, List<string>> repeated)
    {
        _values = values;
        _repeated = repeated;
    }

    /// <summary>
    /// Parses <paramref name="args"/> given the names of options taking a value and of flags
    /// (names without the leading dashes). Options named in <paramref name="repeatable"/> also take a
    /// value and may be given any number of times (read them with <see cref="All"/>).
    /// </summary>
    public static CommandLine Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flags, IReadOnlyCollection<string>? repeatable = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        var repeated = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new UsageException($"unexpected argument {DisplayText.Quote(arg)} (options start with --; see --help)");
            }
            string name = arg[2..];
            string? value = null;
            int eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            if (flags.Contains(name))
            {
                if (value is not null)
                {
                    throw new UsageException($"--{name} takes no value");
                }
            }
            else if (valueOptions.Contains(name) || (repeatable?.Contains(name) ?? false))
            {
                if (value is null)
                {
                    if (i + 1 >= args.Count)
                    {
                        throw new UsageException($"--{name} needs a value");
                    }
                    value = args[++i];
                }
            }
            else
            {
                throw new UsageException($"unknown option {DisplayText.Quote("--" + name)} (see --help)");
            }
            if (repeatable?.Contains(name) ?? false)
            {
                if (!repeated.TryGetValue(name, out List<string>? list))
                {
                    repeated[name] = list = [];
                }
                list.Add(value!);
                continue;
            }
            if (!values.TryAdd(name, value))
            {
                throw new UsageException($"--{name} given more than once");
            }
        }
        return new CommandLine(values, repeated);
    }

    /// <summary>Every value of a repeatable option, in the order given (empty when it was not given).</summary>
    public IReadOnlyList<string> All(string name) => _repeated.TryGetValue(name, out List<string>? list) ? list : [];

    /// <summary>True when a flag or option was given.</summary>
    public bool Has(string name) => _values.ContainsKey(name) || _repeated.ContainsKey(name);

    /// <summary>The option's text, or null.</summary>
    public string? Text(string name) => _values.GetValueOrDefault(name);

    /// <summary>The option as an integer in [<paramref name="min"/>, <paramref name="max"/>], or the default.</summary>
    public long Integer(string name, long defaultValue, long min = long.MinValue, long max = long.MaxValue)
    {
        string? text = Text(name);
        if (text is null)
        {
            return defaultValue;
        }
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
        {
            throw new UsageException($"--{name} must be an integer, not {DisplayText.Quote(text)}");
        }
        if (value < min || value > max)
        {
            throw new UsageException($"--{name} must be between {min} and {max}, not {value}");
        }
        return value;
    }

    /// <summary>The option as a non-negative number of seconds, or the default.</summary>
    public TimeSpan Seconds(string name, TimeSpan defaultValue)
    {
        string? text = Text(name);
        if (text is null)
        {
            return defaultValue;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || seconds < 0 || double.IsNaN(seconds) || seconds > 86400 * 365)
        {
            throw new UsageException($"--{name} must be a non-negative number of seconds, not {DisplayText.Quote(text)}");
        }
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>The option as an IP address to listen on (<c>localhost</c> is the loopback), or any address when absent.</summary>
    public IPAddress ListenAddress(string name)
    {
        string? text = Text(name);
        if (text is null)
        {
            return IPAddress.Any;
        }
        if (IPAddress.TryParse(text, out IPAddress? address))
        {
            return address;
        }
        if (text == "localhost")
        {
            return IPAddress.Loopback;
        }
        throw new UsageException($"--{name} must be an IP address such as 0.0.0.0 or 127.0.0.1, not {DisplayText.Quote(text)}");
    }
}
