using System.Buffers.Binary;

namespace Seco.Lattice.Tests.Interop;

/// <summary>
/// A SEAL 4.x <c>Ciphertext</c> as its uncompressed serialization describes it.
/// </summary>
/// <param name="ParmsId">The 4-word parms_id (a hash of the parameters at the ciphertext's level).</param>
/// <param name="IsNttForm">False for BFV: SEAL keeps BFV ciphertexts in coefficient form.</param>
/// <param name="Size">Number of polynomials (2 for a fresh ciphertext).</param>
/// <param name="PolyModulusDegree">n.</param>
/// <param name="CoeffModulusSize">L, the number of primes at the ciphertext's level (the data primes, without the special prime).</param>
/// <param name="Scale">CKKS scale; 1.0 for BFV.</param>
/// <param name="CorrectionFactor">BGV correction factor; 1 for BFV.</param>
/// <param name="Data">
/// <c>Size × L × n</c> residues, polynomial-major, then limb-major: coefficient <c>i</c> of polynomial <c>p</c> modulo
/// prime <c>j</c> is at <c>(p·L + j)·n + i</c>.
/// </param>
public sealed record SealCiphertext(
    ulong[] ParmsId,
    bool IsNttForm,
    int Size,
    int PolyModulusDegree,
    int CoeffModulusSize,
    double Scale,
    ulong CorrectionFactor,
    ulong[] Data);

/// <summary>
/// A SEAL 4.x <c>SecretKey</c>: SEAL stores it as a Plaintext in NTT form at the key level, i.e. over all k primes of
/// the coefficient modulus including the special prime.
/// </summary>
/// <param name="ParmsId">The key-level parms_id. SEAL's Plaintext has no NTT flag: a non-zero parms_id means NTT form.</param>
/// <param name="CoeffCount"><c>k·n</c>.</param>
/// <param name="Data">The NTT-form residues, limb-major: value <c>i</c> modulo prime <c>j</c> is at <c>j·n + i</c>.</param>
public sealed record SealSecretKey(ulong[] ParmsId, int CoeffCount, ulong[] Data);

/// <summary>
/// Reads and writes Microsoft SEAL 4.x's uncompressed binary serialization (<c>compr_mode_type::none</c>) of
/// Ciphertext and SecretKey, as produced by node-seal 7.0.0 (SEAL 4.1). Only the BCL is used, so the format can be
/// checked independently of our own BFV types.
/// </summary>
/// <remarks>
/// Layout, verified against node-seal's bytes (all integers little-endian):
/// <code>
/// SEALHeader (16 bytes)  u16 magic 0xA15E | u8 header_size 0x10 | u8 major 4 | u8 minor 1 | u8 compr_mode 0
///                        | u16 reserved 0 | u64 size = total bytes of this object including the header
/// Ciphertext             header | parms_id 4×u64 | u8 is_ntt_form | u64 size | u64 poly_modulus_degree
///                        | u64 coeff_modulus_size | f64 scale | u64 correction_factor | DynArray data
/// SecretKey (Plaintext)  header | parms_id 4×u64 | u64 coeff_count | f64 scale | DynArray data
/// DynArray&lt;u64&gt;         its own nested header (size = 16 + 8 + 8·count) | u64 count | count×u64
/// </code>
/// A 131072-residue n=4096 ciphertext is therefore 16 + 73 + 16 + 8 + 8·16384 = 131185 bytes.
/// </remarks>
public static class SealFormat
{
    /// <summary>SEAL_SERIALIZATION_MAGIC, written as a little-endian uint16 (bytes 5E A1).</summary>
    public const ushort Magic = 0xA15E;

    public const int HeaderSize = 16;

    /// <summary>The version we write. SEAL 4.x loads any 4.x header; the readers accept only major version 4.</summary>
    public const byte VersionMajor = 4;

    public const byte VersionMinor = 1;

    private const int ParmsIdWords = 4;

    // SEAL's own bounds (SEAL_CIPHERTEXT_SIZE_MIN/MAX, SEAL_POLY_MOD_DEGREE_MAX, SEAL_COEFF_MOD_COUNT_MAX).
    private const ulong CiphertextSizeMax = 16;
    private const ulong PolyModulusDegreeMax = 131072;
    private const ulong CoeffModulusCountMax = 64;

    // parms_id + is_ntt_form + size + poly_modulus_degree + coeff_modulus_size + scale + correction_factor.
    private const int CiphertextMembersSize = ParmsIdWords * 8 + 1 + 8 + 8 + 8 + 8 + 8;

