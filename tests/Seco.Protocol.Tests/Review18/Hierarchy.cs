using System.Reflection;
using Seco.Garbling.Crypto;
using Seco.Garbling.Garbling;
using Seco.Garbling.Ot;
using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Model.Planning;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests.Review18;

/// <summary>
/// A real role wrapped so that a test can make it hostile: look at or swallow what it receives, send extra messages,
/// and rewrite or drop what it sends. With no hook set it is the honest role, message for message.
/// </summary>
internal sealed class HostileRole(ISecoRole inner) : ISecoRole
{
    public ISecoRole Inner => inner;

    public Party Self => inner.Self;

    /// <summary>Sees each message before the real role; true swallows it (the real role never sees it).</summary>
    public Func<Party, SecoMessage, Outbox, bool>? Intercept { get; set; }

    /// <summary>Runs after the real role handled a message without throwing; may send more.</summary>
    public Action<Party, SecoMessage, Outbox>? After { get; set; }

    /// <summary>Rewrites what the real role sends (null drops it).</summary>
    public Func<Party, SecoMessage, SecoMessage?>? Rewrite { get; set; }

    public void Start(Outbox outbox) => Pass(outbox, o => inner.Start(o));

    public void Handle(Party from, SecoMessage message, Outbox outbox)
    {
        if (Intercept?.Invoke(from, message, outbox) == true)
            return;
        Pass(outbox, o => inner.Handle(from, message, o));
        After?.Invoke(from, message, outbox);
    }

    public void Abort(int query, ProtocolPhase at, string reason, Outbox outbox, Party? from = null) =>
        Pass(outbox, o => inner.Abort(query, at, reason, o, from));

    public void AbortUserQuery(Party user, int query, ProtocolPhase at, string reason, Outbox outbox) =>
        Pass(outbox, o => inner.AbortUserQuery(user, query, at, reason, o));

    private void Pass(Outbox outbox, Action<Outbox> act)
    {
        var o = new Outbox();
        act(o);
        foreach ((Party to, SecoMessage m) in o.Messages)
            if ((Rewrite is null ? m : Rewrite(to, m)) is { } sent)
                outbox.Send(to, sent);
        foreach (ProtocolEvent e in o.Events)
            outbox.Raise(e);
    }
}

/// <summary>
/// A real multi-tier deployment on the loopback (every message through its codec), every role wrapped in a
/// <see cref="HostileRole"/> (transparent until a test sets a hook), the roles kept for their keys and OT state.
/// </summary>
internal sealed class Hierarchy
{
    /// <param name="forms">How the deployment computes its blocks (<see cref="FormPolicy"/>; the matrix form unless asked).</param>
    /// <param name="protocol">SECO, or the DELPHI-3 baseline (one tier of two servers; A evaluates).</param>
    public Hierarchy(string modelFile, int split, TierSpec[] tiers, int queries, bool failQueries = true,
        Func<Party, Party, SecoMessage, IEnumerable<(Party, Party, SecoMessage)>>? inject = null, FormPolicy forms = FormPolicy.Matrix,
        FbcProtocol protocol = FbcProtocol.Seco)
    {
        Model = EndToEndTests.Model(modelFile);
        Inputs = EndToEndTests.Inputs(Model, queries);
        Deployment = ModelSplit.Create(Model, split, EndToEndTests.Context.Value, tiers: tiers, forms: forms, protocol: protocol);
        P = Deployment.Parameters;
        User = new UserRole(P.ForUser(), Inputs);
        Gateway = new GatewayRole(P, Deployment.Gateway);
        foreach (TierShape t in P.Tiers)
            for (int j = 0; j < t.Servers; j++)
            {
                Party s = Party.Server(t.Tier, j);
                Servers[s] = RemoteServerRole.For(P, Deployment.Share(s), s);
            }
        foreach (ISecoRole role in new ISecoRole[] { User, Gateway }.Concat(Servers.Values))
            Roles[role.Self] = new HostileRole(role);
        Loop = new ProtocolLoopback([.. Roles.Values]) { FailQueriesOnError = failQueries, Inject = inject };
    }

