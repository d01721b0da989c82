using System.Security.Cryptography;
using Seco.Protocol.Messages;
using Seco.Protocol.Roles;

namespace Seco.Protocol.Crypto;

/// <summary>
/// Hash commitments to a tier server's products (commit, then reveal): SHA-256 over a domain tag, the query, the
/// sender's position and its serialized <see cref="LinearShares"/>. The products are re-randomised encryptions, so the
/// digest hides them; binding makes a revealed product that differs from its commitment a protocol violation.
/// </summary>
public static class ProductCommitments
{
    private static readonly byte[] Domain = "seco.product-commitment.v1"u8.ToArray();

    public static byte[] Digest(Party sender, LinearShares products)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Domain);
        Span<byte> header = stackalloc byte[12];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header, products.Query);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header[4..], sender.Tier);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header[8..], sender.Index);
        hash.AppendData(header);
        hash.AppendData(SecoCodecs.Encode(products));
        return hash.GetHashAndReset();
    }
}
