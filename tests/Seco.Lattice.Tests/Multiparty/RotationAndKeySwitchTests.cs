using Seco.Lattice.Bfv;
using Seco.Lattice.Multiparty;
using Seco.Lattice.Parameters;
using Seco.Lattice.Ring;

namespace Seco.Lattice.Tests.Multiparty;

/// <summary>Collective rotation keys (RTG) and public-key switching to a user's key (PCKS), N = 2, 3, 5, 8.</summary>
public class RotationAndKeySwitchTests
{
    private static readonly BfvContext Context = BfvContext.Create(BfvPresets.Default8192());

    private static (KeyGenerator[] Parties, SecretKey Collective, PublicKey Cpk) Setup(int count, byte[] session)
    {
        (KeyGenerator[] parties, SecretKey collective) = Committee.Create(Context, count);
        var ckg = new CollectivePublicKeyGeneration(Context, session);
        PublicKey cpk = ckg.Finalize(parties.Select(p => ckg.GenShare(p.SecretKey)).Aggregate(CollectivePublicKeyGeneration.Aggregate));
        return (parties, collective, cpk);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(8)]
    public void Collective_rotation_keys_rotate_and_the_result_decrypts_collectively(int n)
    {
        byte[] session = CommonReference.CreateSessionSeed();
        (KeyGenerator[] parties, SecretKey collective, PublicKey cpk) = Setup(n, session);
        var steps = new[] { 1, -3 };
        var keys = CollectiveRotationKeyGeneration.Merge(Context, steps.Select(step =>
        {
            var rtg = new CollectiveRotationKeyGeneration(Context, session, GaloisTool.ElementFromStep(step, Context.N));
            PolyShare agg = parties
                .Select(p => PolyShare.Deserialize(Context, rtg.GenShare(p.SecretKey).Serialize()))
                .Aggregate(CollectiveRotationKeyGeneration.Aggregate);
            return rtg.Finalize(agg);
        }));

        var encoder = new BatchEncoder(Context);
        ulong[] m = Committee.Vector(Context, n);
        using var encryptor = new Encryptor(Context, cpk);
        var evaluator = new Evaluator(Context);
        Ciphertext rotated = evaluator.RotateRows(evaluator.RotateRows(encryptor.Encrypt(encoder.Encode(m)), 1, keys), -3, keys);
        ulong[] expected = Bfv.SlotMath.RotateRows(m, -2);

        var decryptor = new Decryptor(Context, collective);
        Assert.Equal(expected, encoder.Decode(decryptor.Decrypt(rotated)));
        Assert.True(decryptor.InvariantNoiseBudget(rotated) > 100);

        var decryption = new CollectiveDecryption(Context, n, ciphertextNoiseBits: 40);
        PolyShare all = parties.Select(p => decryption.GenShare(p.SecretKey, rotated)).Aggregate(CollectiveDecryption.Aggregate);
        Assert.Equal(expected, encoder.Decode(decryption.Finalize(rotated, all)));
        foreach (KeyGenerator p in parties)
        {
            p.Dispose();
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    public void Public_key_switch_output_decrypts_under_the_target_key_only(int n)
    {
        byte[] session = CommonReference.CreateSessionSeed();
        (KeyGenerator[] parties, SecretKey collective, PublicKey cpk) = Setup(n, session);
        using var user = new KeyGenerator(Context);
        var encoder = new BatchEncoder(Context);
        ulong[] m = Committee.Vector(Context, 100 + n);
        using var encryptor = new Encryptor(Context, cpk);
        Ciphertext ct = encryptor.Encrypt(encoder.Encode(m));

        var pcks = new PublicKeySwitch(Context, user.CreatePublicKey(), n, ciphertextNoiseBits: 20);
        PolyShare agg = parties
            .Select(p => PolyShare.Deserialize(Context, pcks.GenShare(p.SecretKey, ct).Serialize()))
            .Aggregate(PublicKeySwitch.Aggregate);
        Ciphertext switched = pcks.Finalize(ct, agg);

        Assert.Equal(m, encoder.Decode(new Decryptor(Context, user.SecretKey).Decrypt(switched)));
        Assert.Throws<NoiseBudgetExhaustedException>(() => new Decryptor(Context, collective).Decrypt(switched));
        foreach (KeyGenerator p in parties)
        {
            Assert.Throws<NoiseBudgetExhaustedException>(() => new Decryptor(Context, p.SecretKey).Decrypt(switched));
            p.Dispose();
        }
    }
}
