using Factorizer.Pickle;

namespace Factorizer.Managers.Wire;

/// <summary>One reply: <c>(kind, payload)</c>, where kind is one of the <see cref="WireLiterals"/> reply kinds.</summary>
/// <param name="Kind">#RETURN, #ERROR, #TRACEBACK, #UNSERIALIZABLE or #PROXY.</param>
/// <param name="Payload">The result, exception, traceback text, or (exposed, token).</param>
public sealed record Reply(string Kind, object? Payload)
{
    /// <summary>The successful reply for <c>None</c>.</summary>
    public static Reply None { get; } = new(WireLiterals.Return, null);

    public static Reply Return(object? value) => new(WireLiterals.Return, value);

    public static Reply Error(PyException exception) => new(WireLiterals.Error, exception);

    public static Reply Traceback(string text) => new(WireLiterals.Traceback, text);

    /// <summary>The pickle value: a 2-tuple.</summary>
    public PyTuple ToValue() => new(Kind, Payload);

    /// <summary>Parses a decoded reply value; false when it is not a (str, payload) pair.</summary>
    public static bool TryParse(object? value, out Reply? reply)
    {
        if (value is PyTuple { Count: 2 } t && t[0] is string kind)
        {
            reply = new Reply(kind, t[1]);
            return true;
        }
        reply = null;
        return false;
    }
}
