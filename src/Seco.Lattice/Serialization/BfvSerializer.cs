using System.Buffers.Binary;
using System.Security.Cryptography;
using Seco.Lattice.Bfv;
using Seco.Lattice.Parameters;
using Seco.Lattice.Ring;
using Seco.Lattice.Sampling;

namespace Seco.Lattice.Serialization;

/// <summary>
/// Compact, versioned binary serialization of BFV objects (format version 1, specified in docs/serialization.md).
/// Every blob opens with a 48-byte header — magic "SECO", version, object type, flags, the SHA-256
/// <see cref="BfvContext.ParameterHash"/> and the payload length — followed by a payload in which every residue is
/// bit-packed at the bit width of its modulus and every uniform "a" polynomial is replaced by its 32-byte seed (except
/// in unseeded key-switching keys, the collective relinearization key, written with <see cref="ExplicitAFlag"/>).
/// Loaders validate the header and all length-determining fields before allocating, then range-check every residue,
/// and report any defect as a <see cref="BfvFormatException"/> naming the problem and its byte offset.
/// </summary>
public static class BfvSerializer
{
    /// <summary>Header size in bytes.</summary>
    public const int HeaderSize = 48;

    /// <summary>The format version this serializer writes and the only one it reads.</summary>
    public const byte FormatVersion = 1;

    private const int SeedSize = PublicPolynomialSampler.SeedSize;
    private const int MagicOffset = 0, VersionOffset = 4, TypeOffset = 5, FlagsOffset = 6, HashOffset = 8, LengthOffset = 40;

    /// <summary>
    /// Header flag bit 0, valid on <see cref="BfvObjectType.RelinKeys"/> and <see cref="BfvObjectType.GaloisKeys"/>
    /// only: every key component stores its a_j explicitly (k packed limbs) instead of a 32-byte seed. Set exactly when
    /// some key in the blob is unseeded (a collective relinearization key); all other bits are reserved and must be 0.
    /// </summary>
    public const ushort ExplicitAFlag = 0x0001;

    private static ReadOnlySpan<byte> Magic => "SECO"u8;

    // ---------------------------------------------------------------- sizes

    /// <summary>Exact byte count of <see cref="Serialize(Plaintext)"/>.</summary>
    public static long SerializedSize(Plaintext plain)
    {
        ArgumentNullException.ThrowIfNull(plain);
        return HeaderSize + PlaintextPayloadSize(plain.Context, plain.NttLevel);
    }

