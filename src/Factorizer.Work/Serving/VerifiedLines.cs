using System.Text;

namespace Factorizer.Work.Serving;

/// <summary>
/// The GNU-factor lines a packed report verified, each under its index in the chunk, formatted one after
/// another into one growing buffer, each ending in a newline. A report that covers its whole chunk in order
/// (the usual one) becomes the chunk's output text with one copy; nothing is allocated per number.
/// </summary>
internal sealed class VerifiedLines
{
    private readonly List<(int Index, int Start, int Length)> _lines; // Length counts the newline
    private char[] _text;
    private int _length;
    private bool _inOrder = true; // the entries so far are indices 0, 1, 2, ...

    /// <summary>An empty set with room for about <paramref name="lines"/> lines.</summary>
    public VerifiedLines(int lines)
    {
        _lines = new List<(int, int, int)>(lines);
        _text = new char[System.Math.Max(64, lines * 40)]; // a 12-digit number and its factors take about 30
    }

    /// <summary>Lines held.</summary>
    public int Count => _lines.Count;

    /// <summary>The chunk index of entry <paramref name="entry"/>.</summary>
    public int IndexAt(int entry) => _lines[entry].Index;

    /// <summary>Entry <paramref name="entry"/>'s line, without its newline.</summary>
    public ReadOnlySpan<char> Line(int entry)
    {
        (_, int start, int length) = _lines[entry];
        return _text.AsSpan(start, length - 1);
    }

    /// <summary>True when the entries are exactly indices 0 .. <paramref name="count"/> - 1, in order.</summary>
    public bool CoversInOrder(int count) => _inOrder && _lines.Count == count;

    /// <summary>Adds the line of <paramref name="n"/> with its ascending prime factors, for the number at <paramref name="index"/>.</summary>
    public void Add(int index, ulong n, ReadOnlySpan<ulong> ascendingFactors)
    {
        Reserve(ResultCheck.MaxLineLength(ascendingFactors.Length) + 1);
        if (!ResultCheck.TryFormatLine(_text.AsSpan(_length), n, ascendingFactors, out int written))
        {
            Add(index, ResultCheck.FormatLine(n, ascendingFactors)); // more factors than a true factorization has
            return;
        }
        Commit(index, written);
    }

    /// <summary>Adds a line formatted elsewhere (a number past 64 bits).</summary>
    public void Add(int index, string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        Reserve(line.Length + 1);
        line.CopyTo(_text.AsSpan(_length));
        Commit(index, line.Length);
    }

    /// <summary>Appends entry <paramref name="entry"/>'s line and its newline to <paramref name="text"/>.</summary>
    public void AppendTo(StringBuilder text, int entry)
    {
        ArgumentNullException.ThrowIfNull(text);
        (_, int start, int length) = _lines[entry];
        text.Append(_text, start, length);
    }

    /// <summary>Every line, in the order added, each with its newline.</summary>
    public string Text() => new(_text, 0, _length);

    private void Commit(int index, int written)
    {
        _text[_length + written] = '\n';
        _inOrder &= index == _lines.Count;
        _lines.Add((index, _length, written + 1));
        _length += written + 1;
    }

    private void Reserve(int more)
    {
        if (_length + more > _text.Length)
        {
            Array.Resize(ref _text, System.Math.Max(_length + more, _text.Length + (_text.Length / 2)));
        }
    }
}
