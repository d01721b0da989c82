using System.Buffers.Binary;
using System.Security.Cryptography;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests.Commitments;

/// <summary>
/// The streamed commitment (issue 19) is SHA-256 over exactly the bytes of its definition: the domain tag, the query,
/// the sender's tier and index, and the encoded <see cref="LinearShares"/> — for products larger than the hash's
/// scratch buffer too — and it binds every byte of them.
/// </summary>
public class ProductCommitmentsTests
{
    private static byte[] Definition(Party sender, LinearShares products)
    {
        var header = new byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(header, products.Query);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), sender.Tier);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), sender.Index);
        return SHA256.HashData([.. "seco.product-commitment.v1"u8, .. header, .. SecoCodecs.Encode(products)]);
    }

    [Theory]
    [InlineData(0, new[] { 0 })]
    [InlineData(1, new[] { 10, 70_000 })]
    [InlineData(2, new[] { 300_000, 5, 1 << 20 })]
    public void The_digest_is_the_hash_of_the_defined_bytes(int seed, int[] sizes)
    {
        var random = new Random(seed);
        var products = new LinearShares(seed + 3, [.. sizes.Select(n => { var b = new byte[n]; random.NextBytes(b); return b; })]);
        Party sender = Party.Evaluator;
        Assert.Equal(Definition(sender, products), ProductCommitments.Digest(sender, products));
    }

    [Fact]
    public void A_changed_byte_or_sender_changes_the_digest()
    {
        var random = new Random(7);
        var blob = new byte[100_000];
        random.NextBytes(blob);
        var products = new LinearShares(1, [blob]);
        byte[] digest = ProductCommitments.Digest(Party.Garbler, products);
        Assert.NotEqual(digest, ProductCommitments.Digest(Party.Evaluator, products));
        var changed = (byte[])blob.Clone();
        changed[99_999] ^= 1;
        Assert.NotEqual(digest, ProductCommitments.Digest(Party.Garbler, new LinearShares(1, [changed])));
    }
}
