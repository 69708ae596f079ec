using System.Buffers;
using System.Globalization;
using System.Text;

namespace Factorizer.Work.Cli;

/// <summary>
/// Makes text that came from outside (input tokens, command-line values, file names, a peer's
/// messages) safe to print on a terminal, so that no control byte of it ever reaches one.
/// Every error message that quotes such text goes through <see cref="Quote(string, int)"/> or
/// <see cref="Quote(ReadOnlySpan{byte}, bool)"/>; whole messages of other code go through
/// <see cref="Clean"/>.
/// </summary>
/// <remarks>
/// The rules of <see cref="Escape(string, int)"/>:
/// <list type="bullet">
/// <item>printable ASCII (0x20 to 0x7E) stays as it is, except the backslash, which becomes <c>\\</c>;</item>
/// <item>NUL, tab, carriage return and line feed become <c>\0</c>, <c>\t</c>, <c>\r</c>, <c>\n</c>;</item>
/// <item>every other ASCII control byte (0x01 to 0x1F, 0x7F) becomes <c>\xHH</c>, so ESC is <c>\x1b</c>;</item>
/// <item>bytes that are not valid UTF-8 become <c>\xHH</c>, one escape per byte (never U+FFFD);</item>
/// <item>non-ASCII characters stay as they are when they are visible: letters, digits, marks,
///   punctuation, symbols. Those that are not are written as <c>\xHH</c> of each of their UTF-8
///   bytes: C1 controls (U+0080 to U+009F, e.g. <c>\xc2\x9b</c>), format characters such as
///   the bidirectional overrides (U+202E is <c>\xe2\x80\xae</c>) and zero-width ones, non-ASCII spaces
///   (U+00A0 is <c>\xc2\xa0</c>), line and paragraph separators, private-use and unassigned
///   code points;</item>
/// <item>a lone UTF-16 surrogate (possible only in a .NET string; it has no UTF-8 form) becomes
///   <c>\u{D800}</c>;</item>
/// <item>the result is cut to <see cref="MaxLength"/> characters by default (an escape is never
///   split) and <c>…</c> is appended when anything was left out.</item>
/// </list>
/// </remarks>
public static class DisplayText
{
    /// <summary>How many characters of quoted text are shown by default (40).</summary>
    public const int MaxLength = 40;

    /// <summary>How many characters of a quoted file name are shown (200): a path is only useful whole.</summary>
    public const int MaxPathLength = 200;

    /// <summary>Appended to text that was cut.</summary>
    public const string Ellipsis = "…";

    /// <summary>
    /// The text between single quotes, escaped and cut to <paramref name="maxLength"/> characters
    /// (see the class remarks): <c>'5\x1b[2J'</c>.
    /// </summary>
    public static string Quote(string text, int maxLength = MaxLength) => "'" + Escape(text, maxLength) + "'";

    /// <summary>
    /// Bytes read as UTF-8 between single quotes, escaped and cut to <see cref="MaxLength"/> characters.
    /// <paramref name="truncated"/> says the bytes are only the start of the text, so <c>…</c> follows.
    /// </summary>
    public static string Quote(ReadOnlySpan<byte> utf8, bool truncated = false) => "'" + Escape(utf8, truncated) + "'";

    /// <summary>A file name between single quotes, escaped, cut to <see cref="MaxPathLength"/> characters.</summary>
    public static string QuotePath(string path) => Quote(path, MaxPathLength);

    /// <summary>The text escaped by the class rules and cut to <paramref name="maxLength"/> characters.</summary>
    public static string Escape(string text, int maxLength = MaxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        var writer = new Writer(maxLength, quoting: true);
        ReadOnlySpan<char> rest = text;
        while (!rest.IsEmpty && !writer.Cut)
        {
            if (Rune.DecodeFromUtf16(rest, out Rune rune, out int used) == OperationStatus.Done)
            {
                writer.Add(rune);
            }
            else
            {
                writer.Add($"\\u{{{(int)rest[0]:X4}}}");
                used = 1;
            }
            rest = rest[used..];
        }
        return writer.Finish(!rest.IsEmpty);
    }

