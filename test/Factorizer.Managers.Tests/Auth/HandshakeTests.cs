using System.Security.Cryptography;
using System.Text;
using Factorizer.Managers.Auth;
using Factorizer.Managers.Framing;
using Factorizer.Managers.Tests.Support;

namespace Factorizer.Managers.Tests.Auth;

public class HandshakeTests
{
    private static readonly byte[] Key = Encoding.ASCII.GetBytes("abc");
    private static readonly byte[] Welcome = "#WELCOME#"u8.ToArray();
    private static readonly byte[] Failure = "#FAILURE#"u8.ToArray();
    private static readonly byte[] ChallengeTag = "#CHALLENGE#"u8.ToArray();

    private static Task<byte[]?> ReadAsync(FrameStream frames, long max = 4096) =>
        frames.ReadFrameAsync(max, CancellationToken.None).AsTask().WaitAsync(Timeouts.Short);

    private static Task WriteAsync(FrameStream frames, byte[] payload) =>
        frames.WriteFrameAsync(payload, CancellationToken.None).AsTask().WaitAsync(Timeouts.Short);

    [Fact]
    public async Task RunAsServerAndClient_SameKey_BothComplete()
    {
        await using SocketPair pair = await SocketPair.CreateAsync();
        var server = new FrameStream(pair.Left);
        var client = new FrameStream(pair.Right);

        Task s = Handshake.RunAsServerAsync(server, Key, CancellationToken.None).AsTask();
        Task c = Handshake.RunAsClientAsync(client, Key, CancellationToken.None).AsTask();

        await Task.WhenAll(s, c).WaitAsync(Timeouts.Short);
        // Both sides are in step afterwards: a frame each way arrives intact.
        await WriteAsync(client, "after"u8.ToArray());
        Assert.Equal("after"u8.ToArray(), await ReadAsync(server));
    }

    [Fact]
    public async Task RunAsServerAndClient_EmptyKey_StillAuthenticates()
    {
        await using SocketPair pair = await SocketPair.CreateAsync();

        await Task.WhenAll(
            Handshake.RunAsServerAsync(new FrameStream(pair.Left), ReadOnlyMemory<byte>.Empty, CancellationToken.None).AsTask(),
            Handshake.RunAsClientAsync(new FrameStream(pair.Right), ReadOnlyMemory<byte>.Empty, CancellationToken.None).AsTask())
            .WaitAsync(Timeouts.Short);
    }

    [Theory]
    [MemberData(nameof(HmacVectors.CanonicalCaseNames), MemberType = typeof(HmacVectors))]
    public async Task AnswerChallenge_VectorChallengeFrame_SendsVectorResponseFrame(string name)
    {
        HmacVector v = HmacVectors.Get(name);
        await using SocketPair pair = await SocketPair.CreateAsync();
        var peer = new FrameStream(pair.Left);

        Task answer = Handshake.AnswerChallengeAsync(new FrameStream(pair.Right), v.AuthKey, CancellationToken.None).AsTask();
        await pair.Left.WriteAsync(v.ChallengeFrame); // the exact bytes a CPython challenger sends
        byte[] header = new byte[4];
        await pair.Left.ReadExactlyAsync(header).AsTask().WaitAsync(Timeouts.Short);
        byte[] body = new byte[System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header)];
        await pair.Left.ReadExactlyAsync(body).AsTask().WaitAsync(Timeouts.Short);
        await WriteAsync(peer, Welcome);
        await answer.WaitAsync(Timeouts.Short);

