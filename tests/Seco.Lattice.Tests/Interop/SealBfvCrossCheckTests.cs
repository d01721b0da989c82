using System.Text.Json.Nodes;
using Seco.Lattice.Bfv;
using Seco.Lattice.Parameters;

namespace Seco.Lattice.Tests.Interop;

/// <summary>
/// The BFV cross-check with Microsoft SEAL 4.1 (node-seal 7.0.0), per issue [2/6]: same n, coefficient primes and t
/// (SEAL's BFVDefault(n) and PlainModulus.Batching(n, 20), which are our presets). Data cross the boundary in SEAL's
/// own uncompressed serialization (<see cref="SealFormat"/>): SEAL's secret key (NTT form over all key primes, the
/// layout we use too, since both sides build NTT tables from the minimal primitive 2n-th root) and ciphertexts
/// (coefficient form, polynomial-major then limb-major, like ours). Our ciphertexts are written into SEAL's format by
/// reusing the parms_id of SEAL's own ciphertext at the same level.
/// </summary>
public abstract class SealBfvCrossCheck(SealExport seal)
{
    private BfvContext Context()
    {
        EncryptionParameters parameters = seal.Degree == 4096 ? BfvPresets.Default4096() : BfvPresets.Default8192();
        Assert.Equal(seal.KeyPrimes, parameters.CoeffModulus.Select(q => q.Value));
        Assert.Equal(seal.PlainModulus, parameters.PlainModulus);
        return BfvContext.Create(parameters);
    }

    private static SecretKey ImportSecretKey(BfvContext context, byte[] bytes)
    {
        SealSecretKey sk = SealFormat.ReadSecretKey(bytes);
        Assert.Equal(context.KeyModuli.Count * context.N, sk.Data.Length);
        return new SecretKey(context, sk.Data);
    }

    private static Ciphertext ImportCiphertext(BfvContext context, byte[] bytes)
    {
        SealCiphertext ct = SealFormat.ReadCiphertext(bytes);
        Assert.False(ct.IsNttForm);
        Assert.Equal(context.MaxLevel, ct.CoeffModulusSize);
        return new Ciphertext(context, ct.Size, ct.CoeffModulusSize, false, ct.Data);
    }

    private byte[] ExportCiphertext(Ciphertext ct)
    {
        SealCiphertext template = SealFormat.ReadCiphertext(seal.CiphertextBytes);
        Assert.Equal(template.CoeffModulusSize, ct.Level);
        return SealFormat.WriteCiphertext(template with { Size = ct.Size, Data = (ulong[])ct.Data.Clone() });
    }

    private static ulong[] Unsigned(long[] values) => values.Select(v => (ulong)v).ToArray();

    [SkippableFact]
    public void We_decrypt_SEALs_ciphertext_with_SEALs_secret_key()
    {
        SealNode.SkipOrFailIfUnavailable();
        BfvContext context = Context();
        SecretKey sk = ImportSecretKey(context, seal.SecretKeyBytes);
        Ciphertext ct = ImportCiphertext(context, seal.CiphertextBytes);
        ulong[] decoded = new BatchEncoder(context).Decode(new Decryptor(context, sk).Decrypt(ct));
        Assert.Equal(Unsigned(seal.Vector("v")), decoded);
    }

    [SkippableFact]
    public void SEAL_decrypts_our_public_key_and_symmetric_ciphertexts()
    {
        SealNode.SkipOrFailIfUnavailable();
        BfvContext context = Context();
        SecretKey sk = ImportSecretKey(context, seal.SecretKeyBytes);
        var keys = new KeyGenerator(context, sk);
        var encoder = new BatchEncoder(context);
        ulong[] w = Unsigned(seal.Vector("w"));
        ulong[] mine = w.Select((x, i) => (x * 31 + (ulong)i) % seal.PlainModulus).ToArray();
        using var encryptor = new Encryptor(context, keys.CreatePublicKey(), sk);
        foreach (Ciphertext ct in new[] { encryptor.Encrypt(encoder.Encode(mine)), encryptor.EncryptSymmetric(encoder.Encode(mine)) })
        {
            JsonObject result = seal.Evaluate(ExportCiphertext(ct));
            Assert.False(result.ContainsKey("error"), $"SEAL could not load our ciphertext: {result["error"]}");
            Assert.Equal(mine, Unsigned(SealExport.Longs(result["decrypted"])));

            // SEAL's multiply_plain(w) and rotate_rows(1) on our ciphertext.
            ulong[] expected = Bfv.SlotMath.RotateRows(Bfv.SlotMath.Mul(mine, w, seal.PlainModulus), 1);
            Assert.Equal(expected, Unsigned(SealExport.Longs(result["mulPlainRot1"])));
            Assert.True((int)result["noiseBudget"]! > 0);
        }
    }

    [SkippableFact]
    public void Our_multiply_plain_and_rotate_rows_on_SEALs_ciphertext_match_SEAL()
    {
        SealNode.SkipOrFailIfUnavailable();
        BfvContext context = Context();
        SecretKey sk = ImportSecretKey(context, seal.SecretKeyBytes);
        var keys = new KeyGenerator(context, sk);
        var encoder = new BatchEncoder(context);
        var evaluator = new Evaluator(context);
        Ciphertext ct = ImportCiphertext(context, seal.CiphertextBytes);
        Ciphertext product = evaluator.MultiplyPlain(ct, encoder.Encode(Unsigned(seal.Vector("w"))));
        Ciphertext rotated = evaluator.RotateRows(product, 1, keys.CreateGaloisKeys([1], includeRowSwap: false));
        ulong[] decoded = encoder.Decode(new Decryptor(context, sk).Decrypt(rotated));
        Assert.Equal(Unsigned(seal.Expected("mulPlainRot1")), decoded);

        // And SEAL decrypts what our evaluator produced.
        JsonObject result = seal.Evaluate(ExportCiphertext(rotated));
        Assert.False(result.ContainsKey("error"), $"SEAL could not load our ciphertext: {result["error"]}");
        Assert.Equal(decoded, Unsigned(SealExport.Longs(result["decrypted"])));
    }
}

public sealed class SealBfvCrossCheck4096(SealExportFixture seal) : SealBfvCrossCheck(seal), IClassFixture<SealExportFixture>;

public sealed class SealBfvCrossCheck8192(SealExport8192Fixture seal) : SealBfvCrossCheck(seal), IClassFixture<SealExport8192Fixture>;
