using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;

namespace Seco.Lattice.Tests.Interop;

/// <summary>
/// One node-seal <c>export</c> for n = 4096 (keys, a public-key ciphertext of v, SEAL's own results), shared by the
/// tests of a class and deleted afterwards. Exporting lazily lets a test skip before node is ever started.
/// </summary>
public class SealExport : IDisposable
{
    private readonly Lazy<string> _directory;

    public SealExport(int n)
    {
        Degree = n;
        _directory = new(() =>
        {
            string directory = Path.Combine(Path.GetTempPath(), $"seco-seal-interop-{Guid.NewGuid():N}");
            SealNode.Export(directory, n);
            return directory;
        });
    }

    /// <summary>The ring degree n of this export.</summary>
    public int Degree { get; }

    public string Directory => _directory.Value;

    public byte[] CiphertextBytes => File.ReadAllBytes(Path.Combine(Directory, "ciphertext.bin"));

    public byte[] SecretKeyBytes => File.ReadAllBytes(Path.Combine(Directory, "secret_key.bin"));

    public JsonObject Params => SealNode.ReadJson(Path.Combine(Directory, "params.json"));

    /// <summary>All key-level primes: the data primes q_0 … q_{L-1}, then the special prime.</summary>
    public ulong[] KeyPrimes => Params["coeffModulus"]!.AsArray().Select(q => ulong.Parse((string)q!, CultureInfo.InvariantCulture)).ToArray();

    public ulong PlainModulus => ulong.Parse((string)Params["plainModulus"]!, CultureInfo.InvariantCulture);

    public long[] Vector(string name) => Longs(SealNode.ReadJson(Path.Combine(Directory, "vectors.json"))[name]);

    public long[] Expected(string name) => Longs(SealNode.ReadJson(Path.Combine(Directory, "expected.json"))[name]);

