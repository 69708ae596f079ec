using System.Text;

namespace Factorizer.Pickle.Tests.Support;

/// <summary>Builds pickle bytes from hex pieces and text, for hand-made inputs.</summary>
public static class Hex
{
    /// <summary>Concatenates hex pieces (spaces allowed) into bytes.</summary>
    public static byte[] Bytes(params string[] pieces) => Convert.FromHexString(string.Concat(pieces).Replace(" ", "", StringComparison.Ordinal));

    /// <summary>The hex of UTF-8 <paramref name="text"/>.</summary>
    public static string Text(string text) => Convert.ToHexString(Encoding.UTF8.GetBytes(text));

    /// <summary>SHORT_BINUNICODE of <paramref name="text"/> (protocol 4 form), as hex.</summary>
    public static string ShortStr(string text) => $"8c{Encoding.UTF8.GetByteCount(text):x2}{Text(text)}";

    /// <summary>GLOBAL <c>module\nname\n</c>, as hex.</summary>
    public static string Global(string module, string name) => "63" + Text($"{module}\n{name}\n");

    /// <summary>STACK_GLOBAL of module and name strings, as hex.</summary>
    public static string StackGlobal(string module, string name) => ShortStr(module) + ShortStr(name) + "93";
}
