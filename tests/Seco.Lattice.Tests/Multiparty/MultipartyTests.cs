using Seco.Lattice.Bfv;
using Seco.Lattice.Multiparty;
using Seco.Lattice.Parameters;
using Seco.Lattice.Ring;
using Seco.Lattice.Serialization;

namespace Seco.Lattice.Tests.Multiparty;

/// <summary>
/// CKG and smudged collective decryption for N = 2, 3, 5, 8 at n = 8192 (SEAL's default moduli; at n = 4096 the
/// 72-bit Q cannot hold λ = 40 smudging, which <see cref="CollectiveDecryption"/> reports).
/// </summary>
public class MultipartyTests
{
    private static readonly BfvContext Context = BfvContext.Create(BfvPresets.Default8192());

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    public void Collective_key_encrypts_and_all_N_shares_decrypt_but_N_minus_1_do_not(int n)
    {
        (KeyGenerator[] parties, SecretKey collective) = Committee.Create(Context, n);
        byte[] session = CommonReference.CreateSessionSeed();

        // Every party runs its own protocol object from the same public session seed; shares travel serialized.
        var ckg = new CollectivePublicKeyGeneration(Context, session);
        PolyShare aggregate = parties
            .Select(p => PolyShare.Deserialize(Context, new CollectivePublicKeyGeneration(Context, session).GenShare(p.SecretKey).Serialize()))
            .Aggregate(CollectivePublicKeyGeneration.Aggregate);
        PublicKey cpk = ckg.Finalize(aggregate);

        var encoder = new BatchEncoder(Context);
        ulong[] m = Committee.Vector(Context, n);
        using var encryptor = new Encryptor(Context, cpk);
        Ciphertext ct = encryptor.Encrypt(encoder.Encode(m));

        // The collective key is a key for s = Σ s_j.
        Assert.Equal(m, encoder.Decode(new Decryptor(Context, collective).Decrypt(ct)));

        var decryption = new CollectiveDecryption(Context, n, ciphertextNoiseBits: 20);
        PolyShare[] shares = parties.Select(p => decryption.GenShare(p.SecretKey, ct)).ToArray();
        PolyShare all = shares.Aggregate(CollectiveDecryption.Aggregate);
        Assert.Equal(m, encoder.Decode(decryption.Finalize(ct, all)));

        // Without any one party's share, decryption fails loudly (the phase is randomized by c1·s_missing).
        for (int missing = 0; missing < n; missing++)
        {
            PolyShare partial = shares.Where((_, j) => j != missing).Aggregate(CollectiveDecryption.Aggregate);
            Assert.Throws<NoiseBudgetExhaustedException>(() => decryption.Finalize(ct, partial));
        }

        foreach (KeyGenerator p in parties)
        {
            p.Dispose();
        }
    }

    [Fact]
    public void Smudging_noise_is_present_and_uniform_of_the_documented_width()
    {
        (KeyGenerator[] parties, _) = Committee.Create(Context, 3);
        var encoder = new BatchEncoder(Context);
        using var encryptor = new Encryptor(Context, parties[0].CreatePublicKey());
        Ciphertext ct = encryptor.Encrypt(encoder.Encode(Committee.Vector(Context, 1)));
        var decryption = new CollectiveDecryption(Context, 3, ciphertextNoiseBits: 0, statisticalSecurity: 20);
        Assert.Equal(20, decryption.SmudgingBits);

        // e = d_0 − s_0·c1, read centred from limb 0 (q_0 ≈ 2^43 ≫ 2^20).
        int n = Context.N;
        var s0c1 = new ulong[ct.PolyLength];
        ct.Poly(1).CopyTo(s0c1);
        var level = Context.Level(ct.Level);
        RnsPoly.ForwardNtt(s0c1, level.Ntt, level.Count);
        RnsPoly.MultiplyPointwise(s0c1, parties[0].SecretKey.Data.AsSpan(0, ct.PolyLength), s0c1, level.Moduli, n);
        RnsPoly.InverseNtt(s0c1, level.Ntt, level.Count);
        ulong q0 = Context.KeyModuli[0].Value;

        var samples = new List<long>();
        for (int r = 0; r < 8; r++)
        {
            PolyShare share = decryption.GenShare(parties[0].SecretKey, ct);
            for (int i = 0; i < n; i++)
            {
                ulong d = (share.Data[i] + q0 - s0c1[i]) % q0;
                samples.Add(d > q0 / 2 ? -(long)(q0 - d) : (long)d);
            }
        }

        long bound = 1L << 20;
        Assert.All(samples, e => Assert.InRange(e, -bound, bound - 1));
        double mean = samples.Average(), variance = samples.Average(e => (e - mean) * (e - mean));
        double expectedVariance = (double)bound * bound / 3; // uniform on [−2^b, 2^b)
        Assert.InRange(mean, -0.02 * bound, 0.02 * bound);
        Assert.InRange(variance / expectedVariance, 0.97, 1.03);
        Assert.True(samples.Max() > 0.999 * bound && samples.Min() < -0.999 * bound, "the noise does not span its width");
        foreach (KeyGenerator p in parties)
        {
            p.Dispose();
        }
    }

    [Fact]
    public void Smudging_that_would_break_decryption_is_refused_with_both_sides_of_the_inequality()
    {
        var seco = BfvContext.Create(BfvPresets.Seco8192());
        var ok = new CollectiveDecryption(seco, 3, ciphertextNoiseBits: 60);
        Assert.Equal(100, ok.SmudgingBits);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CollectiveDecryption(seco, 3, ciphertextNoiseBits: 95));