    /// <summary>
    /// Runs node-seal's <c>evaluate</c> on <paramref name="ciphertext"/> in a fresh directory holding this export's
    /// secret key and vectors, so tests never see each other's input.bin.
    /// </summary>
    public JsonObject Evaluate(byte[] ciphertext)
    {
        string directory = Path.Combine(Path.GetTempPath(), $"seco-seal-eval-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(directory);
        try
        {
            foreach (string file in new[] { "secret_key.bin", "vectors.json" })
            {
                File.Copy(Path.Combine(Directory, file), Path.Combine(directory, file));
            }
            File.WriteAllBytes(Path.Combine(directory, "input.bin"), ciphertext);
            return SealNode.Evaluate(directory, Degree);
        }
        finally
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
    }

    public static long[] Longs(JsonNode? array) => array!.AsArray().Select(x => (long)x!).ToArray();

    public static ulong[] ParmsIdFromHex(JsonNode? array) =>
        array!.AsArray().Select(h => ulong.Parse((string)h!, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();

    public void Dispose()
    {
        GC.SuppressFinalize(this);
        if (_directory.IsValueCreated && System.IO.Directory.Exists(_directory.Value))
        {
            System.IO.Directory.Delete(_directory.Value, recursive: true);
        }
    }
}

/// <summary>The n = 4096 export shared by <see cref="SealFormatTests"/>.</summary>
public sealed class SealExportFixture() : SealExport(N)
{
    public const int N = 4096;
}

/// <summary>The n = 8192 export.</summary>
public sealed class SealExport8192Fixture() : SealExport(8192);

/// <summary>
/// Cross-checks <see cref="SealFormat"/> against Microsoft SEAL 4.1 (node-seal 7.0.0) through
/// tests/interop/seal-crosscheck.mjs. Skipped when node-seal or a capable node is missing, except under CI=true.
/// </summary>
public class SealFormatTests(SealExportFixture seal) : IClassFixture<SealExportFixture>
{
    private const int N = SealExportFixture.N;

    [SkippableFact]
    public void Ciphertext_round_trips_byte_for_byte()
    {
        SealNode.SkipOrFailIfUnavailable();
        byte[] original = seal.CiphertextBytes;
        byte[] rewritten = SealFormat.WriteCiphertext(SealFormat.ReadCiphertext(original));
        Assert.Equal(original.Length, rewritten.Length);
        Assert.True(original.AsSpan().SequenceEqual(rewritten), "WriteCiphertext(ReadCiphertext(bytes)) differs from SEAL's bytes");
    }

    [SkippableFact]
    public void Ciphertext_fields_and_sizes_match_the_parameters()
    {
        SealNode.SkipOrFailIfUnavailable();
        ulong[] primes = seal.KeyPrimes;
        int k = primes.Length, dataPrimes = k - 1;
        SealCiphertext ct = SealFormat.ReadCiphertext(seal.CiphertextBytes);

        // A fresh BFV ciphertext lives at the first data level: the special prime is dropped, coefficient form.
        Assert.Equal(SealExportFixture.ParmsIdFromHex(seal.Params["parmsIdDataLevel"]), ct.ParmsId);
        Assert.False(ct.IsNttForm);
        Assert.Equal(2, ct.Size);
        Assert.Equal(N, ct.PolyModulusDegree);
        Assert.Equal(dataPrimes, ct.CoeffModulusSize);
        Assert.Equal(1.0, ct.Scale);
        Assert.Equal(1UL, ct.CorrectionFactor);
        Assert.Equal(2 * dataPrimes * N, ct.Data.Length);
        // 16 header + 73 members + 16 nested header + 8 count + 8 per residue.
        Assert.Equal(16 + 73 + 16 + 8 + 8 * ct.Data.Length, seal.CiphertextBytes.Length);
        // Block b = p·L + j holds polynomial p modulo prime j.
        AssertResiduesBelowPrimes(ct.Data, N, block => primes[block % dataPrimes], "ciphertext");
    }

    [SkippableFact]
    public void Secret_key_fields_and_sizes_match_the_parameters()
    {
        SealNode.SkipOrFailIfUnavailable();
        ulong[] primes = seal.KeyPrimes;
        SealSecretKey sk = SealFormat.ReadSecretKey(seal.SecretKeyBytes);

        // The key lives at the key level: all k primes, the special prime included.
        Assert.Equal(SealExportFixture.ParmsIdFromHex(seal.Params["parmsIdKeyLevel"]), sk.ParmsId);
        Assert.Equal(primes.Length * N, sk.CoeffCount);
        Assert.Equal(primes.Length * N, sk.Data.Length);
        AssertResiduesBelowPrimes(sk.Data, N, block => primes[block], "secret key");
    }

    /// <summary>
    /// Proves, without knowing SEAL's NTT ordering, that each limb of the key is the NTT of one common ternary s: the
    /// NTT evaluates s at all n odd powers of a 2n-th root ψ, and Σ_i ψ^{(2i+1)e} vanishes for 0 &lt; e &lt; 2n unless
    /// e = 0, so the sum of a limb's values is n·s_0 and the sum of their squares is n·(s²)_0, whatever the order.
    /// s_0 must be -1, 0 or 1 and the negacyclic (s²)_0 at most n in size, identically in every limb.
    /// </summary>
    [SkippableFact]
    public void Secret_key_is_the_ntt_form_of_one_ternary_polynomial_in_every_limb()
    {
        SealNode.SkipOrFailIfUnavailable();
        ulong[] primes = seal.KeyPrimes;
        SealSecretKey sk = SealFormat.ReadSecretKey(seal.SecretKeyBytes);
        var constantTerms = new List<(long S0, long S2)>();
        for (int limb = 0; limb < primes.Length; limb++)
        {
            ulong q = primes[limb];
            ReadOnlySpan<ulong> values = sk.Data.AsSpan(limb * N, N);
            UInt128 sum = 0, sumOfSquares = 0;
            foreach (ulong x in values)
            {
                sum = (sum + x) % q;
                sumOfSquares = (sumOfSquares + (UInt128)x * x % q) % q;
            }
            ulong nInverse = (ulong)BigInteger.ModPow(N, q - 2, q);
            long s0 = Centered(MulMod((ulong)sum, nInverse, q), q);
            long s2 = Centered(MulMod((ulong)sumOfSquares, nInverse, q), q);
            Assert.InRange(s0, -1, 1);
            Assert.InRange(s2, -N, N);
            constantTerms.Add((s0, s2));
        }
        Assert.All(constantTerms, t => Assert.Equal(constantTerms[0], t));
    }

    [SkippableFact]
    public void Seal_decrypts_the_rewritten_ciphertext_and_evaluates_it_as_its_own()
    {
        SealNode.SkipOrFailIfUnavailable();
        byte[] rewritten = SealFormat.WriteCiphertext(SealFormat.ReadCiphertext(seal.CiphertextBytes));
        JsonObject result = seal.Evaluate(rewritten);

        Assert.False(result.ContainsKey("error"), $"SEAL could not load our bytes: {result["error"]}");
        Assert.Equal(seal.Vector("v"), SealExportFixture.Longs(result["decrypted"]));
        Assert.Equal(seal.Expected("decrypted"), SealExportFixture.Longs(result["decrypted"]));
        Assert.Equal(seal.Expected("mulPlainRot1"), SealExportFixture.Longs(result["mulPlainRot1"]));
        Assert.True((int)result["noiseBudget"]! > 0, $"noise budget {result["noiseBudget"]}");
    }

    /// <summary>
    /// Pins the data layout: adding Δ·δ (Δ = ⌊Q/t⌋, Q the product of the data primes) to coefficient 0 of polynomial
    /// c0 - written into residue (0·L + j)·n + 0 for every limb j - adds the constant δ to the plaintext polynomial,
    /// i.e. δ to every batched slot. Any other reading of the layout would garble the decryption.
    /// </summary>
    [SkippableFact]
    public void Adding_delta_to_the_constant_coefficient_of_c0_shifts_every_slot()
    {
        SealNode.SkipOrFailIfUnavailable();
        const long shift = 12345;
        ulong[] primes = seal.KeyPrimes;
        ulong t = seal.PlainModulus;
        SealCiphertext ct = SealFormat.ReadCiphertext(seal.CiphertextBytes);
        int limbs = ct.CoeffModulusSize;
        BigInteger q = primes.Take(limbs).Aggregate(BigInteger.One, (a, b) => a * b);
        BigInteger addend = q / t * shift;
        ulong[] data = (ulong[])ct.Data.Clone();
        for (int j = 0; j < limbs; j++)
        {
            int index = (0 * limbs + j) * ct.PolyModulusDegree + 0;
            data[index] = (ulong)(((BigInteger)data[index] + addend) % primes[j]);
        }

        JsonObject result = seal.Evaluate(SealFormat.WriteCiphertext(ct with { Data = data }));

        Assert.False(result.ContainsKey("error"), $"SEAL could not load the shifted ciphertext: {result["error"]}");
        long[] expected = seal.Vector("v").Select(x => (x + shift) % (long)t).ToArray();
        Assert.Equal(expected, SealExportFixture.Longs(result["decrypted"]));
    }

    /// <summary>SEAL's load validates residues against the primes; a residue equal to q_0 must be refused, with a reason.</summary>
    [SkippableFact]
    public void Seal_refuses_a_residue_outside_its_prime_and_the_script_reports_why()
    {
        SealNode.SkipOrFailIfUnavailable();
        SealCiphertext ct = SealFormat.ReadCiphertext(seal.CiphertextBytes);
        ulong[] data = (ulong[])ct.Data.Clone();
        data[0] = seal.KeyPrimes[0];

        JsonObject result = seal.Evaluate(SealFormat.WriteCiphertext(ct with { Data = data }));

        Assert.True(result.ContainsKey("error"), "SEAL accepted a residue equal to its prime");
        Assert.False(string.IsNullOrWhiteSpace((string?)result["error"]));
    }

    private static void AssertResiduesBelowPrimes(ulong[] data, int n, Func<int, ulong> primeOfBlock, string what)
    {
        for (int block = 0; block < data.Length / n; block++)
        {
            ulong q = primeOfBlock(block);
            for (int i = 0; i < n; i++)
            {
                ulong x = data[block * n + i];
                Assert.True(x < q, $"{what}: residue {x} at block {block}, coefficient {i} is not below {q}");
            }
        }
    }

    private static ulong MulMod(ulong a, ulong b, ulong q) => (ulong)((UInt128)a * b % q);

    private static long Centered(ulong x, ulong q) => x > q / 2 ? -(long)(q - x) : (long)x;
}

/// <summary>The reader's validation, on hand-made bytes (no node needed).</summary>
public class SealFormatValidationTests
{
    private static SealCiphertext Small() =>
        new([1, 2, 3, 4], false, 2, 4, 2, 1.0, 1, Enumerable.Range(0, 16).Select(i => (ulong)i).ToArray());

    [Fact]
    public void Hand_made_ciphertext_round_trips()
    {
        byte[] bytes = SealFormat.WriteCiphertext(Small());
        SealCiphertext back = SealFormat.ReadCiphertext(bytes);
        Assert.Equal(Small().Data, back.Data);
        Assert.Equal(Small().ParmsId, back.ParmsId);
        Assert.Equal(bytes, SealFormat.WriteCiphertext(back));
    }

    [Fact]
    public void Header_fields_are_where_seal_puts_them()
    {
        byte[] bytes = SealFormat.WriteCiphertext(Small());
        Assert.Equal(new byte[] { 0x5E, 0xA1, 0x10, 4, 1, 0, 0, 0 }, bytes[..8]);
        Assert.Equal((ulong)bytes.Length, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(8)));
        // The nested DynArray header follows the 16 + 73 bytes of header and members.
        Assert.Equal(new byte[] { 0x5E, 0xA1, 0x10, 4, 1, 0, 0, 0 }, bytes[89..97]);
        Assert.Equal((ulong)(16 + 8 + 8 * 16), BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(97)));
    }

    public static TheoryData<string, int, byte> Corruptions => new()
    {
        { "magic", 0, 0x00 },
        { "header_size", 2, 0x20 },
        { "SEAL version", 3, 3 },
        { "compr_mode is zlib", 5, 1 },
        { "compr_mode is zstd", 5, 2 },
        { "reserved", 6, 1 },
        { "declares", 8, 0xFF },
        { "is_ntt_form byte", 16 + 32, 2 },
        { "size 3", 16 + 33, 3 },
        { "poly_modulus_degree 5", 16 + 41, 5 },
        { "coeff_modulus_size 3", 16 + 49, 3 },
        { "magic", 89, 0x00 },
        { "data has 17", 16 + 73 + 16, 17 },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void Corrupted_bytes_are_rejected_with_a_reason(string reason, int offset, byte value)
    {
        byte[] bytes = SealFormat.WriteCiphertext(Small());
        bytes[offset] = value;
        var error = Assert.Throws<InvalidDataException>(() => SealFormat.ReadCiphertext(bytes));
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_and_padded_bytes_are_rejected()
    {
        byte[] bytes = SealFormat.WriteCiphertext(Small());
        Assert.Throws<InvalidDataException>(() => SealFormat.ReadCiphertext(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Throws<InvalidDataException>(() => SealFormat.ReadCiphertext(bytes.AsSpan(0, 10)));
        Assert.Throws<InvalidDataException>(() => SealFormat.ReadCiphertext([.. bytes, 0]));
    }

    [Fact]
    public void A_ciphertext_is_not_a_secret_key()
    {
        Assert.Throws<InvalidDataException>(() => SealFormat.ReadSecretKey(SealFormat.WriteCiphertext(Small())));
    }

    [Fact]
    public void Writer_refuses_inconsistent_sizes()
    {
        Assert.Throws<ArgumentException>(() => SealFormat.WriteCiphertext(Small() with { Size = 3 }));
        Assert.Throws<ArgumentException>(() => SealFormat.WriteCiphertext(Small() with { ParmsId = [1] }));
    }
}