    /// <summary>Parses an uncompressed SEAL Ciphertext; throws <see cref="InvalidDataException"/> on anything else.</summary>
    public static SealCiphertext ReadCiphertext(ReadOnlySpan<byte> bytes)
    {
        var reader = new Reader(bytes, "Ciphertext");
        reader.ReadHeader(expectedSize: bytes.Length);
        ulong[] parmsId = reader.ReadParmsId();
        byte nttByte = reader.ReadByte("is_ntt_form");
        if (nttByte > 1)
        {
            throw reader.Error($"is_ntt_form byte is {nttByte}, expected 0 or 1");
        }
        ulong size = reader.ReadUInt64("size");
        ulong n = reader.ReadUInt64("poly_modulus_degree");
        ulong coeffModulusSize = reader.ReadUInt64("coeff_modulus_size");
        double scale = reader.ReadDouble("scale");
        ulong correctionFactor = reader.ReadUInt64("correction_factor");

        if (size is < 2 or > CiphertextSizeMax)
        {
            throw reader.Error($"size {size} is outside [2, {CiphertextSizeMax}]");
        }
        if (n < 2 || n > PolyModulusDegreeMax || !ulong.IsPow2(n))
        {
            throw reader.Error($"poly_modulus_degree {n} is not a power of two in [2, {PolyModulusDegreeMax}]");
        }
        if (coeffModulusSize is < 1 or > CoeffModulusCountMax)
        {
            throw reader.Error($"coeff_modulus_size {coeffModulusSize} is outside [1, {CoeffModulusCountMax}]");
        }
        ulong[] data = reader.ReadDynArray(expectedCount: size * coeffModulusSize * n,
            what: $"size {size} × coeff_modulus_size {coeffModulusSize} × poly_modulus_degree {n}");
        reader.ExpectEnd();
        return new SealCiphertext(parmsId, nttByte == 1, (int)size, (int)n, (int)coeffModulusSize, scale, correctionFactor, data);
    }

    /// <summary>Parses an uncompressed SEAL SecretKey; throws <see cref="InvalidDataException"/> on anything else.</summary>
    public static SealSecretKey ReadSecretKey(ReadOnlySpan<byte> bytes)
    {
        var reader = new Reader(bytes, "SecretKey");
        reader.ReadHeader(expectedSize: bytes.Length);
        ulong[] parmsId = reader.ReadParmsId();
        ulong coeffCount = reader.ReadUInt64("coeff_count");
        // The Plaintext's scale is meaningless for a key (always 1.0); it is read past, not kept.
        _ = reader.ReadDouble("scale");
        if (coeffCount == 0 || coeffCount > CoeffModulusCountMax * PolyModulusDegreeMax)
        {
            throw reader.Error($"coeff_count {coeffCount} is not a plausible k·n");
        }
        if (parmsId.All(w => w == 0))
        {
            // A zero parms_id is a coefficient-form Plaintext; a secret key is always NTT form at the key level.
            throw reader.Error("parms_id is zero, so this is a coefficient-form Plaintext, not a secret key");
        }
        ulong[] data = reader.ReadDynArray(expectedCount: coeffCount, what: $"coeff_count {coeffCount}");
        reader.ExpectEnd();
        return new SealSecretKey(parmsId, (int)coeffCount, data);
    }

    /// <summary>Serializes <paramref name="ct"/> exactly as SEAL 4.1's <c>Ciphertext::save(compr_mode_type::none)</c>.</summary>
    public static byte[] WriteCiphertext(SealCiphertext ct)
    {
        ArgumentNullException.ThrowIfNull(ct);
        if (ct.ParmsId is not { Length: ParmsIdWords })
        {
            throw new ArgumentException($"ParmsId must have {ParmsIdWords} words", nameof(ct));
        }
        long expected = (long)ct.Size * ct.CoeffModulusSize * ct.PolyModulusDegree;
        if (ct.Size < 0 || ct.CoeffModulusSize < 0 || ct.PolyModulusDegree < 0 || ct.Data is null || ct.Data.Length != expected)
        {
            throw new ArgumentException(
                $"Data has {ct.Data?.Length} residues but Size {ct.Size} × CoeffModulusSize {ct.CoeffModulusSize} × PolyModulusDegree {ct.PolyModulusDegree} = {expected}",
                nameof(ct));
        }

        int dynArraySize = HeaderSize + 8 + 8 * ct.Data.Length;
        int total = HeaderSize + CiphertextMembersSize + dynArraySize;
        var bytes = new byte[total];
        Span<byte> s = bytes;
        int at = WriteHeader(s, total);
        foreach (ulong word in ct.ParmsId)
        {
            at = WriteUInt64(s, at, word);
        }
        s[at++] = ct.IsNttForm ? (byte)1 : (byte)0;
        at = WriteUInt64(s, at, (ulong)ct.Size);
        at = WriteUInt64(s, at, (ulong)ct.PolyModulusDegree);
        at = WriteUInt64(s, at, (ulong)ct.CoeffModulusSize);
        BinaryPrimitives.WriteDoubleLittleEndian(s[at..], ct.Scale);
        at += 8;
        at = WriteUInt64(s, at, ct.CorrectionFactor);
        at += WriteHeader(s[at..], dynArraySize);
        at = WriteUInt64(s, at, (ulong)ct.Data.Length);
        foreach (ulong residue in ct.Data)
        {
            at = WriteUInt64(s, at, residue);
        }
        return at == total ? bytes : throw new InvalidOperationException($"wrote {at} of {total} bytes");
    }

