using System.Security.Cryptography;
using Factorizer.Managers.Wire;

namespace Factorizer.Managers.Auth;

/// <summary>
/// The HMAC arithmetic of the handshake (docs/protocol.md §2), both forms: the legacy raw HMAC-MD5 of
/// CPython ≤ 3.11 and the <c>{name}</c>-prefixed form of 3.12+. "Message" is always the bytes after
/// <c>#CHALLENGE#</c>, prefix included.
/// </summary>
public static class ChallengeDigest
{
    /// <summary>Random bytes after the <c>{sha256}</c> prefix, as CPython 3.12+ sends (MESSAGE_LENGTH).</summary>
    public const int RandomLength = 40;

    /// <summary>A fresh challenge message: <c>{sha256}</c> + 40 random bytes (never 16 or 20 bytes long).</summary>
    public static byte[] NewMessage()
    {
        byte[] message = new byte[WireLiterals.Sha256Prefix.Length + RandomLength];
        WireLiterals.Sha256Prefix.CopyTo(message);
        RandomNumberGenerator.Fill(message.AsSpan(WireLiterals.Sha256Prefix.Length));
        return message;
    }

    /// <summary>
    /// The responder's answer to <paramref name="message"/>: raw HMAC-MD5 for a legacy (20-byte) message,
    /// else <c>{name}</c> + HMAC-name over the whole message.
    /// </summary>
    public static byte[] CreateResponse(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message)
    {
        if (message.Length < 20)
        {
            throw new ManagerAuthenticationException("challenge too short");
        }
        if (!TryParse(message, out string? name, out _))
        {
            throw new ManagerAuthenticationException("challenge names no supported digest");
        }
        if (name is null)
        {
            return HMACMD5.HashData(key, message);
        }
        byte[] mac = Compute(name, key, message);
        byte[] prefix = System.Text.Encoding.ASCII.GetBytes("{" + name + "}");
        return [.. prefix, .. mac];
    }

    /// <summary>
    /// The challenger's check of <paramref name="response"/> to the <paramref name="message"/> it sent:
    /// a raw 16-byte response means HMAC-MD5, a prefixed one names its digest. Constant-time comparison.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> key, ReadOnlySpan<byte> message, ReadOnlySpan<byte> response)
    {
        if (!TryParse(response, out string? name, out int macOffset))
        {
            return false;
        }
        if (name is "sha3_256" && !HMACSHA3_256.IsSupported || name is "sha3_384" && !HMACSHA3_384.IsSupported)
        {
            return false; // a digest this platform cannot compute cannot be verified: refuse, don't throw
        }
        byte[] expected = Compute(name ?? "md5", key, message);
        return CryptographicOperations.FixedTimeEquals(expected, response[macOffset..]);
    }

    /// <summary>
    /// CPython's <c>_get_digest_name_and_payload</c>: 16 or 20 bytes → legacy (name null); else
    /// <c>{name}</c> within the first 10 bytes naming an allowed digest.
    /// </summary>
    private static bool TryParse(ReadOnlySpan<byte> data, out string? name, out int payloadOffset)
    {
        name = null;
        payloadOffset = 0;
        if (data.Length is 16 or 20)
        {
            return true;
        }
        if (data.Length == 0 || data[0] != (byte)'{')
        {
            return false;
        }
        int end = data[..Math.Min(data.Length, 10)].IndexOf((byte)'}');
        if (end < 1)
        {
            return false;
        }
        name = System.Text.Encoding.ASCII.GetString(data[1..end]);
        payloadOffset = end + 1;
        return name is "md5" or "sha256" or "sha384" or "sha3_256" or "sha3_384";
    }

    private static byte[] Compute(string name, ReadOnlySpan<byte> key, ReadOnlySpan<byte> message) => name switch
    {
        "md5" => HMACMD5.HashData(key, message),
        "sha256" => HMACSHA256.HashData(key, message),
        "sha384" => HMACSHA384.HashData(key, message),
        "sha3_256" when HMACSHA3_256.IsSupported => HMACSHA3_256.HashData(key, message),
        "sha3_384" when HMACSHA3_384.IsSupported => HMACSHA3_384.HashData(key, message),
        _ => throw new ManagerAuthenticationException($"digest '{name}' is not available here"),
    };
}
