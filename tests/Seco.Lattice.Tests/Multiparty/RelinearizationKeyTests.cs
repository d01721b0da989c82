using System.Globalization;
using Seco.Lattice.Bfv;
using Seco.Lattice.Multiparty;
using Seco.Lattice.Parameters;
using Seco.Lattice.Ring;
using Seco.Lattice.Serialization;
using Xunit.Abstractions;

namespace Seco.Lattice.Tests.Multiparty;

/// <summary>
/// Collective relinearization keys (RKG, two rounds) at the SECO preset: ct × ct under the collective public key,
/// relinearized with the collective key, decrypted collectively by all N; key noise; malformed and wrong-round shares;
/// unseeded-key serialization; the share-size table of docs/benchmarks.md.
/// </summary>
public class RelinearizationKeyTests(ITestOutputHelper output)
{
    private static readonly BfvContext Context = BfvContext.Create(BfvPresets.Seco8192());

    /// <summary>Public bound 2^B on the noise of a fresh ct × ct product after relinearization (measured budget ≥ 52 ⇒ B ≤ 80).</summary>
    private const int ProductNoiseBits = 80;

    /// <summary>Runs both RKG rounds among <paramref name="parties"/>, every share travelling serialized.</summary>
    internal static RelinKeys RunRkg(BfvContext context, KeyGenerator[] parties, byte[] session)
    {
        var ephemerals = new RelinearizationKeyEphemeral[parties.Length];

        // Every party has its own protocol object from the same public session seed.
        CollectiveRelinearizationKeyGeneration[] local = parties.Select(_ => new CollectiveRelinearizationKeyGeneration(context, session)).ToArray();
        PolyShare round1 = parties
            .Select((p, i) => PolyShare.Deserialize(context, local[i].GenShareRoundOne(p.SecretKey, out ephemerals[i]).Serialize()))
            .Aggregate(CollectiveRelinearizationKeyGeneration.Aggregate);
        round1 = PolyShare.Deserialize(context, round1.Serialize()); // broadcast by the aggregator
        PolyShare round2 = parties
            .Select((p, i) => PolyShare.Deserialize(context, local[i].GenShareRoundTwo(p.SecretKey, ephemerals[i], round1).Serialize()))
            .Aggregate(CollectiveRelinearizationKeyGeneration.Aggregate);
        foreach (RelinearizationKeyEphemeral u in ephemerals)
        {
            u.Dispose();
        }

        return new CollectiveRelinearizationKeyGeneration(context, session).Finalize(round1, round2);
    }

    private static RelinKeys RunRkg(KeyGenerator[] parties, byte[] session) => RunRkg(Context, parties, session);