        // n = 4096: log2(Q/(4t)) = 50.02 exactly (two 36-bit primes, a 20-bit t). B = 9 needs 2^9 + 2 × 2^49 = 2^50.00,
        // which still fits; B = 10 needs 2^51.00 and is refused, with both sides of the inequality in the message.
        var small = BfvContext.Create(BfvPresets.Default4096());
        var error = Assert.Throws<ArgumentException>(() => new CollectiveDecryption(small, 2, ciphertextNoiseBits: 10));
        Assert.Contains("does not fit", error.Message);
        Assert.Contains("2^51.00", error.Message);
        Assert.Contains("2^50.02", error.Message);
        Assert.Equal(50.0, new CollectiveDecryption(small, 2, ciphertextNoiseBits: 9).TotalNoiseLog2, 6);
        // Sizing for many revealed coefficients widens b by ⌈log2⌉ of their number.
        Assert.Equal(60 + 40 + 17, new CollectiveDecryption(seco, 3, ciphertextNoiseBits: 60, revealedCoefficientsLog2: 16.2).SmudgingBits);
    }

    [Fact]
    public void Seco_preset_multiply_plain_then_smudged_collective_decryption_is_exact()
    {
        var seco = BfvContext.Create(BfvPresets.Seco8192());
        (KeyGenerator[] parties, _) = Committee.Create(seco, 3);
        byte[] session = CommonReference.CreateSessionSeed();
        var ckg = new CollectivePublicKeyGeneration(seco, session);
        PublicKey cpk = ckg.Finalize(parties.Select(p => ckg.GenShare(p.SecretKey)).Aggregate(CollectivePublicKeyGeneration.Aggregate));
        var encoder = new BatchEncoder(seco);
        ulong[] x = Committee.Vector(seco, 7), w = Committee.Vector(seco, 8);
        using var encryptor = new Encryptor(seco, cpk);
        Ciphertext ct = new Evaluator(seco).MultiplyPlain(encryptor.Encrypt(encoder.Encode(x)), encoder.Encode(w));

        // After multiply_plain the noise is below 2^60 (budget ≈ 80 of 174 bits with a 41-bit t), so λ = 40 smudging fits.
        var decryption = new CollectiveDecryption(seco, 3, ciphertextNoiseBits: 60);
        PolyShare all = parties.Select(p => decryption.GenShare(p.SecretKey, ct)).Aggregate(CollectiveDecryption.Aggregate);
        ulong t = seco.PlainModulus.Value;
        Assert.Equal(x.Zip(w, (a, b) => (ulong)((UInt128)a * b % t)), encoder.Decode(decryption.Finalize(ct, all)));
        foreach (KeyGenerator p in parties)
        {
            p.Dispose();
        }
    }

    [Fact]
    public void Shares_round_trip_and_malformed_shares_are_rejected()
    {
        using var party = new KeyGenerator(Context);
        PolyShare share = new CollectivePublicKeyGeneration(Context, CommonReference.CreateSessionSeed()).GenShare(party.SecretKey);
        byte[] bytes = share.Serialize();
        Assert.Equal(share.SerializedSize, bytes.Length);
        Assert.Equal(bytes, PolyShare.Deserialize(Context, bytes).Serialize());

        Assert.Contains("Truncated", Assert.Throws<BfvFormatException>(() => PolyShare.Deserialize(Context, bytes[..10])).Message);
        Assert.Contains("length", Assert.Throws<BfvFormatException>(() => PolyShare.Deserialize(Context, bytes[..^1])).Message);
        byte[] wrongMagic = (byte[])bytes.Clone();
        wrongMagic[0] = (byte)'X';
        Assert.Contains("magic", Assert.Throws<BfvFormatException>(() => PolyShare.Deserialize(Context, wrongMagic)).Message);
        var other = BfvContext.Create(BfvPresets.Seco8192());
        Assert.Contains("Parameter hash", Assert.Throws<BfvFormatException>(() => PolyShare.Deserialize(other, bytes)).Message);
        byte[] badLimbs = (byte[])bytes.Clone();
        badLimbs[6] = 9;
        Assert.Contains("Limb count", Assert.Throws<BfvFormatException>(() => PolyShare.Deserialize(Context, badLimbs)).Message);
        byte[] residue = (byte[])bytes.Clone();
        residue.AsSpan(40, 6).Fill(0xFF); // first coefficient of limb 0 ≥ q_0
        Assert.Contains("out of range", Assert.Throws<BfvFormatException>(() => PolyShare.Deserialize(Context, residue)).Message);
    }

    [Fact]
    public void Crp_seeds_are_domain_separated_and_depend_on_the_session()
    {
        byte[] s1 = CommonReference.CreateSessionSeed(), s2 = CommonReference.CreateSessionSeed();
        Assert.NotEqual(CommonReference.DeriveSeed(s1, "ckg"), CommonReference.DeriveSeed(s1, "rkg"));
        Assert.NotEqual(CommonReference.DeriveSeed(s1, "ckg"), CommonReference.DeriveSeed(s2, "ckg"));
        Assert.Equal(CommonReference.DeriveSeed(s1, "ckg"), CommonReference.DeriveSeed(s1, "ckg"));
        Assert.Throws<ArgumentException>(() => CommonReference.DeriveSeed(s1[..31], "ckg"));
    }
}
