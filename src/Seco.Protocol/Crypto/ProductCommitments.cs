using System.Buffers;
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
        // Streamed into the hash (issue 19): encoding the whole message first cost each server one more copy of its
        // products per query. The bytes hashed are the same.
        using (var sink = new HashingBufferWriter(hash)) SecoCodecs.Write(sink, products);
        return hash.GetHashAndReset();
    }

    /// <summary>An <see cref="IBufferWriter{T}"/> that feeds every byte written to a hash and keeps none.</summary>
    private sealed class HashingBufferWriter(IncrementalHash hash) : IBufferWriter<byte>, IDisposable
    {
        private byte[] _scratch = ArrayPool<byte>.Shared.Rent(1 << 16);

        public void Advance(int count)
        {
            if (count < 0 || count > _scratch.Length)
                throw new ArgumentOutOfRangeException(nameof(count), $"advanced {count} bytes; the span handed out holds {_scratch.Length}");
            hash.AppendData(_scratch, 0, count);
        }

        public Memory<byte> GetMemory(int sizeHint = 0) => Scratch(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => Scratch(sizeHint);

        // Cleared: the scratch held the committed products, which the digest is meant to hide until the reveal.
        public void Dispose() => ArrayPool<byte>.Shared.Return(_scratch, clearArray: true);

        private byte[] Scratch(int sizeHint)
        {
            if (_scratch.Length < sizeHint)
            {
                ArrayPool<byte>.Shared.Return(_scratch, clearArray: true);
                _scratch = ArrayPool<byte>.Shared.Rent(sizeHint);
            }
            return _scratch;
        }
    }
}