    private static PublicKey RunCkg(KeyGenerator[] parties, byte[] session)
    {
        var ckg = new CollectivePublicKeyGeneration(Context, session);
        return ckg.Finalize(parties.Select(p => ckg.GenShare(p.SecretKey)).Aggregate(CollectivePublicKeyGeneration.Aggregate));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    public void Product_relinearized_with_the_collective_key_decrypts_collectively_to_x_times_y(int n)
    {
        (KeyGenerator[] parties, SecretKey collective) = Committee.Create(Context, n);
        byte[] session = CommonReference.CreateSessionSeed();
        PublicKey cpk = RunCkg(parties, session);
        RelinKeys rlk = RunRkg(parties, session);

        var encoder = new BatchEncoder(Context);
        var evaluator = new Evaluator(Context);
        ulong[] x = Committee.Vector(Context, 10 + n), y = Committee.Vector(Context, 20 + n);
        using var encryptor = new Encryptor(Context, cpk);
        Ciphertext product = evaluator.Relinearize(
            evaluator.Multiply(encryptor.Encrypt(encoder.Encode(x)), encryptor.Encrypt(encoder.Encode(y))), rlk);
        ulong t = Context.PlainModulus.Value;
        ulong[] expected = x.Zip(y, (a, b) => (ulong)((UInt128)a * b % t)).ToArray();

        var decryptor = new Decryptor(Context, collective);
        int budget = decryptor.InvariantNoiseBudget(product);
        output.WriteLine($"N = {n}: budget after multiply + relinearize = {budget} bits");
        Assert.True(budget >= 52, $"budget {budget} below the 52 bits that the 2^{ProductNoiseBits} noise bound assumes");
        Assert.Equal(expected, encoder.Decode(decryptor.Decrypt(product)));

        var decryption = new CollectiveDecryption(Context, n, ciphertextNoiseBits: ProductNoiseBits);
        PolyShare all = parties
            .Select(p => PolyShare.Deserialize(Context, decryption.GenShare(p.SecretKey, product).Serialize()))
            .Aggregate(CollectiveDecryption.Aggregate);
        Assert.Equal(expected, encoder.Decode(decryption.Finalize(product, all)));
        foreach (KeyGenerator p in parties)
        {
            p.Dispose();
        }
    }

    [Fact]
    public void Collective_key_has_small_noise_and_relinearizes_as_well_as_a_single_key_for_s()
    {
        (KeyGenerator[] parties, SecretKey collective) = Committee.Create(Context, 3);
        byte[] session = CommonReference.CreateSessionSeed();
        RelinKeys rlk = RunRkg(parties, session);
        int n = Context.N, k = Context.KeyModuli.Count;

        // b_j + a'_j·s − P·s² (limb j) is the key noise: small, nonzero, for every component.
        var s2 = new ulong[k * n];
        RnsPoly.MultiplyPointwise(collective.Data, collective.Data, s2, Context.KeyModuli, n);
        RnsPoly.Negate(s2, s2, Context.KeyModuli, n);
        ulong q0 = Context.KeyModuli[0].Value;
        for (int j = 0; j < rlk.Key.Count; j++)
        {
            var e = new ulong[k * n];
            RnsPoly.MultiplyPointwise(rlk.Key.A[j], collective.Data, e, Context.KeyModuli, n);
            RnsPoly.Add(e, rlk.Key.B[j], e, Context.KeyModuli, n);
            Rlwe.AddGadgetTerm(Context, e, s2, j);
            RnsPoly.InverseNtt(e, Context.NttTables, k);
            long max = e.Take(n).Select(v => v > q0 / 2 ? (long)(q0 - v) : (long)v).Max();
            output.WriteLine($"component {j}: ‖e‖∞ = {max} (2^{Math.Log2(max):F1})");
            Assert.InRange(max, 1, 1L << 24); // ≤ n·(N·1)·(N·21)·2 ≈ 2^21.2 for N = 3 in the worst case
        }

        Assert.False(rlk.Key.IsSeeded);

        // Against the ideal single-key relinearization key for s = Σ s_i, the budget differs by at most a bit or two.
        using var ideal = new KeyGenerator(Context, collective);
        RelinKeys idealRlk = ideal.CreateRelinKeys();
        using var encryptor = new Encryptor(Context, RunCkg(parties, session));
        var encoder = new BatchEncoder(Context);
        var evaluator = new Evaluator(Context);
        Ciphertext product = evaluator.Multiply(
            encryptor.Encrypt(encoder.Encode(Committee.Vector(Context, 1))), encryptor.Encrypt(encoder.Encode(Committee.Vector(Context, 2))));
        var decryptor = new Decryptor(Context, collective);
        int before = decryptor.InvariantNoiseBudget(product);
        int collectiveBudget = decryptor.InvariantNoiseBudget(evaluator.Relinearize(product, rlk));
        int idealBudget = decryptor.InvariantNoiseBudget(evaluator.Relinearize(product, idealRlk));
        output.WriteLine($"budget: size-3 product {before}, relinearized with RKG key {collectiveBudget}, with ideal key {idealBudget}");
        Assert.True(collectiveBudget > 0);
        Assert.InRange(collectiveBudget, idealBudget - 2, idealBudget + 2);
        foreach (KeyGenerator p in parties)
        {
            p.Dispose();
        }
    }

    [Fact]
    public void Wrong_round_malformed_and_foreign_shares_are_rejected_naming_the_problem()
    {
        using var party = new KeyGenerator(Context);
        byte[] session = CommonReference.CreateSessionSeed();
        var rkg = new CollectiveRelinearizationKeyGeneration(Context, session);
        PolyShare r1 = rkg.GenShareRoundOne(party.SecretKey, out RelinearizationKeyEphemeral u);
        PolyShare r2 = rkg.GenShareRoundTwo(party.SecretKey, u, r1);
        Assert.Equal(2 * Context.MaxLevel, r1.Count);
        Assert.Equal(Context.MaxLevel, r2.Count);
        Assert.Equal(rkg.Finalize(r1, r2).Key.Count, Context.MaxLevel);

        // Wrong round: counts differ (2L vs L), so neither aggregation nor the round-2/finalize inputs mix them up.
        Assert.Contains("polynomial count", Assert.Throws<ArgumentException>(() => CollectiveRelinearizationKeyGeneration.Aggregate(r1, r2)).Message);
        Assert.Contains("other round", Assert.Throws<ArgumentException>(() => rkg.GenShareRoundTwo(party.SecretKey, u, r2)).Message);
        Assert.Contains("other round", Assert.Throws<ArgumentException>(() => rkg.Finalize(r1, r1)).Message);
        Assert.Contains("other round", Assert.Throws<ArgumentException>(() => rkg.Finalize(r2, r2)).Message);

        // Malformed: wrong count, wrong form, wrong limb count.
        int k = Context.KeyModuli.Count, n = Context.N;
        var threePolys = new PolyShare(Context, k, isNttForm: true, new ulong[3 * k * n]);
        ArgumentException count = Assert.Throws<ArgumentException>(() => rkg.Finalize(r1, threePolys));
        Assert.Contains($"has {Context.MaxLevel} polynomials; this one has 3", count.Message);
        var coefficientForm = new PolyShare(Context, k, isNttForm: false, (ulong[])r2.Data.Clone());
        Assert.Contains("coefficient form", Assert.Throws<ArgumentException>(() => rkg.Finalize(r1, coefficientForm)).Message);
        var fewLimbs = new PolyShare(Context, k - 1, isNttForm: true, new ulong[Context.MaxLevel * (k - 1) * n]);
        Assert.Contains($"all {k} key primes", Assert.Throws<ArgumentException>(() => rkg.Finalize(r1, fewLimbs)).Message);

        // Wrong context: a share made under other parameters (Default8192 differs from Seco8192 in t).
        var other = BfvContext.Create(BfvPresets.Default8192());
        using var otherParty = new KeyGenerator(other);
        PolyShare foreign = new CollectiveRelinearizationKeyGeneration(other, session).GenShareRoundOne(otherParty.SecretKey, out RelinearizationKeyEphemeral foreignU);
        Assert.Contains("parameter set", Assert.Throws<ArgumentException>(() => rkg.GenShareRoundTwo(party.SecretKey, u, foreign)).Message);
        Assert.Contains("parameter set", Assert.Throws<ArgumentException>(() => rkg.GenShareRoundTwo(party.SecretKey, foreignU, r1)).Message);
        Assert.Contains("parameter set", Assert.Throws<ArgumentException>(() => rkg.GenShareRoundOne(otherParty.SecretKey, out _)).Message);
        foreignU.Dispose();

        // The ephemeral u_i is bound to its protocol instance and unusable once wiped.
        var otherSession = new CollectiveRelinearizationKeyGeneration(Context, CommonReference.CreateSessionSeed());
        Assert.Contains("another protocol instance", Assert.Throws<ArgumentException>(() => otherSession.GenShareRoundTwo(party.SecretKey, u, r1)).Message);
        u.Dispose();
        Assert.True(u.IsDisposed);
        Assert.All(u.Data, v => Assert.Equal(0UL, v));
        Assert.Throws<ObjectDisposedException>(() => rkg.GenShareRoundTwo(party.SecretKey, u, r1));
    }

    [Fact]
    public void Round_shares_and_unseeded_relin_keys_round_trip_and_corruption_is_a_format_error()
    {
        (KeyGenerator[] parties, SecretKey collective) = Committee.Create(Context, 2);
        byte[] session = CommonReference.CreateSessionSeed();
        var rkg = new CollectiveRelinearizationKeyGeneration(Context, session);
        PolyShare r1 = rkg.GenShareRoundOne(parties[0].SecretKey, out RelinearizationKeyEphemeral u);
        PolyShare r2 = rkg.GenShareRoundTwo(parties[0].SecretKey, u, r1);
        u.Dispose();
        foreach (PolyShare share in new[] { r1, r2 })
        {
            byte[] bytes = share.Serialize();
            Assert.Equal(share.SerializedSize, bytes.Length);
            PolyShare back = PolyShare.Deserialize(Context, bytes);
            Assert.Equal(share.Count, back.Count);
            Assert.Equal(share.Data, back.Data);
        }

        RelinKeys rlk = RunRkg(parties, session);
        byte[] keyBytes = BfvSerializer.Serialize(rlk);
        Assert.Equal(BfvSerializer.SerializedSize(rlk), keyBytes.Length);
        Assert.Equal(BfvSerializer.ExplicitAFlag, BitConverter.ToUInt16(keyBytes, 6));
        RelinKeys loaded = BfvSerializer.LoadRelinKeys(Context, keyBytes);
        Assert.False(loaded.Key.IsSeeded);
        for (int j = 0; j < rlk.Key.Count; j++)
        {
            Assert.Equal(rlk.Key.A[j], loaded.Key.A[j]);
            Assert.Equal(rlk.Key.B[j], loaded.Key.B[j]);
        }

        Assert.Equal(keyBytes, BfvSerializer.Serialize(loaded));

        // The loaded key relinearizes.
        using var encryptor = new Encryptor(Context, RunCkg(parties, session));
        var encoder = new BatchEncoder(Context);
        var evaluator = new Evaluator(Context);
        ulong[] x = Committee.Vector(Context, 5), y = Committee.Vector(Context, 6);
        Ciphertext product = evaluator.Relinearize(evaluator.Multiply(encryptor.Encrypt(encoder.Encode(x)), encryptor.Encrypt(encoder.Encode(y))), loaded);
        ulong t = Context.PlainModulus.Value;
        Assert.Equal(x.Zip(y, (a, b) => (ulong)((UInt128)a * b % t)), encoder.Decode(new Decryptor(Context, collective).Decrypt(product)));

        // Corruptions: flag cleared (the payload then has the wrong length for seeded a), unknown flag bit, an a
        // residue ≥ its prime, truncation.
        byte[] cleared = (byte[])keyBytes.Clone();
        cleared[6] = 0;
        Assert.Contains("seeded a", Assert.Throws<BfvFormatException>(() => BfvSerializer.LoadRelinKeys(Context, cleared)).Message);
        byte[] unknownFlag = (byte[])keyBytes.Clone();
        unknownFlag[6] = 3;
        BfvFormatException flagError = Assert.Throws<BfvFormatException>(() => BfvSerializer.LoadRelinKeys(Context, unknownFlag));
        Assert.Contains("reserved bits 0x0002", flagError.Message);
        Assert.Equal(6, flagError.Offset);
        byte[] residue = (byte[])keyBytes.Clone();
        residue.AsSpan(BfvSerializer.HeaderSize + 1, 6).Fill(0xFF); // component 0, a, limb 0, first coefficient ≥ q_0
        Assert.Contains("component 0 a", Assert.Throws<BfvFormatException>(() => BfvSerializer.LoadRelinKeys(Context, residue)).Message);
        Assert.Throws<BfvFormatException>(() => BfvSerializer.LoadRelinKeys(Context, keyBytes[..^1]));

        // Flags stay reserved on every other object type.
        byte[] ct = BfvSerializer.Serialize(product);
        ct[6] = 1;
        Assert.Contains("Reserved flags must be 0", Assert.Throws<BfvFormatException>(() => BfvSerializer.LoadCiphertext(Context, ct)).Message);

        // A GaloisKeys blob holding an unseeded key is written with explicit a for every key, seeded ones included.
        GaloisKeys rtg = new CollectiveRotationKeyGeneration(Context, session, 3).Finalize(
            parties.Select(p => new CollectiveRotationKeyGeneration(Context, session, 3).GenShare(p.SecretKey)).Aggregate(CollectiveRotationKeyGeneration.Aggregate));
        var mixed = new GaloisKeys(Context, new Dictionary<uint, KeySwitchingKey> { [3] = rtg.Keys[3], [5] = rlk.Key });
        byte[] galoisBytes = BfvSerializer.Serialize(mixed);
        Assert.Equal(BfvSerializer.SerializedSize(mixed), galoisBytes.Length);
        Assert.Equal(BfvSerializer.ExplicitAFlag, BitConverter.ToUInt16(galoisBytes, 6));
        GaloisKeys galoisLoaded = BfvSerializer.LoadGaloisKeys(Context, galoisBytes);
        foreach (uint g in new uint[] { 3, 5 })
        {
            for (int j = 0; j < Context.MaxLevel; j++)
            {
                Assert.Equal(mixed.Keys[g].A[j], galoisLoaded.Keys[g].A[j]);
                Assert.Equal(mixed.Keys[g].B[j], galoisLoaded.Keys[g].B[j]);
            }
        }

        Assert.Equal(0, BitConverter.ToUInt16(BfvSerializer.Serialize(rtg), 6)); // seeded stays seeded (format unchanged)
        foreach (KeyGenerator p in parties)
        {
            p.Dispose();
        }
    }

    [Fact]
    public void Random_corruption_of_an_unseeded_key_throws_only_BfvFormatException()
    {
        // n = 4096 keeps each load cheap; half the flips hit the header, count byte and first residues.
        var small = BfvContext.Create(BfvPresets.Default4096());
        using var p0 = new KeyGenerator(small);
        using var p1 = new KeyGenerator(small);
        byte[] session = CommonReference.CreateSessionSeed();
        var rkg = new CollectiveRelinearizationKeyGeneration(small, session);
        PolyShare r1 = CollectiveRelinearizationKeyGeneration.Aggregate(rkg.GenShareRoundOne(p0.SecretKey, out var u0), rkg.GenShareRoundOne(p1.SecretKey, out var u1));
        PolyShare r2 = CollectiveRelinearizationKeyGeneration.Aggregate(rkg.GenShareRoundTwo(p0.SecretKey, u0, r1), rkg.GenShareRoundTwo(p1.SecretKey, u1, r1));
        u0.Dispose();
        u1.Dispose();
        byte[] valid = BfvSerializer.Serialize(rkg.Finalize(r1, r2));
        var random = new Random(4);
        int formatErrors = 0;
        for (int trial = 0; trial < 200; trial++)
        {
            byte[] bytes = (byte[])valid.Clone();
            int position = trial % 2 == 0 ? random.Next(BfvSerializer.HeaderSize + 16) : random.Next(bytes.Length);
            bytes[position] ^= (byte)(random.Next(255) + 1);
            if (trial % 5 == 0)
            {
                bytes = bytes[..random.Next(bytes.Length)];
            }

            try
            {
                BfvSerializer.LoadRelinKeys(small, bytes);
            }
            catch (BfvFormatException)
            {
                formatErrors++;
            }
        }

        // Most header flips and every truncation are caught; a flip deep inside a residue may still be a valid residue.
        Assert.True(formatErrors >= 100, $"only {formatErrors} of 200 corruptions were detected");
    }

    [Fact]
    public void Share_sizes_match_the_documented_table()
    {
        // Sizes depend only on shapes: zero-filled stand-ins at the SECO preset (n = 8192, L = 4, k = 5).
        int n = Context.N, k = Context.KeyModuli.Count, l = Context.MaxLevel;
        PolyShare Share(int count, int limbs, bool ntt) => new(Context, limbs, ntt, new ulong[count * limbs * n]);
        var rows = new (string Name, long Size, long Expected)[]
        {
            ("CKG share", Share(1, k, true).SerializedSize, 223_272),
            ("RKG round-1 share", Share(2 * l, k, true).SerializedSize, 1_785_896),
            ("RKG round-2 share", Share(l, k, true).SerializedSize, 892_968),
            ("RTG share (one Galois element)", Share(l, k, true).SerializedSize, 892_968),
            ("decryption share (top level)", Share(1, l, false).SerializedSize, 178_216),
            ("PCKS share (top level)", Share(2, l, false).SerializedSize, 356_392),
            ("collective relin keys (explicit a)", BfvSerializer.SerializedSize(new RelinKeys(KeySwitchingKey.Unseeded(
                Context, Enumerable.Range(0, l).Select(_ => new ulong[k * n]).ToArray(), Enumerable.Range(0, l).Select(_ => new ulong[k * n]).ToArray()))), 1_785_905),
        };
        foreach ((string name, long size, _) in rows)
        {
            output.WriteLine($"| {name} | {size.ToString("N0", CultureInfo.InvariantCulture)} |");
        }

        Assert.Equal(rows.Select(r => r.Expected), rows.Select(r => r.Size));
    }
}
