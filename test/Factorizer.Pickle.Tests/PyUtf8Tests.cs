namespace Factorizer.Pickle.Tests;

public sealed class PyUtf8Tests
{
    [Theory]
    [InlineData("c080")]
    [InlineData("80")]
    [InlineData("e2 28 a1")]
    [InlineData("eda0")]
    [InlineData("f4 90 80 80")]
    [InlineData("ff")]
    public void Decode_InvalidUtf8_ThrowsUnpicklingException(string hex)
    {
        Assert.Throws<UnpicklingException>(() => PyUtf8.Decode(Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal))));
    }

    [Fact]
    public void Decode_SurrogateForms_GiveSurrogateChars()
    {
        string text = PyUtf8.Decode(Convert.FromHexString("61eda080edb080e282ac"));

        Assert.Equal(['a', '\ud800', '\udc00', '\u20ac'], text.ToCharArray());
    }

    [Fact]
    public void Encode_ValidPair_UsesFourByteForm()
    {
        Assert.Equal("f09f908d", Convert.ToHexStringLower(PyUtf8.Encode("\U0001f40d")));
    }

    [Fact]
    public void EncodeDecode_EveryBmpCharAndLoneSurrogate_RoundTrips()
    {
        string all = string.Concat(Enumerable.Range(0, 0x10000).Select(i => (char)i));

        Assert.Equal(all, PyUtf8.Decode(PyUtf8.Encode(all)));
    }
}