    public FixedPointModel Model { get; }

    public ulong[][] Inputs { get; }

    public ModelSplit Deployment { get; }

    public SecoParameters P { get; }

    public UserRole User { get; }

    public GatewayRole Gateway { get; }

    public Dictionary<Party, RemoteServerRole> Servers { get; } = [];

    public Dictionary<Party, HostileRole> Roles { get; } = [];

    public ProtocolLoopback Loop { get; }

    public HostileRole Hostile(Party party) => Roles[party];

    public void Run() => Loop.Run();

    public long[] ExpectedLogits(int query) => FixedPointReference.Forward(Model, Inputs[query].Select(PrimeField.ToSigned).ToArray()).Logits;

    public int[] Predicted => [.. Loop.Events.OfType<PredictionReady>().Select(p => p.Query)];

    public int[] Failed => [.. Loop.Events.OfType<QueryFailed>().Select(p => p.Query)];

    /// <summary>Every prediction the user made is bit-exact against the plaintext reference.</summary>
    public void AssertPredictionsBitExact()
    {
        foreach (PredictionReady p in Loop.Events.OfType<PredictionReady>())
            Assert.Equal(ExpectedLogits(p.Query), p.Logits.Select(PrimeField.ToSigned).ToArray());
    }

    /// <summary>The IKNP receiver a role uses with its tier's garbler (A: with tier <paramref name="tier"/>'s garbler).</summary>
    public static IknpReceiver ReceiverOf(ISecoRole role, int tier = 1)
    {
        const BindingFlags flags = BindingFlags.NonPublic | BindingFlags.Instance;
        switch (role)
        {
            case LabelReceiverRole r: // the evaluator and the providers
                return (IknpReceiver)typeof(LabelReceiverRole).GetField("_otWithGarbler", flags)!.GetValue(r)!;
            case GatewayRole g:
                {
                    var tiers = (Array)typeof(GatewayRole).GetField("_tiers", flags)!.GetValue(g)!;
                    object keys = tiers.GetValue(tier - 1)!;
                    return (IknpReceiver)keys.GetType().GetProperty("OtWithGarbler")!.GetValue(keys)!;
                }
            default:
                throw new ArgumentException($"{role.Self} is no OT receiver of a garbler");
        }
    }

    /// <summary>The garbler's Garbler object of a (query, block) while the query is live there (its Δ is the secret).</summary>
    public static Garbler? GarblerOf(GarblerRole garbler, int query, int block)
    {
        var all = (Dictionary<int, Dictionary<int, Garbler>>)typeof(GarblerRole).GetField("_garblers", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(garbler)!;
        return all.TryGetValue(query, out var layers) && layers.TryGetValue(block, out Garbler? g) ? g : null;
    }

    /// <summary>The tier's ReLU blocks in order (its segment minus block L).</summary>
    public IEnumerable<int> ReluBlocks(int tier) => P.Tier(tier).Blocks.Where(i => i < P.BlockCount);

    /// <summary>The wires of the given groups of block <paramref name="block"/>'s circuit in tier <paramref name="tier"/>.</summary>
    public int Wires(int tier, int block, params string[] groups)
    {
        BlockShape b = P.Block(block);
        var circuit = ReluLayers.Remote(b.Shift, b.Rows, P.Tier(tier).Servers);
        return groups.Sum(g => circuit.Input(g)!.Width);
    }
}

/// <summary>Small helpers for label attacks.</summary>
internal static class Labels
{
    /// <summary>W⁰ ⊕ W¹ per wire; constant over a circuit's wires (with its point-and-permute bit set) exactly when it is that circuit's Δ.</summary>
    public static Block? CommonDelta(ReadOnlySpan<Block> w0, ReadOnlySpan<Block> w1)
    {
        Block d = w0[0] ^ w1[0];
        for (int i = 1; i < w0.Length; i++)
            if ((w0[i] ^ w1[i]) != d) return null;
        return d.Lsb ? d : null;
    }
}
