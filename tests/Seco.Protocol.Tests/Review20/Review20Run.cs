using Seco.Lattice.Bfv;
using Seco.Lattice.Multiparty;
using Seco.Lattice.Parameters;
using Seco.Lattice.Serialization;
using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Nn.Onnx;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Model.Planning;
using Seco.Protocol.Roles;
using Seco.Protocol.Tests.Audit;
using Seco.Tests.Shared;
using Xunit;

namespace Seco.Protocol.Tests.Review20;

/// <summary>
/// One real run of issue 20's protocol (forms, multi-ciphertext runs, residual shortcuts) with every role kept, so the
/// review's attacks can use the parties' real keys and the transcript (every delivered message).
/// </summary>
internal sealed class Review20Run
{
    public static readonly Lazy<FixedPointModel> Residual = new(() =>
        new FixedPointModel(OnnxImporter.Load(Path.Combine(TestHost.Root, "tests", "data", "residual", "three-blocks.onnx")), FixedPointFormat.Default));

    public static ulong[][] ResidualInputs(int count)
    {
        var random = new Random(2020);
        int size = Residual.Value.Blocks[0].Block.Input.Size;
        return [.. Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, size).Select(_ => PrimeField.FromSigned(random.Next(-256, 257))).ToArray())];
    }

    public static TierSpec[]? Tiers(string tiers) => tiers == "" ? null
        : [.. tiers.Split(',').Select(t => new TierSpec(int.Parse(t.Split(':')[0]), int.Parse(t.Split(':')[1])))];

    public Review20Run(FixedPointModel model, int split, FormPolicy forms, ulong[][] inputs, string tiers = "")
    {
        Model = model;
        Inputs = inputs;
        Deployment = ModelSplit.Create(model, split, EndToEndTests.Context.Value, tiers: Tiers(tiers), forms: forms);
        P = Deployment.Parameters;
        User = new UserRole(P.ForUser(), inputs);
        Gateway = new GatewayRole(P, Deployment.Gateway);
        Servers = P.Tiers.SelectMany(t => Enumerable.Range(0, t.Servers).Select(j => Party.Server(t.Tier, j)))
            .ToDictionary(s => s, s => RemoteServerRole.For(P, Deployment.Share(s), s));
        Loop = new ProtocolLoopback([User, Gateway, .. Servers.Values]);
        Loop.Run();
        var predictions = Loop.Events.OfType<PredictionReady>().OrderBy(p => p.Query).ToList();
        Assert.Equal(Enumerable.Range(0, inputs.Length), predictions.Select(p => p.Query));
        X = [.. inputs.Select(x =>
        {
            FixedPointResult reference = FixedPointReference.Forward(model, x.Select(PrimeField.ToSigned).ToArray());
            var xs = new Dictionary<int, ulong[]> { [1] = x };
            for (int i = 1; i < P.BlockCount; i++) xs[i + 1] = reference.BlockOutputs[i - 1].Select(PrimeField.FromSigned).ToArray();
            Assert.Equal(reference.Logits.Select(PrimeField.FromSigned), predictions[Array.IndexOf(inputs, x)].Logits);
            return xs;
        })];
    }

    public FixedPointModel Model { get; }

    public ulong[][] Inputs { get; }

    public ModelSplit Deployment { get; }

    public SecoParameters P { get; }

    public UserRole User { get; }

    public GatewayRole Gateway { get; }

    public Dictionary<Party, RemoteServerRole> Servers { get; }

    public ProtocolLoopback Loop { get; }

    /// <summary>x_i per query (the plaintext reference's block inputs).</summary>
    public Dictionary<int, ulong[]>[] X { get; }

    public int N => P.Context.N;

    public int Split => P.Split;

    public IEnumerable<Party> ServersOf(int tier) => Enumerable.Range(0, P.Tier(tier).Servers).Select(j => Party.Server(tier, j));

    public IEnumerable<T> Received<T>(Party to, Party? from = null) where T : SecoMessage =>
        Loop.Delivered.Where(d => d.To == to && (from is null || d.From == from) && d.Message is T).Select(d => (T)d.Message);

    public Ciphertext Load(byte[] bytes) => BfvSerializer.LoadCiphertextOrSeeded(P.Context, bytes);

    /// <summary>The user's decryption with its real key sk0.</summary>
    public ulong[] OpenUser(Ciphertext ct) => new BatchEncoder(P.Context).Decode(new Decryptor(P.Context, User.SecretKey).Decrypt(ct));

    /// <summary>The omniscient opening under tier <paramref name="tier"/>'s collective key: A's share and every server's of the tier.</summary>
    public ulong[] OpenCollective(Ciphertext ct, int tier)
    {
        SecretKey[] shares = [Gateway.SecretKeyOf(tier), .. ServersOf(tier).Select(s => Servers[s].SecretKey)];
        var decryption = new CollectiveDecryption(P.Context, shares.Length, 1);
        PolyShare aggregate = shares.Select(s => decryption.GenShare(s, ct)).Aggregate(CollectiveDecryption.Aggregate);
        return new BatchEncoder(P.Context).Decode(decryption.Finalize(ct, aggregate));
    }

    /// <summary>r_i of the user's F_A block i (its main input run, decrypted with sk0), per query.</summary>
    public ulong[] UserMask(int query, int block)
    {
        UserPreprocessing m = Received<UserPreprocessing>(Party.Gateway).Single(u => u.Query == query);
        int at = Enumerable.Range(1, block - 1).Sum(i => P.InputCiphertexts(i) + P.ShortcutCiphertexts(i));
        return P.Form(block).UnpackInput([.. m.MaskCiphertexts[at..(at + P.InputCiphertexts(block))].Select(b => OpenUser(Load(b)))]);
    }

    /// <summary>The slots of output ciphertext <paramref name="ciphertext"/> of <paramref name="form"/> that are not outputs.</summary>
    public static ulong[] NonOutputSlots(Model.Linear.HeForm form, int ciphertext, ulong[] slots)
    {
        var outputs = form.OutputSlots.Where(o => o.Ciphertext == ciphertext).Select(o => o.Slot).ToHashSet();
        return [.. slots.Where((_, s) => !outputs.Contains(s))];
    }

    /// <summary>Whether a ciphertext decrypts under a key that is not the one it was made for (only when c1 = 0: a bare (Δ·m, 0)).</summary>
    public static bool OpensUnderAnyKey(BfvContext context, Ciphertext ct)
    {
        try
        {
            _ = new Decryptor(context, new KeyGenerator(context).SecretKey).Decrypt(ct);
            return true;
        }
        catch (NoiseBudgetExhaustedException)
        {
            return false;
        }
    }

    /// <summary>A finding when <paramref name="values"/> hold zeros (beyond chance: ≤ 1) or do not look uniform; null otherwise.</summary>
    public static string? Padded(ulong[] values, string what) =>
        ZpStatistics.Zeros(values) > 1 ? $"{what}: {ZpStatistics.Zeros(values)} of {values.Length} slots are 0" : ZpStatistics.Uniform(values, what);
}

/// <summary>The tier's whole collective secret Σ s_i (A's share and every server's), for noise measurements only.</summary>
internal static class CollectiveSecret
{
    public static SecretKey Of(Review20Run run, int tier)
    {
        SecretKey[] shares = [run.Gateway.SecretKeyOf(tier), .. run.ServersOf(tier).Select(s => run.Servers[s].SecretKey)];
        var data = typeof(SecretKey).GetProperty("Data", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        BfvContext context = run.P.Context;
        int n = context.N;
        var sum = new ulong[context.KeyModuli.Count * n];
        foreach (SecretKey s in shares)
        {
            var d = (ulong[])data.GetValue(s)!;
            for (int l = 0; l < context.KeyModuli.Count; l++)
            {
                ulong q = context.KeyModuli[l].Value;
                for (int i = 0; i < n; i++)
                {
                    ulong v = sum[(l * n) + i] + d[(l * n) + i];
                    sum[(l * n) + i] = v >= q ? v - q : v;
                }
            }
        }
        var ctor = typeof(SecretKey).GetConstructor(System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance, [typeof(BfvContext), typeof(ulong[])])!;
        return (SecretKey)ctor.Invoke([context, sum]);
    }
}