        Assert.Equal(Convert.ToHexString(v.ResponseFrame), Convert.ToHexString([.. header, .. body]));
    }

    [Theory]
    [MemberData(nameof(HmacVectors.CanonicalCaseNames), MemberType = typeof(HmacVectors))]
    public async Task AnswerChallenge_VectorChallengeThenFailure_Throws(string name)
    {
        HmacVector v = HmacVectors.Get(name);
        await using SocketPair pair = await SocketPair.CreateAsync();
        var peer = new FrameStream(pair.Left);

        Task answer = Handshake.AnswerChallengeAsync(new FrameStream(pair.Right), v.AuthKey, CancellationToken.None).AsTask();
        await WriteAsync(peer, v.ChallengePayload);
        Assert.Equal(v.Response, await ReadAsync(peer));
        await WriteAsync(peer, Failure);

        await Assert.ThrowsAsync<ManagerAuthenticationException>(() => answer.WaitAsync(Timeouts.Short));
    }

    /// <summary>Our challenger against a peer answering the way each CPython version (and digest) can.</summary>
    [Theory]
    [InlineData("legacy-md5")]
    [InlineData("md5")]
    [InlineData("sha256")]
    [InlineData("sha384")]
    public async Task DeliverChallenge_PeerAnswersInAnyAcceptedForm_Welcomed(string form)
    {
        await using SocketPair pair = await SocketPair.CreateAsync();
        var peer = new FrameStream(pair.Left);

        Task deliver = Handshake.DeliverChallengeAsync(new FrameStream(pair.Right), Key, CancellationToken.None).AsTask();
        byte[] challenge = (await ReadAsync(peer))!;
        Assert.Equal(ChallengeTag, challenge[..ChallengeTag.Length]);
        byte[] message = challenge[ChallengeTag.Length..];
        byte[] response = form switch
        {
            "legacy-md5" => HMACMD5.HashData(Key, message),
            "md5" => [.. "{md5}"u8.ToArray(), .. HMACMD5.HashData(Key, message)],
            "sha256" => [.. "{sha256}"u8.ToArray(), .. HMACSHA256.HashData(Key, message)],
            _ => [.. "{sha384}"u8.ToArray(), .. HMACSHA384.HashData(Key, message)],
        };
        await WriteAsync(peer, response);

        Assert.Equal(Welcome, await ReadAsync(peer));
        await deliver.WaitAsync(Timeouts.Short);
    }

    [Fact]
    public async Task RunAsServer_ClientHasWrongKey_ServerThrowsAndClientGetsFailure()
    {
        await using SocketPair pair = await SocketPair.CreateAsync();
        var peer = new FrameStream(pair.Left);

        Task server = Handshake.RunAsServerAsync(new FrameStream(pair.Right), Key, CancellationToken.None).AsTask();
        byte[] challenge = (await ReadAsync(peer))!;
        byte[] wrong = ChallengeDigest.CreateResponse("wrong-key"u8, challenge.AsSpan(ChallengeTag.Length));
        await WriteAsync(peer, wrong);

        Assert.Equal(Failure, await ReadAsync(peer));
        await Assert.ThrowsAsync<ManagerAuthenticationException>(() => server.WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task RunAsClient_ServerHasWrongKey_ClientThrows()
    {
        await using SocketPair pair = await SocketPair.CreateAsync();

        Task server = Handshake.RunAsServerAsync(new FrameStream(pair.Left), Key, CancellationToken.None).AsTask();
        Task client = Handshake.RunAsClientAsync(new FrameStream(pair.Right), "other"u8.ToArray(), CancellationToken.None).AsTask();

        await Assert.ThrowsAsync<ManagerAuthenticationException>(() => client.WaitAsync(Timeouts.Short));
        await Assert.ThrowsAsync<ManagerAuthenticationException>(() => server.WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task RunAsClient_ServerAnswersClientChallengeWrongly_ClientSendsFailureAndThrows()
    {
        await using SocketPair pair = await SocketPair.CreateAsync();
        var peer = new FrameStream(pair.Left);

        Task client = Handshake.RunAsClientAsync(new FrameStream(pair.Right), Key, CancellationToken.None).AsTask();
        // Direction 1 is right: the peer challenges and welcomes the correct answer.
        byte[] message = ChallengeDigest.NewMessage();
        await WriteAsync(peer, [.. ChallengeTag, .. message]);
        byte[] reply = (await ReadAsync(peer))!;
        Assert.True(ChallengeDigest.Verify(Key, message, reply));
        await WriteAsync(peer, Welcome);
        // Direction 2 is wrong: the peer answers the client's challenge with another key.
        byte[] theirs = (await ReadAsync(peer))!;
        byte[] wrong = ChallengeDigest.CreateResponse("wrong-key"u8, theirs.AsSpan(ChallengeTag.Length));
        await WriteAsync(peer, wrong);

        Assert.Equal(Failure, await ReadAsync(peer));
        await Assert.ThrowsAsync<ManagerAuthenticationException>(() => client.WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task RunAsServer_ClientRejectsServerAnswer_ServerThrows()
    {
        await using SocketPair pair = await SocketPair.CreateAsync();
        var peer = new FrameStream(pair.Left);

        Task server = Handshake.RunAsServerAsync(new FrameStream(pair.Right), Key, CancellationToken.None).AsTask();
        byte[] challenge = (await ReadAsync(peer))!;
        await WriteAsync(peer, ChallengeDigest.CreateResponse(Key, challenge.AsSpan(ChallengeTag.Length)));
        Assert.Equal(Welcome, await ReadAsync(peer));
        await WriteAsync(peer, [.. ChallengeTag, .. ChallengeDigest.NewMessage()]);
        Assert.NotNull(await ReadAsync(peer));
        await WriteAsync(peer, Failure);

        await Assert.ThrowsAsync<ManagerAuthenticationException>(() => server.WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task DeliverChallenge_ResponseFrameOver256Bytes_Refused()
    {
        await using SocketPair pair = await SocketPair.CreateAsync();
        var peer = new FrameStream(pair.Left);

        Task deliver = Handshake.DeliverChallengeAsync(new FrameStream(pair.Right), Key, CancellationToken.None).AsTask();
        Assert.NotNull(await ReadAsync(peer));
        await WriteAsync(peer, new byte[257]);

        var e = await Assert.ThrowsAsync<ManagerAuthenticationException>(() => deliver.WaitAsync(Timeouts.Short));
        Assert.IsType<FrameException>(e.InnerException);
    }

    [Fact]
    public async Task AnswerChallenge_ChallengeFrameOver256Bytes_Refused()
    {
        await using SocketPair pair = await SocketPair.CreateAsync();
        var peer = new FrameStream(pair.Left);

        Task answer = Handshake.AnswerChallengeAsync(new FrameStream(pair.Right), Key, CancellationToken.None).AsTask();
        await WriteAsync(peer, [.. ChallengeTag, .. "{sha256}"u8.ToArray(), .. new byte[300]]);

        await Assert.ThrowsAsync<ManagerAuthenticationException>(() => answer.WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task AnswerChallenge_FrameExactly256Bytes_StillRead()
    {
        await using SocketPair pair = await SocketPair.CreateAsync();
        var peer = new FrameStream(pair.Left);
        byte[] message = [.. "{sha256}"u8.ToArray(), .. new byte[256 - ChallengeTag.Length - 8]];

        Task answer = Handshake.AnswerChallengeAsync(new FrameStream(pair.Right), Key, CancellationToken.None).AsTask();
        await WriteAsync(peer, [.. ChallengeTag, .. message]);
        byte[] reply = (await ReadAsync(peer))!;
        Assert.True(ChallengeDigest.Verify(Key, message, reply));
        await WriteAsync(peer, Welcome);

        await answer.WaitAsync(Timeouts.Short);
    }

    [Fact]
    public async Task AnswerChallenge_FrameWithoutChallengeTag_Refused()
    {
        await using SocketPair pair = await SocketPair.CreateAsync();
        var peer = new FrameStream(pair.Left);

        Task answer = Handshake.AnswerChallengeAsync(new FrameStream(pair.Right), Key, CancellationToken.None).AsTask();
        await WriteAsync(peer, "#WELCOME#"u8.ToArray());

        await Assert.ThrowsAsync<ManagerAuthenticationException>(() => answer.WaitAsync(Timeouts.Short));
    }

    [Fact]
    public async Task DeliverChallenge_PeerClosesInstead_Throws()
    {
        await using SocketPair pair = await SocketPair.CreateAsync();

        Task deliver = Handshake.DeliverChallengeAsync(new FrameStream(pair.Right), Key, CancellationToken.None).AsTask();
        Assert.NotNull(await ReadAsync(new FrameStream(pair.Left)));
        pair.Left.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);

        await Assert.ThrowsAsync<ManagerAuthenticationException>(() => deliver.WaitAsync(Timeouts.Short));
    }
}
