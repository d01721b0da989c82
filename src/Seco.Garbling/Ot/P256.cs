using SHA256 = System.Security.Cryptography.SHA256;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Org.BouncyCastle.Math.EC.Multiplier;
using Seco.Garbling.Crypto;

namespace Seco.Garbling.Ot;

/// <summary>
/// NIST P-256 (secp256r1) through BouncyCastle's managed arithmetic, with the helpers the Chou–Orlandi base OT needs:
/// uniform scalars, validated decoding of 33-byte compressed points, and the key-derivation hash.
/// </summary>
internal static class P256
{
    /// <summary>Bytes of a compressed point: 0x02/0x03 then the 32-byte x-coordinate.</summary>
    public const int PointSize = 33;

    // CustomNamedCurves gives the same curve as SecNamedCurves but with BouncyCastle's specialised P-256 field
    // arithmetic (fixed-size limbs, Solinas reduction) instead of generic BigInteger arithmetic: an order of
    // magnitude faster and far less garbage.
    private static readonly X9ECParameters Parameters = CustomNamedCurves.GetByName("secp256r1");
    private static readonly FixedPointCombMultiplier BaseMultiplier = new();

    public static ECCurve Curve => Parameters.Curve;
    public static ECPoint G => Parameters.G;
    public static BigInteger Order => Parameters.N;

    /// <summary>
    /// A uniform scalar in [1, n−1] by rejection sampling 256-bit strings from <paramref name="random"/> (n is within
    /// 2^-32 of 2^256, so a retry is rare and the result carries no modular bias).
    /// </summary>
    public static BigInteger RandomScalar(BlockRandom random)
    {
        Span<byte> bytes = stackalloc byte[32];
        while (true)
        {
            random.FillBytes(bytes);
            var k = new BigInteger(1, bytes.ToArray());
            if (k.SignValue > 0 && k.CompareTo(Order) < 0) return k;
        }
    }

    /// <summary>k·G through the fixed-base comb (faster than the generic multiplier for the generator).</summary>
    public static ECPoint MultiplyBase(BigInteger k) => BaseMultiplier.Multiply(G, k).Normalize();

    /// <summary>Writes the compressed encoding of a finite point.</summary>
    public static void Encode(ECPoint p, Span<byte> destination) => p.GetEncoded(true).CopyTo(destination);

    /// <summary>
    /// Decodes a compressed point from the network. BouncyCastle's decoder recomputes y from x and so rejects an x
    /// with no point on the curve; the encoding of infinity (and any other prefix) is rejected here. P-256 has
    /// cofactor 1, so every finite curve point lies in the prime-order group and no subgroup check is needed.
    /// </summary>
    public static ECPoint Decode(ReadOnlySpan<byte> encoded, string what)
    {
        if (encoded.Length != PointSize) throw new OtProtocolException($"{what}: a compressed P-256 point is {PointSize} bytes, got {encoded.Length}");
        if (encoded[0] != 2 && encoded[0] != 3)
            throw new OtProtocolException($"{what}: prefix 0x{encoded[0]:x2} is not a compressed P-256 point (the point at infinity is not allowed)");
        ECPoint p;
        try
        {
            p = Curve.DecodePoint(encoded.ToArray());
        }
        catch (ArgumentException e)
        {
            throw new OtProtocolException($"{what}: not a point on P-256 ({e.Message})", e);
        }
        if (p.IsInfinity || !p.IsValid()) throw new OtProtocolException($"{what}: not a valid finite point on P-256");
        return p;
    }

    private static readonly byte[] KeyTag = "Seco.Garbling.Ot.ChouOrlandi.v1/key"u8.ToArray();

    /// <summary>
    /// H(i, A, B_i, P) = SHA-256(tag ‖ i ‖ A ‖ B_i ‖ P) truncated to 128 bits. Hashing the index and both transcript
    /// points binds each key to its OT and this run (Chou–Orlandi hash the transcript; the index keeps the n keys of a
    /// batch independent even if two B_i coincide).
    /// </summary>
    public static Block DeriveKey(int index, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ECPoint shared)
    {
        Span<byte> input = stackalloc byte[KeyTag.Length + 8 + 3 * PointSize];
        KeyTag.CopyTo(input);
        int o = KeyTag.Length;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(input[o..], (ulong)index);
        o += 8;
        a.CopyTo(input[o..]); o += PointSize;
        b.CopyTo(input[o..]); o += PointSize;
        Encode(shared.Normalize(), input[o..]);
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(input, digest);
        return Block.Read(digest);
    }
}
