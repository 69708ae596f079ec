using System.Security.Cryptography;
using System.Text;
using Factorizer.Managers.Auth;
using Factorizer.Managers.Tests.Support;

namespace Factorizer.Managers.Tests.Auth;

public class ChallengeDigestTests
{
    private static readonly byte[] Key = Encoding.ASCII.GetBytes("abc");

    [Theory]
    [MemberData(nameof(HmacVectors.CanonicalCaseNames), MemberType = typeof(HmacVectors))]
    public void CreateResponse_VectorChallenge_MatchesCPython(string name)
    {
        HmacVector v = HmacVectors.Get(name);

        byte[] response = ChallengeDigest.CreateResponse(v.AuthKey, v.Message);

        Assert.Equal(Convert.ToHexString(v.Response), Convert.ToHexString(response));
    }

    [Theory]
    [MemberData(nameof(HmacVectors.CaseNames), MemberType = typeof(HmacVectors))]
    public void Verify_VectorResponse_Accepted(string name)
    {
        HmacVector v = HmacVectors.Get(name);
        Assert.True(v.ModernServerAccepts);

        Assert.True(ChallengeDigest.Verify(v.AuthKey, v.Message, v.Response));
    }

    [Theory]
    [MemberData(nameof(HmacVectors.CaseNames), MemberType = typeof(HmacVectors))]
    public void Verify_VectorResponseWithOneBitFlipped_Rejected(string name)
    {
        HmacVector v = HmacVectors.Get(name);
        byte[] tampered = (byte[])v.Response.Clone();
        tampered[^1] ^= 0x01;

        Assert.False(ChallengeDigest.Verify(v.AuthKey, v.Message, tampered));
    }

    [Theory]
    [MemberData(nameof(HmacVectors.CaseNames), MemberType = typeof(HmacVectors))]
    public void Verify_VectorResponseUnderAnotherKey_Rejected(string name)
    {
        HmacVector v = HmacVectors.Get(name);

        Assert.False(ChallengeDigest.Verify("not-the-key"u8, v.Message, v.Response));
    }

    [Fact]
    public void Verify_WrongKeyVector_Rejected()
    {
        HmacNegativeVector v = HmacVectors.GetNegative("wrong_key");

        Assert.False(ChallengeDigest.Verify(v.ServerKey, v.Message, v.Response));
        Assert.True(ChallengeDigest.Verify(v.AuthKey, v.Message, v.Response)); // it is right for the key it was made with
    }

    [Fact]
    public void Verify_TwentyByteResponseToModernChallenge_Rejected()
    {
        HmacNegativeVector v = HmacVectors.GetNegative("modern_server_20_byte_response");

        Assert.False(ChallengeDigest.Verify(Key, v.Message, v.Response));
    }

    [Fact]
    public void CreateResponse_ChallengeShorterThanTwentyBytes_Refused()
    {
        HmacNegativeVector v = HmacVectors.GetNegative("modern_client_short_challenge");

        Assert.Throws<ManagerAuthenticationException>(() => ChallengeDigest.CreateResponse(Key, v.Message));
    }

    [Theory]
    [InlineData("")]
    [InlineData("00")]
    [InlineData("7b7368613235367d")] // "{sha256}" alone: shorter than 20 bytes
    public void CreateResponse_TooShortChallenge_Refused(string hex)
    {
        Assert.Throws<ManagerAuthenticationException>(() => ChallengeDigest.CreateResponse(Key, Convert.FromHexString(hex)));
    }

    [Theory]
    [InlineData("no prefix and 21+ bytes long")]
    [InlineData("{sha1}0123456789012345678901234567890123456789")]
    [InlineData("{whirlpool}0123456789012345678901234567890123456789")]
    [InlineData("{}0123456789012345678901234567890123456789")]
    [InlineData("{sha256 without a closing brace 0123456789")]
    public void CreateResponse_ChallengeNamingNoAllowedDigest_Refused(string message)
    {
        Assert.Throws<ManagerAuthenticationException>(() => ChallengeDigest.CreateResponse(Key, Encoding.ASCII.GetBytes(message)));
    }

    [Theory]
    [InlineData("{sha1}")]
    [InlineData("{}")]
    [InlineData("")]
    public void Verify_ResponseNamingNoAllowedDigest_Rejected(string prefix)
    {
        byte[] message = ChallengeDigest.NewMessage();
        byte[] response = [.. Encoding.ASCII.GetBytes(prefix), .. HMACSHA1.HashData(Key, message)];

        Assert.False(ChallengeDigest.Verify(Key, message, response));
    }

    [Fact]
    public void Verify_EmptyOrTruncatedResponse_Rejected()
    {
        byte[] message = ChallengeDigest.NewMessage();
        byte[] good = ChallengeDigest.CreateResponse(Key, message);

        Assert.True(ChallengeDigest.Verify(Key, message, good));
        Assert.False(ChallengeDigest.Verify(Key, message, []));
        Assert.False(ChallengeDigest.Verify(Key, message, good.AsSpan(0, good.Length - 1)));
        Assert.False(ChallengeDigest.Verify(Key, message, [.. good, 0]));
    }

    [Fact]
    public void NewMessage_IsSha256PrefixPlusFortyFreshRandomBytes()
    {
        byte[] a = ChallengeDigest.NewMessage();
        byte[] b = ChallengeDigest.NewMessage();

        Assert.Equal(48, a.Length);
        Assert.StartsWith("{sha256}", Encoding.ASCII.GetString(a, 0, 8), StringComparison.Ordinal);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Verify_RawMd5OverPrefixedMessage_AcceptedLikeA311Client()
    {
        byte[] message = ChallengeDigest.NewMessage();

        Assert.True(ChallengeDigest.Verify(Key, message, HMACMD5.HashData(Key, message)));
    }

    [Fact]
    public void CreateResponse_ModernMessage_IsPrefixedSha256OverWholeMessage()
    {
        byte[] message = ChallengeDigest.NewMessage();

        byte[] response = ChallengeDigest.CreateResponse(Key, message);

        Assert.Equal([.. "{sha256}"u8.ToArray(), .. HMACSHA256.HashData(Key, message)], response);
    }

    [Fact]
    public void CreateResponse_EmptyKey_StillAnHmac()
    {
        HmacVector v = HmacVectors.Get("legacy_counting");

        byte[] response = ChallengeDigest.CreateResponse([], v.Message);

        Assert.Equal(HMACMD5.HashData(Array.Empty<byte>(), v.Message), response);
        Assert.True(ChallengeDigest.Verify([], v.Message, response));
    }
}