    private static int WriteHeader(Span<byte> s, int objectSize)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(s, Magic);
        s[2] = HeaderSize;
        s[3] = VersionMajor;
        s[4] = VersionMinor;
        s[5] = 0; // compr_mode_type::none
        BinaryPrimitives.WriteUInt16LittleEndian(s[6..], 0); // reserved
        BinaryPrimitives.WriteUInt64LittleEndian(s[8..], (ulong)objectSize);
        return HeaderSize;
    }

    private static int WriteUInt64(Span<byte> s, int at, ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(s[at..], value);
        return at + 8;
    }

    /// <summary>A bounds-checked little-endian cursor whose errors name the object and the byte offset.</summary>
    private ref struct Reader(ReadOnlySpan<byte> bytes, string objectName)
    {
        private readonly ReadOnlySpan<byte> _bytes = bytes;
        private int _at;

        public readonly InvalidDataException Error(string message) =>
            new($"Not an uncompressed SEAL {objectName}: {message} (at byte {_at} of {_bytes.Length}).");

        /// <summary>
        /// Reads a SEALHeader and checks that the object it announces spans exactly <paramref name="expectedSize"/>
        /// bytes: SEAL reads exactly header.size bytes, so a mismatch is truncation or trailing garbage.
        /// </summary>
        public void ReadHeader(long expectedSize)
        {
            ReadOnlySpan<byte> h = Take(HeaderSize, "SEALHeader");
            ushort magic = BinaryPrimitives.ReadUInt16LittleEndian(h);
            if (magic != Magic)
            {
                throw Error($"magic is 0x{magic:X4}, expected 0x{Magic:X4}");
            }
            if (h[2] != HeaderSize)
            {
                throw Error($"header_size is {h[2]}, expected {HeaderSize}");
            }
            if (h[3] != VersionMajor)
            {
                throw Error($"SEAL version {h[3]}.{h[4]} is not {VersionMajor}.x");
            }
            if (h[5] != 0)
            {
                string mode = h[5] switch { 1 => "zlib", 2 => "zstd", _ => $"unknown ({h[5]})" };
                throw Error($"compr_mode is {mode}; only compr_mode_type::none is supported");
            }
            ushort reserved = BinaryPrimitives.ReadUInt16LittleEndian(h[6..]);
            if (reserved != 0)
            {
                throw Error($"reserved field is 0x{reserved:X4}, expected 0");
            }
            ulong size = BinaryPrimitives.ReadUInt64LittleEndian(h[8..]);
            if (size != (ulong)expectedSize)
            {
                throw Error($"header declares {size} bytes but the object spans {expectedSize}");
            }
        }

        public ulong[] ReadParmsId()
        {
            var words = new ulong[ParmsIdWords];
            for (int i = 0; i < words.Length; i++)
            {
                words[i] = ReadUInt64("parms_id");
            }
            return words;
        }

        public byte ReadByte(string field) => Take(1, field)[0];

        public ulong ReadUInt64(string field) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, field));

        public double ReadDouble(string field) => BinaryPrimitives.ReadDoubleLittleEndian(Take(8, field));

        /// <summary>A DynArray&lt;uint64&gt;: nested SEALHeader, count, then the elements.</summary>
        public ulong[] ReadDynArray(ulong expectedCount, string what)
        {
            // The nested object must run to the end of the outer one, which is the end of the buffer.
            ReadHeader(expectedSize: _bytes.Length - _at);
            ulong count = ReadUInt64("DynArray count");
            if (count != expectedCount)
            {
                throw Error($"data has {count} residues but {what} = {expectedCount}");
            }
            if (count > (ulong)(_bytes.Length - _at) / 8)
            {
                throw Error($"data announces {count} residues but only {_bytes.Length - _at} bytes remain");
            }
            var data = new ulong[count];
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = BinaryPrimitives.ReadUInt64LittleEndian(_bytes.Slice(_at + 8 * i, 8));
            }
            _at += 8 * data.Length;
            return data;
        }

        public readonly void ExpectEnd()
        {
            if (_at != _bytes.Length)
            {
                throw Error($"{_bytes.Length - _at} bytes left over after the object");
            }
        }

        private ReadOnlySpan<byte> Take(int count, string field)
        {
            if (_bytes.Length - _at < count)
            {
                throw Error($"truncated in {field}");
            }
            ReadOnlySpan<byte> slice = _bytes.Slice(_at, count);
            _at += count;
            return slice;
        }
    }
}
