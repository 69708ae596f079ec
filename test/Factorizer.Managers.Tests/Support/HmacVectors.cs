using System.Text.Json;

namespace Factorizer.Managers.Tests.Support;

/// <summary>One positive case of <c>Data/hmac_vectors.json</c>: key, challenge message and the expected response.</summary>
public sealed record HmacVector(string Name, byte[] AuthKey, byte[] Message, byte[] ChallengePayload, byte[] ChallengeFrame, byte[] Response, byte[] ResponseFrame, bool ModernServerAccepts)
{
    /// <summary>True when every CPython answers this challenge with exactly <see cref="Response"/> (the responder rule).</summary>
    public bool IsCanonicalResponse => Name is not ("modern_challenge_legacy_client" or "modern_challenge_response_md5"
        or "modern_challenge_response_sha384" or "modern_challenge_response_sha3_256" or "modern_challenge_response_sha3_384");

    public override string ToString() => Name;
}

/// <summary>A negative case: a response the challenger must reject, or a challenge the responder must refuse.</summary>
public sealed record HmacNegativeVector(string Name, byte[]? AuthKey, byte[] Message, byte[]? Response, byte[]? ServerKey)
{
    public override string ToString() => Name;
}

/// <summary>Loads <c>Data/hmac_vectors.json</c> (recorded from CPython; docs/protocol.md "Test data") once.</summary>
public static class HmacVectors
{
    private static readonly Lazy<(IReadOnlyList<HmacVector> Cases, IReadOnlyList<HmacNegativeVector> Negative)> Data = new(Load);

    public static IReadOnlyList<HmacVector> Cases => Data.Value.Cases;

    public static IReadOnlyList<HmacNegativeVector> NegativeCases => Data.Value.Negative;

    public static HmacVector Get(string name) => Cases.Single(c => c.Name == name);

    public static HmacNegativeVector GetNegative(string name) => NegativeCases.Single(c => c.Name == name);

    public static TheoryData<string> CaseNames() => [.. Cases.Select(c => c.Name)];

    /// <summary>Cases whose response is what a responder computes (legacy MD5 or the named digest over the message).</summary>
    public static TheoryData<string> CanonicalCaseNames() => [.. Cases.Where(c => c.IsCanonicalResponse).Select(c => c.Name)];

    private static (IReadOnlyList<HmacVector>, IReadOnlyList<HmacNegativeVector>) Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Data", "hmac_vectors.json");
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(path));
        List<HmacVector> cases = [.. doc.RootElement.GetProperty("cases").EnumerateArray().Select(e => new HmacVector(
            e.GetProperty("name").GetString()!,
            Hex(e, "authkey_hex")!,
            Hex(e, "message_hex")!,
            Hex(e, "challenge_payload_hex")!,
            Hex(e, "challenge_frame_hex")!,
            Hex(e, "response_hex")!,
            Hex(e, "response_frame_hex")!,
            e.GetProperty("accepted_by").EnumerateArray().Any(a => a.GetString()!.StartsWith("3.12+ server", StringComparison.Ordinal))))];
        List<HmacNegativeVector> negative = [.. doc.RootElement.GetProperty("negative_cases").EnumerateArray().Select(e => new HmacNegativeVector(
            e.GetProperty("name").GetString()!,
            Hex(e, "authkey_hex"),
            Hex(e, "message_hex")!,
            Hex(e, "response_hex"),
            Hex(e, "expected_by_server_with_authkey_hex")))];
        return (cases, negative);
    }

    private static byte[]? Hex(JsonElement e, string property) =>
        e.TryGetProperty(property, out JsonElement v) ? Convert.FromHexString(v.GetString()!) : null;
}
