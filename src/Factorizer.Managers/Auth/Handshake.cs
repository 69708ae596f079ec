using Factorizer.Managers.Framing;
using Factorizer.Managers.Wire;

namespace Factorizer.Managers.Auth;

/// <summary>
/// The mutual challenge-response of docs/protocol.md §2, as two functions called symmetrically:
/// the server delivers then answers, the client answers then delivers. Frames only; every handshake
/// frame is read with a 256-byte cap.
/// </summary>
public static class Handshake
{
    /// <summary>Largest handshake frame accepted (CPython reads them with <c>recv_bytes(256)</c>).</summary>
    public const int MaxFrameLength = 256;

    /// <summary>Server side: challenge first, then prove our own knowledge of the key.</summary>
    public static async ValueTask RunAsServerAsync(FrameStream frames, ReadOnlyMemory<byte> key, CancellationToken cancellationToken)
    {
        await DeliverChallengeAsync(frames, key, cancellationToken).ConfigureAwait(false);
        await AnswerChallengeAsync(frames, key, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Client side: answer the server's challenge, then challenge the server.</summary>
    public static async ValueTask RunAsClientAsync(FrameStream frames, ReadOnlyMemory<byte> key, CancellationToken cancellationToken)
    {
        await AnswerChallengeAsync(frames, key, cancellationToken).ConfigureAwait(false);
        await DeliverChallengeAsync(frames, key, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a challenge, checks the answer, and replies <c>#WELCOME#</c> or <c>#FAILURE#</c>.</summary>
    public static async ValueTask DeliverChallengeAsync(FrameStream frames, ReadOnlyMemory<byte> key, CancellationToken cancellationToken)
    {
        byte[] message = ChallengeDigest.NewMessage();
        await frames.WriteFrameAsync(Concat(WireLiterals.Challenge, message), cancellationToken).ConfigureAwait(false);
        byte[] response = await ReadHandshakeFrameAsync(frames, cancellationToken).ConfigureAwait(false);
        if (!ChallengeDigest.Verify(key.Span, message, response))
        {
            await frames.WriteFrameAsync(WireLiterals.Failure.ToArray(), cancellationToken).ConfigureAwait(false);
            throw new ManagerAuthenticationException("digest received was wrong (the peer has a different authkey)");
        }
        await frames.WriteFrameAsync(WireLiterals.Welcome.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the peer's challenge, answers it, and expects <c>#WELCOME#</c>.</summary>
    public static async ValueTask AnswerChallengeAsync(FrameStream frames, ReadOnlyMemory<byte> key, CancellationToken cancellationToken)
    {
        byte[] challenge = await ReadHandshakeFrameAsync(frames, cancellationToken).ConfigureAwait(false);
        if (!challenge.AsSpan().StartsWith(WireLiterals.Challenge))
        {
            throw new ManagerAuthenticationException("expected a #CHALLENGE# frame from the peer");
        }
        byte[] response = ChallengeDigest.CreateResponse(key.Span, challenge.AsSpan(WireLiterals.Challenge.Length));
        await frames.WriteFrameAsync(response, cancellationToken).ConfigureAwait(false);
        byte[] verdict = await ReadHandshakeFrameAsync(frames, cancellationToken).ConfigureAwait(false);
        if (!verdict.AsSpan().SequenceEqual(WireLiterals.Welcome))
        {
            throw new ManagerAuthenticationException("digest sent was rejected (the peer has a different authkey)");
        }
    }

    private static async ValueTask<byte[]> ReadHandshakeFrameAsync(FrameStream frames, CancellationToken cancellationToken)
    {
        try
        {
            return await frames.ReadFrameAsync(MaxFrameLength, cancellationToken).ConfigureAwait(false)
                ?? throw new ManagerAuthenticationException("the peer closed the connection during the handshake");
        }
        catch (FrameException e)
        {
            throw new ManagerAuthenticationException("bad handshake frame: " + e.Message, e);
        }
    }

    private static byte[] Concat(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => [.. a, .. b];
}