    /// <summary>
    /// UTF-8 bytes escaped by the class rules (invalid bytes as <c>\xHH</c>) and cut to
    /// <see cref="MaxLength"/> characters; <paramref name="truncated"/> appends <c>…</c> in any case.
    /// </summary>
    public static string Escape(ReadOnlySpan<byte> utf8, bool truncated = false)
    {
        var writer = new Writer(MaxLength, quoting: true);
        while (!utf8.IsEmpty && !writer.Cut)
        {
            if (Rune.DecodeFromUtf8(utf8, out Rune rune, out int used) == OperationStatus.Done)
            {
                writer.Add(rune);
            }
            else
            {
                // Invalid or cut-off sequence: each of its bytes on its own (used is at least 1).
                used = System.Math.Max(used, 1);
                for (int i = 0; i < used && !writer.Cut; i++)
                {
                    writer.Add(Hex(utf8[i]));
                }
            }
            utf8 = utf8[used..];
        }
        return writer.Finish(truncated || !utf8.IsEmpty);
    }

    /// <summary>
    /// A whole message made safe for a terminal, not cut: control and invisible characters escaped
    /// as <see cref="Escape(string, int)"/> does, except that line feeds and tabs stay (a message may have
    /// several lines) and backslashes stay as they are (nothing is being quoted).
    /// </summary>
    public static string Clean(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!NeedsCleaning(message))
        {
            return message; // the usual case: no copy
        }
        var writer = new Writer(int.MaxValue, quoting: false);
        ReadOnlySpan<char> rest = message;
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out Rune rune, out int used) == OperationStatus.Done)
            {
                writer.Add(rune);
            }
            else
            {
                writer.Add($"\\u{{{(int)rest[0]:X4}}}");
                used = 1;
            }
            rest = rest[used..];
        }
        return writer.Finish(false);
    }

    private static bool NeedsCleaning(string message)
    {
        foreach (char c in message)
        {
            if (c is not ('\n' or '\t') && (c < 0x20 || c >= 0x7F))
            {
                return true; // a control, or non-ASCII that may need a look
            }
        }
        return false;
    }

    private static string Hex(int b) => "\\x" + b.ToString("x2", CultureInfo.InvariantCulture);

    private static bool IsVisible(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.SpaceSeparator => false,
        _ => true,
    };

    /// <summary>Accumulates escaped pieces up to a length; never splits a piece.</summary>
    private sealed class Writer(int maxLength, bool quoting)
    {
        private readonly StringBuilder _text = new();

        /// <summary>True once a piece did not fit: nothing more is added.</summary>
        public bool Cut { get; private set; }

        public void Add(Rune rune)
        {
            int v = rune.Value;
            switch (v)
            {
                case 0: Add("\\0"); return;
                case '\t': Add(quoting ? "\\t" : "\t"); return;
                case '\n': Add(quoting ? "\\n" : "\n"); return;
                case '\r': Add("\\r"); return;
                case '\\': Add(quoting ? "\\\\" : "\\"); return;
            }
            if (v is >= 0x20 and < 0x7F)
            {
                Add(((char)v).ToString());
            }
            else if (v < 0x80)
            {
                Add(Hex(v));
            }
            else if (IsVisible(rune))
            {
                Add(rune.ToString());
            }
            else
            {
                Span<byte> bytes = stackalloc byte[4];
                int n = rune.EncodeToUtf8(bytes);
                var escaped = new StringBuilder(n * 4);
                for (int i = 0; i < n; i++)
                {
                    escaped.Append(Hex(bytes[i]));
                }
                Add(escaped.ToString()); // one piece: a character's escapes are never split
            }
        }

        public void Add(string piece)
        {
            if (Cut || _text.Length + piece.Length > maxLength)
            {
                Cut = true;
                return;
            }
            _text.Append(piece);
        }

        public string Finish(bool more) => Cut || more ? _text + Ellipsis : _text.ToString();
    }
}