    /// <summary>Exact byte count of <see cref="Serialize(Ciphertext)"/>.</summary>
    public static long SerializedSize(Ciphertext ciphertext)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        return HeaderSize + CiphertextPayloadSize(ciphertext.Context, ciphertext.Size, ciphertext.Level);
    }

    /// <summary>Exact byte count of <see cref="Serialize(SeededCiphertext)"/>.</summary>
    public static long SerializedSize(SeededCiphertext ciphertext)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        return HeaderSize + SeededPayloadSize(ciphertext.Context, ciphertext.Level);
    }

    /// <summary>Exact byte count of <see cref="Serialize(PublicKey)"/>.</summary>
    public static long SerializedSize(PublicKey publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        return HeaderSize + SeededKeyPolySize(publicKey.Context);
    }

    /// <summary>Exact byte count of <see cref="Serialize(SecretKey)"/>.</summary>
    public static long SerializedSize(SecretKey secretKey)
    {
        ArgumentNullException.ThrowIfNull(secretKey);
        return HeaderSize + SecretKeyPayloadSize(secretKey.Context);
    }

    /// <summary>Exact byte count of <see cref="Serialize(RelinKeys)"/>.</summary>
    public static long SerializedSize(RelinKeys relinKeys)
    {
        ArgumentNullException.ThrowIfNull(relinKeys);
        return HeaderSize + 1 + (relinKeys.Key.Count * KeyComponentSize(relinKeys.Context, !relinKeys.Key.IsSeeded));
    }

    /// <summary>Exact byte count of <see cref="Serialize(GaloisKeys)"/>.</summary>
    public static long SerializedSize(GaloisKeys galoisKeys)
    {
        ArgumentNullException.ThrowIfNull(galoisKeys);
        long size = HeaderSize + 2;
        bool explicitA = HasUnseeded(galoisKeys);
        foreach (KeySwitchingKey key in galoisKeys.Keys.Values)
        {
            size += 4 + 1 + (key.Count * KeyComponentSize(galoisKeys.Context, explicitA));
        }

        return size;
    }

    // ---------------------------------------------------------------- serialize

    /// <summary>Serializes a plaintext (coefficient form packed at bitlen(t), NTT form at bitlen(q_l) per limb).</summary>
    public static byte[] Serialize(Plaintext plain)
    {
        ArgumentNullException.ThrowIfNull(plain);
        BfvContext context = plain.Context;
        if (!plain.IsNttForm)
        {
            // Coefficients are publicly writable, so an out-of-range value is a caller error, not internal corruption.
            ulong t = context.PlainModulus.Value;
            for (int i = 0; i < context.N; i++)
            {
                if (plain.Data[i] >= t)
                {
                    throw new ArgumentException($"Plaintext coefficient {i} is {plain.Data[i]}, not below t = {t}.", nameof(plain));
                }
            }
        }

        var w = new Writer(context, BfvObjectType.Plaintext, SerializedSize(plain));
        w.Byte(plain.IsNttForm ? (byte)1 : (byte)0);
        w.Byte((byte)plain.NttLevel);
        if (plain.IsNttForm)
        {
            w.Poly(plain.Data, context.KeyModuli, plain.NttLevel);
        }
        else
        {
            w.Limb(plain.Data, context.PlainModulus);
        }

        return w.Finish();
    }

    /// <summary>Serializes a ciphertext: size, level, NTT flag, then size × level packed limbs.</summary>
    public static byte[] Serialize(Ciphertext ciphertext) => Serialize(ciphertext, null);

    /// <summary>
    /// As <see cref="Serialize(Ciphertext)"/>, into an array from <paramref name="allocate"/> (given the exact length;
    /// e.g. a pool's rent, so that a message's ciphertexts are not fresh large-object arrays every query), or a new one
    /// for null. The array is cleared before it is written.
    /// </summary>
    public static byte[] Serialize(Ciphertext ciphertext, Func<int, byte[]>? allocate)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        BfvContext context = ciphertext.Context;
        var w = new Writer(context, BfvObjectType.Ciphertext, SerializedSize(ciphertext), allocate: allocate);
        w.Byte((byte)ciphertext.Size);
        w.Byte((byte)ciphertext.Level);
        w.Byte(ciphertext.IsNttForm ? (byte)1 : (byte)0);
        for (int k = 0; k < ciphertext.Size; k++)
        {
            w.Poly(ciphertext.Poly(k), context.KeyModuli, ciphertext.Level);
        }

        return w.Finish();
    }

    /// <summary>Serializes a seeded symmetric ciphertext: level, the 32-byte seed of c_1, then c_0.</summary>
    public static byte[] Serialize(SeededCiphertext ciphertext)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        BfvContext context = ciphertext.Context;
        var w = new Writer(context, BfvObjectType.SeededCiphertext, SerializedSize(ciphertext));
        w.Byte((byte)ciphertext.Level);
        w.Bytes(ciphertext.Seed);
        w.Poly(ciphertext.C0, context.KeyModuli, ciphertext.Level);
        return w.Finish();
    }

    /// <summary>Serializes a public key: the seed of a, then b over all key primes.</summary>
    public static byte[] Serialize(PublicKey publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        BfvContext context = publicKey.Context;
        var w = new Writer(context, BfvObjectType.PublicKey, SerializedSize(publicKey));
        w.Bytes(publicKey.Seed);
        w.Poly(publicKey.B, context.KeyModuli, context.KeyModuli.Count);
        return w.Finish();
    }

    /// <summary>
    /// Serializes a secret key as its ternary coefficients at 2 bits each (0 → 0, 1 → +1, 2 → −1). Throws
    /// <see cref="InvalidOperationException"/> if the key is not ternary (it cannot be represented).
    /// </summary>
    public static byte[] Serialize(SecretKey secretKey)
    {
        ArgumentNullException.ThrowIfNull(secretKey);
        BfvContext context = secretKey.Context;
        int n = context.N;
        ulong q = context.KeyModuli[0].Value;

        // Only limb 0 is inverted: a ternary s has the same small coefficients in every limb, so one limb determines it.
        var coefficients = new ulong[n];
        var w = new Writer(context, BfvObjectType.SecretKey, SerializedSize(secretKey));
        try
        {
            secretKey.Data.AsSpan(0, n).CopyTo(coefficients);
            NegacyclicNtt.Inverse(coefficients, context.NttTables[0]);
            Span<byte> packed = w.Reserve(n / 4);
            for (int i = 0; i < n; i++)
            {
                ulong c = coefficients[i];
                int code = c == 0 ? 0 : c == 1 ? 1 : c == q - 1 ? 2 : 3;
                if (code == 3)
                {
                    // Codes already written are secret bits: wipe them before abandoning the buffer.
                    packed.Clear();
                    throw new InvalidOperationException("The secret key is not ternary; it cannot be serialized in the 2-bit format.");
                }

                packed[i >> 2] |= (byte)(code << (2 * (i & 3)));
            }

            return w.Finish();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(coefficients.AsSpan()));
        }
    }

    /// <summary>
    /// Serializes relinearization keys: count (= MaxLevel), then count × (seed, b); for an unseeded (collective) key
    /// the header carries <see cref="ExplicitAFlag"/> and each component is (a, b).
    /// </summary>
    public static byte[] Serialize(RelinKeys relinKeys)
    {
        ArgumentNullException.ThrowIfNull(relinKeys);
        bool explicitA = !relinKeys.Key.IsSeeded;
        var w = new Writer(relinKeys.Context, BfvObjectType.RelinKeys, SerializedSize(relinKeys), explicitA ? ExplicitAFlag : (ushort)0);
        w.Byte((byte)relinKeys.Key.Count);
        w.KeySwitchingKey(relinKeys.Key, explicitA);
        return w.Finish();
    }

    /// <summary>
    /// Serializes Galois keys: the number of keys, then per key in increasing Galois-element order the element
    /// (uint32), count (= MaxLevel) and count × (seed, b). If any key is unseeded, the header carries
    /// <see cref="ExplicitAFlag"/> and every component of every key is written as (a, b).
    /// </summary>
    public static byte[] Serialize(GaloisKeys galoisKeys)
    {
        ArgumentNullException.ThrowIfNull(galoisKeys);
        bool explicitA = HasUnseeded(galoisKeys);
        var w = new Writer(galoisKeys.Context, BfvObjectType.GaloisKeys, SerializedSize(galoisKeys), explicitA ? ExplicitAFlag : (ushort)0);
        w.UInt16(checked((ushort)galoisKeys.Keys.Count));
        foreach (uint g in galoisKeys.Keys.Keys.Order())
        {
            KeySwitchingKey key = galoisKeys.Keys[g];
            w.UInt32(g);
            w.Byte((byte)key.Count);
            w.KeySwitchingKey(key, explicitA);
        }

        return w.Finish();
    }

    // ---------------------------------------------------------------- load

    /// <summary>Loads a plaintext serialized under <paramref name="context"/>.</summary>
    /// <exception cref="BfvFormatException">The bytes are malformed or belong to other parameters.</exception>
    public static Plaintext LoadPlaintext(BfvContext context, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(context);
        ReadHeader(context, data, BfvObjectType.Plaintext, BfvObjectType.Plaintext);
        var r = new Reader(data);
        byte form = r.Byte("plaintext form");
        if (form > 1)
        {
            throw r.Error($"Plaintext form must be 0 (coefficient) or 1 (NTT), found {form}", -1);
        }

        byte level = r.Byte("plaintext level");
        if (form == 0 && level != 0)
        {
            throw r.Error($"A coefficient-form plaintext must have level 0, found {level}", -1);
        }

        if (form == 1)
        {
            CheckLevel(context, r, level, "plaintext");
        }

        CheckExpectedLength(data, PlaintextPayloadSize(context, level), $"form = {form}, level = {level}");
        if (form == 0)
        {
            var coefficients = new ulong[context.N];
            r.Limb(coefficients, context.PlainModulus, "plaintext coefficients (mod t)");
            return new Plaintext(context, coefficients, 0);
        }

        var ntt = new ulong[level * context.N];
        r.Poly(ntt, context.KeyModuli, level, "plaintext");
        return new Plaintext(context, ntt, level);
    }

    /// <summary>Loads a ciphertext (object type 2) serialized under <paramref name="context"/>.</summary>
    /// <exception cref="BfvFormatException">The bytes are malformed or belong to other parameters.</exception>
    public static Ciphertext LoadCiphertext(BfvContext context, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(context);
        ReadHeader(context, data, BfvObjectType.Ciphertext, BfvObjectType.Ciphertext);
        return ReadCiphertextPayload(context, data);
    }

    /// <summary>Loads a seeded symmetric ciphertext (object type 3) serialized under <paramref name="context"/>.</summary>
    /// <exception cref="BfvFormatException">The bytes are malformed or belong to other parameters.</exception>
    public static SeededCiphertext LoadSeededCiphertext(BfvContext context, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(context);
        ReadHeader(context, data, BfvObjectType.SeededCiphertext, BfvObjectType.SeededCiphertext);
        return ReadSeededPayload(context, data);
    }

    /// <summary>
    /// Loads either a ciphertext (type 2) or a seeded ciphertext (type 3, expanded to its full form): what a receiver
    /// that does not care how the sender encrypted wants.
    /// </summary>
    /// <exception cref="BfvFormatException">The bytes are malformed or belong to other parameters.</exception>
    public static Ciphertext LoadCiphertextOrSeeded(BfvContext context, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(context);
        BfvObjectType type = ReadHeader(context, data, BfvObjectType.Ciphertext, BfvObjectType.SeededCiphertext).Type;
        return type == BfvObjectType.Ciphertext
            ? ReadCiphertextPayload(context, data)
            : ReadSeededPayload(context, data).Expand();
    }

    /// <summary>Loads a public key serialized under <paramref name="context"/> (re-expanding a from its seed).</summary>
    /// <exception cref="BfvFormatException">The bytes are malformed or belong to other parameters.</exception>
    public static PublicKey LoadPublicKey(BfvContext context, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(context);
        ReadHeader(context, data, BfvObjectType.PublicKey, BfvObjectType.PublicKey);
        CheckExpectedLength(data, SeededKeyPolySize(context), $"k = {context.KeyModuli.Count} key primes");
        var r = new Reader(data);
        byte[] seed = r.Bytes(SeedSize).ToArray();
        var b = new ulong[context.KeyModuli.Count * context.N];
        r.Poly(b, context.KeyModuli, context.KeyModuli.Count, "public key b");
        return new PublicKey(context, b, seed);
    }

    /// <summary>Loads a secret key serialized under <paramref name="context"/> and returns it in NTT form.</summary>
    /// <exception cref="BfvFormatException">The bytes are malformed or belong to other parameters.</exception>
    public static SecretKey LoadSecretKey(BfvContext context, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(context);
        ReadHeader(context, data, BfvObjectType.SecretKey, BfvObjectType.SecretKey);
        int n = context.N, k = context.KeyModuli.Count;
        CheckExpectedLength(data, SecretKeyPayloadSize(context), $"n = {n} at 2 bits per coefficient");
        ReadOnlySpan<byte> packed = data.Slice(HeaderSize, n / 4);

        // Decode and validate every code before allocating the k-limb key.
        for (int i = 0; i < n; i++)
        {
            if (((packed[i >> 2] >> (2 * (i & 3))) & 3) == 3)
            {
                throw new BfvFormatException($"Invalid secret-key code 3 at coefficient {i} (valid codes: 0 → 0, 1 → +1, 2 → −1)", HeaderSize + (i >> 2));
            }
        }

        var s = new ulong[k * n];
        for (int l = 0; l < k; l++)
        {
            ulong q = context.KeyModuli[l].Value;
            Span<ulong> limb = s.AsSpan(l * n, n);
            for (int i = 0; i < n; i++)
            {
                int code = (packed[i >> 2] >> (2 * (i & 3))) & 3;
                limb[i] = code == 0 ? 0 : code == 1 ? 1UL : q - 1;
            }

            NegacyclicNtt.Forward(limb, context.NttTables[l]);
        }

        return new SecretKey(context, s);
    }

    /// <summary>Loads relinearization keys serialized under <paramref name="context"/>.</summary>
    /// <exception cref="BfvFormatException">The bytes are malformed or belong to other parameters.</exception>
    public static RelinKeys LoadRelinKeys(BfvContext context, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(context);
        ushort flags = ReadHeader(context, data, BfvObjectType.RelinKeys, BfvObjectType.RelinKeys, ExplicitAFlag).Flags;
        bool explicitA = flags == ExplicitAFlag;
        var r = new Reader(data);
        byte count = r.Byte("relin key count");
        if (count != context.MaxLevel)
        {
            throw r.Error($"Relin key count {count} must equal MaxLevel = {context.MaxLevel}", -1);
        }

        CheckExpectedLength(data, 1 + (count * KeyComponentSize(context, explicitA)), $"count = {count}, {(explicitA ? "explicit" : "seeded")} a");
        return new RelinKeys(r.KeySwitchingKey(context, count, "relin key", explicitA));
    }

    /// <summary>Loads Galois keys serialized under <paramref name="context"/>.</summary>
    /// <exception cref="BfvFormatException">The bytes are malformed or belong to other parameters.</exception>
    public static GaloisKeys LoadGaloisKeys(BfvContext context, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(context);
        ushort flags = ReadHeader(context, data, BfvObjectType.GaloisKeys, BfvObjectType.GaloisKeys, ExplicitAFlag).Flags;
        bool explicitA = flags == ExplicitAFlag;
        int n = context.N;
        long keyPoly = KeyComponentSize(context, explicitA);
        var r = new Reader(data);
        ushort keyCount = r.UInt16("Galois key count");

        // There are only n odd elements below 2n, so more keys than that cannot be strictly increasing.
        if (keyCount > n)
        {
            throw r.Error($"Galois key count {keyCount} exceeds n = {n}, the number of distinct Galois elements", -2);
        }

        // First pass: walk every key header (fixed-size blocks once each count is checked) without allocating.
        long declared = data.Length - HeaderSize;
        long position = 2;
        uint previous = 0;
        for (int j = 0; j < keyCount; j++)
        {
            if (position + 5 > declared)
            {
                throw new BfvFormatException(
                    $"Payload too short: Galois key {j} of {keyCount} starts at payload byte {position} but the payload has {declared} bytes",
                    HeaderSize + Math.Min(position, declared));
            }

            int at = HeaderSize + (int)position;
            uint g = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(at, 4));
            byte count = data[at + 4];
            if ((g & 1) == 0 || g >= 2u * (uint)n)
            {
                throw new BfvFormatException($"Galois element {g} (key {j}) must be odd and below 2n = {2 * n}", at);
            }

            if (j > 0 && g == previous)
            {
                throw new BfvFormatException($"Duplicate Galois element {g} (key {j})", at);
            }

            if (j > 0 && g < previous)
            {
                throw new BfvFormatException($"Galois elements not in strictly increasing order: {g} (key {j}) follows {previous}", at);
            }

            if (count != context.MaxLevel)
            {
                throw new BfvFormatException($"Galois key {j} (element {g}) count {count} must equal MaxLevel = {context.MaxLevel}", at + 4);
            }

            previous = g;
            position += 5 + (count * keyPoly);
        }

        CheckExpectedLength(data, position, $"{keyCount} Galois keys of {context.MaxLevel} components, {(explicitA ? "explicit" : "seeded")} a");

        var keys = new Dictionary<uint, KeySwitchingKey>(keyCount);
        for (int j = 0; j < keyCount; j++)
        {
            uint g = r.UInt32("Galois element");
            byte count = r.Byte("Galois key count");
            keys[g] = r.KeySwitchingKey(context, count, $"Galois key {g}", explicitA);
        }

        return new GaloisKeys(context, keys);
    }

    // ---------------------------------------------------------------- helpers

    private static Ciphertext ReadCiphertextPayload(BfvContext context, ReadOnlySpan<byte> data)
    {
        var r = new Reader(data);
        byte size = r.Byte("ciphertext size");
        if (size < 2 || size > Ciphertext.MaxSize)
        {
            throw r.Error($"Ciphertext size {size} is outside [2, {Ciphertext.MaxSize}]", -1);
        }

        byte level = r.Byte("ciphertext level");
        CheckLevel(context, r, level, "ciphertext");
        byte ntt = r.Byte("ciphertext NTT flag");
        if (ntt > 1)
        {
            throw r.Error($"Ciphertext NTT flag must be 0 or 1, found {ntt}", -1);
        }

        CheckExpectedLength(data, CiphertextPayloadSize(context, size, level), $"size = {size}, level = {level}");
        int polyLength = level * context.N;
        var values = new ulong[size * polyLength];
        for (int k = 0; k < size; k++)
        {
            r.Poly(values.AsSpan(k * polyLength, polyLength), context.KeyModuli, level, $"ciphertext polynomial {k}");
        }

        return new Ciphertext(context, size, level, ntt == 1, values);
    }

    private static SeededCiphertext ReadSeededPayload(BfvContext context, ReadOnlySpan<byte> data)
    {
        var r = new Reader(data);
        byte level = r.Byte("seeded ciphertext level");
        CheckLevel(context, r, level, "seeded ciphertext");
        CheckExpectedLength(data, SeededPayloadSize(context, level), $"level = {level}");
        byte[] seed = r.Bytes(SeedSize).ToArray();
        var c0 = new ulong[level * context.N];
        r.Poly(c0, context.KeyModuli, level, "seeded ciphertext c0");
        return new SeededCiphertext(context, level, c0, seed);
    }

    private static void CheckLevel(BfvContext context, Reader r, byte level, string what)
    {
        if (level < 1 || level > context.MaxLevel)
        {
            throw r.Error($"The {what} level {level} is outside [1, {context.MaxLevel}] (MaxLevel)", -1);
        }
    }

    /// <summary>Throws unless the declared payload length (already equal to the bytes present) is what the fields imply.</summary>
    private static void CheckExpectedLength(ReadOnlySpan<byte> data, long expected, string fields)
    {
        long declared = data.Length - HeaderSize;
        if (declared != expected)
        {
            string what = declared < expected ? "truncated" : "has trailing bytes";
            throw new BfvFormatException(
                $"Payload {what}: the header declares {declared} payload bytes but {fields} require exactly {expected}",
                LengthOffset);
        }
    }

    /// <summary>
    /// Validates the header and that the payload length equals the bytes that follow; returns the type and the flags,
    /// which must be 0 or (for key-switching keys) exactly one of <paramref name="allowedFlags"/>.
    /// </summary>
    private static (BfvObjectType Type, ushort Flags) ReadHeader(
        BfvContext context, ReadOnlySpan<byte> data, BfvObjectType expected, BfvObjectType alternative, ushort allowedFlags = 0)
    {
        if (data.IsEmpty)
        {
            throw new BfvFormatException($"Empty input: expected a {HeaderSize}-byte SECO header", 0);
        }

        // Check the magic on whatever is present first, so a short non-SECO blob is called what it is.
        int magicPresent = Math.Min(data.Length, Magic.Length);
        if (!data[..magicPresent].SequenceEqual(Magic[..magicPresent]))
        {
            throw new BfvFormatException(
                $"Bad magic: expected \"SECO\" (53 45 43 4F), found {Convert.ToHexString(data[..magicPresent])}", MagicOffset);
        }

        if (data.Length < HeaderSize)
        {
            throw new BfvFormatException($"Truncated header: {data.Length} bytes present, the header needs {HeaderSize}", data.Length);
        }

        byte version = data[VersionOffset];
        if (version != FormatVersion)
        {
            throw new BfvFormatException($"Unsupported format version {version}; this reader supports version {FormatVersion}", VersionOffset);
        }

        var type = (BfvObjectType)data[TypeOffset];
        if (type != expected && type != alternative)
        {
            string wanted = expected == alternative ? TypeName(expected) : $"{TypeName(expected)} or {TypeName(alternative)}";
            throw new BfvFormatException($"Wrong object type: expected {wanted}, found {TypeName(type)}", TypeOffset);
        }

        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(FlagsOffset, 2));
        if (flags != 0 && allowedFlags == 0)
        {
            throw new BfvFormatException($"Reserved flags must be 0, found 0x{flags:X4}", FlagsOffset);
        }

        if ((flags & ~allowedFlags) != 0)
        {
            throw new BfvFormatException(
                $"Flags 0x{flags:X4} set reserved bits 0x{flags & ~allowedFlags:X4}; a {TypeName(type)} allows only 0x{allowedFlags:X4} (explicit a)", FlagsOffset);
        }

        ReadOnlySpan<byte> hash = data.Slice(HashOffset, 32);
        if (!hash.SequenceEqual(context.ParameterHash.AsSpan()))
        {
            throw new BfvFormatException(
                $"Parameter hash differs: the data were produced under parameters {Convert.ToHexStringLower(hash)[..16]}…, " +
                $"this context is {context.ParameterHashHex[..16]}…",
                HashOffset);
        }

        ulong declared = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(LengthOffset, 8));
        ulong remaining = (ulong)(data.Length - HeaderSize);
        if (declared > remaining)
        {
            throw new BfvFormatException(
                $"Truncated payload: the header declares {declared} payload bytes but only {remaining} follow", LengthOffset);
        }

        if (declared < remaining)
        {
            throw new BfvFormatException(
                $"Trailing bytes: the header declares {declared} payload bytes but {remaining} follow ({remaining - declared} extra)",
                HeaderSize + (long)declared);
        }

        return (type, flags);
    }

    private static string TypeName(BfvObjectType type) =>
        Enum.IsDefined(type) ? $"{type} ({(byte)type})" : $"unknown type ({(byte)type})";

    private static long LimbSize(int n, Modulus q) => BitPacking.PackedSize(n, q.BitCount);

    private static long PolySize(BfvContext context, int limbs)
    {
        long size = 0;
        for (int l = 0; l < limbs; l++)
        {
            size += LimbSize(context.N, context.KeyModuli[l]);
        }

        return size;
    }

    private static long PlaintextPayloadSize(BfvContext context, int nttLevel) =>
        2 + (nttLevel == 0 ? LimbSize(context.N, context.PlainModulus) : PolySize(context, nttLevel));

    private static long CiphertextPayloadSize(BfvContext context, int size, int level) => 3 + (size * PolySize(context, level));

    private static long SeededPayloadSize(BfvContext context, int level) => 1 + SeedSize + PolySize(context, level);

    private static long SeededKeyPolySize(BfvContext context) => SeedSize + PolySize(context, context.KeyModuli.Count);

    /// <summary>One key-switching component: (seed, b) or, with <see cref="ExplicitAFlag"/>, (a, b).</summary>
    private static long KeyComponentSize(BfvContext context, bool explicitA) =>
        explicitA ? 2 * PolySize(context, context.KeyModuli.Count) : SeededKeyPolySize(context);

    private static bool HasUnseeded(GaloisKeys galoisKeys) => galoisKeys.Keys.Values.Any(key => !key.IsSeeded);

    private static long SecretKeyPayloadSize(BfvContext context) => context.N / 4;

    /// <summary>Fills a buffer of the exact precomputed size; <see cref="Finish"/> checks nothing was over- or under-written.</summary>
    private sealed class Writer
    {
        private readonly byte[] _buffer;
        private readonly BfvContext _context;
        private int _position;

        public Writer(BfvContext context, BfvObjectType type, long totalSize, ushort flags = 0, Func<int, byte[]>? allocate = null)
        {
            _context = context;
            if (totalSize > Array.MaxLength)
            {
                throw new InvalidOperationException($"The serialized object would take {totalSize} bytes, more than a byte array can hold.");
            }

            if (allocate is null)
            {
                _buffer = new byte[totalSize];
            }
            else
            {
                _buffer = allocate((int)totalSize);
                if (_buffer.Length != totalSize)
                {
                    throw new InvalidOperationException($"The allocator gave {_buffer.Length} bytes for an object of {totalSize}.");
                }

                Array.Clear(_buffer); // the packing below may rely on zeroed bytes
            }
            Magic.CopyTo(_buffer);
            _buffer[VersionOffset] = FormatVersion;
            _buffer[TypeOffset] = (byte)type;
            BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(FlagsOffset, 2), flags);
            context.ParameterHash.AsSpan().CopyTo(_buffer.AsSpan(HashOffset, 32));
            BinaryPrimitives.WriteUInt64LittleEndian(_buffer.AsSpan(LengthOffset, 8), (ulong)(totalSize - HeaderSize));
            _position = HeaderSize;
        }

        public void Byte(byte value) => _buffer[_position++] = value;

        public void UInt16(ushort value)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(_position, 2), value);
            _position += 2;
        }

        public void UInt32(uint value)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_position, 4), value);
            _position += 4;
        }

        public void Bytes(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_buffer.AsSpan(_position));
            _position += bytes.Length;
        }

        public Span<byte> Reserve(int length)
        {
            Span<byte> span = _buffer.AsSpan(_position, length);
            _position += length;
            return span;
        }

        public void Limb(ReadOnlySpan<ulong> values, Modulus q)
        {
            int length = (int)LimbSize(_context.N, q);
            BitPacking.Pack(values, q.BitCount, Reserve(length));
        }

        public void Poly(ReadOnlySpan<ulong> values, IReadOnlyList<Modulus> moduli, int limbs)
        {
            int n = _context.N;
            for (int l = 0; l < limbs; l++)
            {
                Limb(values.Slice(l * n, n), moduli[l]);
            }
        }

        public void KeySwitchingKey(KeySwitchingKey key, bool explicitA)
        {
            int k = _context.KeyModuli.Count;
            for (int j = 0; j < key.Count; j++)
            {
                if (explicitA)
                {
                    Poly(key.A[j], _context.KeyModuli, k);
                }
                else
                {
                    Bytes(key.Seeds![j]);
                }

                Poly(key.B[j], _context.KeyModuli, k);
            }
        }

        public byte[] Finish()
        {
            if (_position != _buffer.Length)
            {
                throw new InvalidOperationException($"Serializer wrote {_position} bytes but SerializedSize promised {_buffer.Length}.");
            }

            return _buffer;
        }
    }

    /// <summary>
    /// Sequential payload reader. Callers check the full payload length before reading past the fixed fields, so the
    /// bounds checks here only guard the fixed fields of a short payload.
    /// </summary>
    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _position = HeaderSize;

        /// <summary>An error about the field that ended <paramref name="back"/> bytes before the current position.</summary>
        public readonly BfvFormatException Error(string problem, int back) => new(problem, _position + back);

        public byte Byte(string field)
        {
            Need(1, field);
            return _data[_position++];
        }

        public ushort UInt16(string field)
        {
            Need(2, field);
            ushort v = BinaryPrimitives.ReadUInt16LittleEndian(_data.Slice(_position, 2));
            _position += 2;
            return v;
        }

        public uint UInt32(string field)
        {
            Need(4, field);
            uint v = BinaryPrimitives.ReadUInt32LittleEndian(_data.Slice(_position, 4));
            _position += 4;
            return v;
        }

        public ReadOnlySpan<byte> Bytes(int length)
        {
            Need(length, "seed");
            ReadOnlySpan<byte> span = _data.Slice(_position, length);
            _position += length;
            return span;
        }

        public void Limb(Span<ulong> destination, Modulus q, string label)
        {
            int length = (int)LimbSize(destination.Length, q);
            Need(length, label);
            BitPacking.Unpack(_data.Slice(_position, length), q.BitCount, q.Value, destination, _position, label);
            _position += length;
        }

        public void Poly(Span<ulong> destination, IReadOnlyList<Modulus> moduli, int limbs, string label)
        {
            int n = destination.Length / limbs;
            for (int l = 0; l < limbs; l++)
            {
                Limb(destination.Slice(l * n, n), moduli[l], $"{label}, limb {l}");
            }
        }

        public KeySwitchingKey KeySwitchingKey(BfvContext context, int count, string label, bool explicitA)
        {
            int k = context.KeyModuli.Count;
            var b = new ulong[count][];
            var a = new ulong[count][];
            var seeds = new byte[count][];
            for (int j = 0; j < count; j++)
            {
                if (explicitA)
                {
                    a[j] = new ulong[k * context.N];
                    Poly(a[j], context.KeyModuli, k, $"{label} component {j} a");
                }
                else
                {
                    seeds[j] = Bytes(SeedSize).ToArray();
                }

                b[j] = new ulong[k * context.N];
                Poly(b[j], context.KeyModuli, k, $"{label} component {j} b");
            }

            return explicitA ? Bfv.KeySwitchingKey.Unseeded(context, b, a) : new KeySwitchingKey(context, b, seeds);
        }

        private readonly void Need(int length, string field)
        {
            if (_data.Length - _position < length)
            {
                throw new BfvFormatException(
                    $"Payload truncated: {field} needs {length} bytes at offset {_position} but only {_data.Length - _position} remain",
                    _position);
            }
        }
    }
}
