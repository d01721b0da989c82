using Seco.Lattice.Bfv;
using Seco.Lattice.Multiparty;
using Seco.Lattice.Serialization;
using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Nn.Layers;
using Seco.Protocol.Model;
using Seco.Protocol.Model.Linear;
using Seco.Protocol.Model.Planning;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests.Audit;

/// <summary>
/// One real protocol run (every message through its codec) watched by an omniscient auditor: it holds every party's
/// real key (the roles' own key objects), the model, the dealer's weight shares and the transcript. From these it
/// reconstructs (by decryption) every hidden per-query value — the masks r_i and every owner's share of them, each
/// server's full output mask — and the plaintext reference's activations, so that each party's (and each coalition's)
/// view can be attacked with the ground truth at hand (<see cref="ViewAuditor"/>). Any hierarchy: every server of every
/// tier is hosted (docs/hierarchy.md); without tiers it is the paper's four parties. Any form: each block's weights,
/// products and masks are taken in the form the parameters chose for it, and every block's ciphertexts as its run
/// (<see cref="FormSlots"/>).
/// </summary>
internal sealed class AuditedRun
{
    /// <param name="tiers">The remote tiers (null: one tier of two servers, the paper's four-party setting).</param>
    /// <param name="forms">How the deployment computes its blocks (the matrix form unless the planner is asked for).</param>
    /// <param name="protocol">SECO, or the DELPHI-3 baseline (A evaluates F_BC's circuits, paper App. C).</param>
    /// <param name="captureEncodings">Keep each tier-1 circuit's secret input encoding (Δ and 0-labels) as the garbler makes it, for label audits.</param>
    public AuditedRun(FixedPointModel model, int split, ulong[][] inputs, TierSpec[]? tiers = null, FormPolicy forms = FormPolicy.Matrix,
        FbcProtocol protocol = FbcProtocol.Seco, bool captureEncodings = false)
    {
        Model = model;
        Inputs = inputs;
        Deployment = ModelSplit.Create(model, split, EndToEndTests.Context.Value, tiers: tiers, forms: forms, protocol: protocol);
        P = Deployment.Parameters;
        User = new UserRole(P.ForUser(), inputs);
        Gateway = new GatewayRole(P, Deployment.Gateway);
        // l = L leaves no remote tier: no server takes part (DELPHI between the user and A), so none is hosted.
        Servers = Coalition.AllServers(P).ToDictionary(s => s, s => RemoteServerRole.For(P, Deployment.Share(s), s));
        ISecoRole[] hosted = [.. Servers.Values.Select(r => captureEncodings && r is GarblerRole { Self.Tier: 1 } g ? Capturing(g) : (ISecoRole)r)];
        Loop = new ProtocolLoopback([User, Gateway, .. hosted]); // the roles are kept: the audit needs their keys
        Loop.Run();

        // The run is the real thing: every query finished, bit-exact against the plaintext reference.
        var predictions = Loop.Events.OfType<PredictionReady>().ToList();
        Assert.Equal(Enumerable.Range(0, inputs.Length), predictions.Select(p => p.Query));
        Truth = inputs.Select(x => new QueryTruth(model, P, x)).ToArray();
        foreach (PredictionReady p in predictions)
            Assert.Equal(Truth[p.Query].Logits, p.Logits);

        BlockOperator[] operators = [.. Enumerable.Range(1, P.BlockCount).Select(i => FormSlots.Operator(model, P, i))];
        Weights = operators.ToDictionary(o => o.Block, o => o.Weights);
        Biases = operators.ToDictionary(o => o.Block, o => o.Bias);
        Support = operators.ToDictionary(o => o.Block, o => o.Main.StructuralSupport);
        // The weights in each block's form compute the reference's pre-activations (QueryTruth composes the block
        // matrix independently): the audit's F·x is the model's in every form.
        foreach (QueryTruth t in Truth)
            for (int i = 1; i <= L; i++)
                Assert.Equal(t.Z[i], ZpVector.Add(P.Form(i).Apply(Weights[i], t.X[i]), Biases[i]));
        ReconstructMasks();
    }

    public FixedPointModel Model { get; }

    /// <summary>Tier 1's input encodings by (query, block), when captured: the garbler's secret Δ and 0-labels of each circuit.</summary>
    public Dictionary<(int Query, int Block), Seco.Garbling.Garbling.InputEncoding> Encodings { get; } = [];

    /// <summary>The garbler, transparent, but each circuit's input encoding is kept as soon as the garbler holds it.</summary>
    private Review18.HostileRole Capturing(GarblerRole garbler) => new(garbler)
    {
        After = (_, message, _) =>
        {
            if (message is QueryMessage q)
                foreach (int block in P.Tier(1).Blocks.Where(i => i < P.BlockCount))
                    if (Review18.Hierarchy.GarblerOf(garbler, q.Query, block) is { } g)
                        Encodings.TryAdd((q.Query, block), g.InputEncoding);
        },
    };

    public ulong[][] Inputs { get; }

    public ModelSplit Deployment { get; }

    public SecoParameters P { get; }

    public UserRole User { get; }

    public GatewayRole Gateway { get; }

    /// <summary>Every remote server's role, by position.</summary>
    public Dictionary<Party, RemoteServerRole> Servers { get; }

    /// <summary>Tier 1's garbler (B in the paper's four-party setting).</summary>
    public GarblerRole Garbler => (GarblerRole)Servers[Party.Garbler];

    /// <summary>Tier 1's evaluator (C in the paper's four-party setting).</summary>
    public EvaluatorRole Evaluator => (EvaluatorRole)Servers[Party.Evaluator];

    public ProtocolLoopback Loop { get; }

    public int N => P.Context.N;

    public int Split => P.Split;

    public int L => P.BlockCount;

    public int Queries => Inputs.Length;

    /// <summary>The plaintext reference per query.</summary>
    public QueryTruth[] Truth { get; }

    /// <summary>F_i as residues in block i's form: the whole block matrix (row-major), or the convolution's kernel [o][i][u][v].</summary>
    public Dictionary<int, ulong[]> Weights { get; }

    /// <summary>b_i as residues, one per output.</summary>
    public Dictionary<int, ulong[]> Biases { get; }

    /// <summary>Block i's structural support in its form: the weights the block's layer can make non-zero (shares are uniform there, zero elsewhere).</summary>
    public Dictionary<int, bool[]> Support { get; }

    /// <summary>r_i per (query, block): the mask on x_i (the user's for i ≤ l+1, r¹ + Σ_j r^j after).</summary>
    public Dictionary<(int Query, int Block), ulong[]> Masks { get; } = [];

    /// <summary>
    /// The mask shares r_i^j for i ≥ l+2, by owner: A's r¹ (under <see cref="Party.Gateway"/>) and those of every server
    /// of the tier that holds block i − 1 (the block's own tier inside a segment, the previous tier at a boundary).
    /// </summary>
    public Dictionary<(int Query, int Block, Party Owner), ulong[]> MaskShares { get; } = [];

    /// <summary>
    /// Each server's whole output mask S_i^j over every slot of block i's output ciphertexts, concatenated (s^j on the
    /// outputs, its pad elsewhere), as it follows from its LinearShares: S^j = P(F^j, r) − Dec(LinearShares^j).
    /// </summary>
    public Dictionary<(int Query, int Block, Party Server), ulong[]> ServerMasks { get; } = [];

    /// <summary>The servers of tier <paramref name="tier"/>, garbler first.</summary>
    public IEnumerable<Party> ServersOf(int tier) => Enumerable.Range(0, P.Tier(tier).Servers).Select(j => Party.Server(tier, j));

    /// <summary>Who holds a share of r_i (i ≥ l+2): A and every server of the tier holding block i − 1; for i ≤ l+1 the user alone.</summary>
    public IReadOnlyList<Party> MaskOwners(int block) =>
        block <= Split + 1 ? [Party.User] : [Party.Gateway, .. ServersOf(P.TierOf(block - 1).Tier)];

    /// <summary>The tier whose circuits take r_i's shares as inputs (the holder of block i − 1); 0 for the user's masks.</summary>
    public int MaskTier(int block) => block <= Split + 1 ? 0 : P.TierOf(block - 1).Tier;

    /// <summary>Remote server <paramref name="server"/>'s dealt share of F_BC.</summary>
    public RemoteShare ShareOf(Party server) => Deployment.Share(server);

    public IEnumerable<(Party From, SecoMessage Message)> ReceivedBy(Party party) =>
        Loop.Delivered.Where(d => d.To == party).Select(d => (d.From, d.Message));

    public IEnumerable<T> Received<T>(Party to, Party? from = null) where T : SecoMessage =>
        Loop.Delivered.Where(d => d.To == to && (from is null || d.From == from) && d.Message is T).Select(d => (T)d.Message);

    public Ciphertext Load(byte[] bytes) => BfvSerializer.LoadCiphertextOrSeeded(P.Context, bytes);

    /// <summary>A's key share with tier <paramref name="tier"/>; with no remote tier (l = L) A shares no key, and the checks use one of its own making.</summary>
    public SecretKey GatewayKey(int tier) => P.HasRemoteTier ? Gateway.SecretKeyOf(tier) : _ownGatewayKey.Value;

    private readonly Lazy<SecretKey> _ownGatewayKey = new(() => new KeyGenerator(EndToEndTests.Context.Value).SecretKey);

    /// <summary>A server's key share (of its own tier's key).</summary>
    public SecretKey ServerKey(Party server) => Servers[server].SecretKey;

    /// <summary>The key share <paramref name="holder"/> holds for tier <paramref name="tier"/>'s collective key (A holds one per tier; the user's is its own key).</summary>
    public SecretKey KeyShare(Party holder, int tier) => holder.IsUser ? User.SecretKey : holder.IsGateway ? GatewayKey(tier) : ServerKey(holder);

    /// <summary>The omniscient opening of a ciphertext under tier 1's cpk: a collective decryption with all its key shares.</summary>
    public ulong[] OpenCollective(Ciphertext ct) => OpenCollective(ct, 1);

    /// <summary>The omniscient opening under tier <paramref name="tier"/>'s cpk: A's share and every server's of the tier.</summary>
    public ulong[] OpenCollective(Ciphertext ct, int tier) => Open(ct, [GatewayKey(tier), .. ServersOf(tier).Select(ServerKey)]);

    /// <summary>A collective decryption with exactly the given key shares (fails unless they sum to the key).</summary>
    public ulong[] Open(Ciphertext ct, SecretKey[] shares)
    {
        var decryption = new CollectiveDecryption(P.Context, shares.Length, 1);
        PolyShare aggregate = shares.Select(s => decryption.GenShare(s, ct)).Aggregate(CollectiveDecryption.Aggregate);
        return new BatchEncoder(P.Context).Decode(decryption.Finalize(ct, aggregate));
    }

    public ulong[] OpenUser(Ciphertext ct) => new BatchEncoder(P.Context).Decode(new Decryptor(P.Context, User.SecretKey).Decrypt(ct));

    /// <summary>P(W, x): every slot of block <paramref name="block"/>'s output ciphertexts, concatenated, as a product of <paramref name="weights"/> (in the block's form) and x leaves them unmasked.</summary>
    public ulong[] Slots(int block, ulong[] weights, ulong[] x) => FormSlots.Unmasked(P, block, weights, x);

    /// <summary>Where block <paramref name="block"/>'s outputs sit in the concatenated slots of its output ciphertexts, in output order.</summary>
    public int[] OutputPositions(int block) => FormSlots.OutputPositions(P.Form(block));

    /// <summary>The outputs of block <paramref name="block"/> (in output order) read from its concatenated slots.</summary>
    public ulong[] Outputs(int block, ulong[] slots) => FormSlots.At(slots, OutputPositions(block));

    /// <summary>
    /// The vector an opened run of block <paramref name="block"/>'s input packing holds; the run must be exactly that
    /// vector's packing (nothing else rides in the unused slots).
    /// </summary>
    private ulong[] Unpack(int block, IEnumerable<ulong[]> run, string what)
    {
        HeForm form = P.Form(block);
        ulong[][] slots = [.. run];
        ulong[] x = form.UnpackInput(slots);
        Assert.True(form.PackInput(x).Zip(slots).All(p => p.First.AsSpan().SequenceEqual(p.Second)), $"{what} is not the packing of one vector in block {block}'s input packing");
        return x;
    }

    /// <summary>
    /// The user's transition mask as the auditor opens it (every ciphertext, under tier 1's key): every packing the
    /// activation's shape allows — the matrix halves if it fits n/2 slots, then the channel planes of a C×H×W shape —
    /// must hold the same r_{l+1}, each exactly in its packing, or A (choosing the one block l+1's form needs) would
    /// hand tier 1 a mask other than the one the user removes. Findings when not; <paramref name="r"/> is the vector
    /// read from the first packing.
    /// </summary>
    public static List<string> TransitionFindings(SecoParameters p, int query, IReadOnlyList<ulong[]> opened, out ulong[] r)
    {
        var findings = new List<string>();
        Shape shape = p.Block(p.Split + 1).Input;
        int n = p.Context.N, size = shape.Size;
        bool halves = TransitionPacking.HasHalves(shape, n);
        Lattice.Linear.ConvLayout? planes = TransitionPacking.Planes(shape, n);
        bool residual = p.ForUser().Residual; // a residual model's user also sends subsampled planes and r_l (D23)
        int count = TransitionPacking.Count(shape, p.Split >= 1 ? p.Block(p.Split).Input : null, residual, n);
        r = [];
        if (count == 0 || opened.Count != count)
        {
            findings.Add($"q{query} the user's transition mask: {opened.Count} ciphertexts, its {shape} activation has {count} (halves {halves}, planes {planes?.InputCiphertexts ?? 0})");
            return findings;
        }
        var readings = new List<(string What, ulong[] R)>();
        if (halves)
        {
            readings.Add(("row-0 half", opened[0][..size]));
            readings.Add(("row-1 half", opened[1][(n / 2)..((n / 2) + size)]));
        }
        if (planes is not null)
            readings.Add(("channel planes", new ConvolutionForm(planes.Shape, null, n).UnpackInput([.. opened.Skip(halves ? 2 : 0)])));
        r = readings[0].R;
        foreach ((string what, ulong[] x) in readings.Skip(1))
        {
            int differ = x.Where((v, j) => v != readings[0].R[j]).Count();
            if (differ > 0)
                findings.Add($"q{query} the user's transition mask: the {what} hold another vector than the {readings[0].What} ({differ} of {size} entries differ)");
        }
        ulong[][] packed = TransitionPacking.Pack(r, shape, n, subsampled: residual); // r_{l+1}'s own run (r_l's follows for a residual model)
        for (int k = 0; k < packed.Length; k++)
        {
            int differ = packed[k].Where((v, j) => v != opened[k][j]).Count();
            if (differ > 0)
                findings.Add($"q{query} the user's transition mask: ciphertext {k + 1} of {packed.Length} is not r_{p.Split + 1} in its packing ({differ} slots differ)");
        }
        return findings;
    }

    /// <summary>
    /// Every mask from the roles' messages, by omniscient decryption, each field split into its blocks' runs: the
    /// user's F_A masks under pk0 and its transition mask under tier 1's key (every packing of it); each tier's
    /// MaskAggregate (its blocks' r_i, under its key — block l+1's the user's r_{l+1} in that block's packing); each
    /// server's MaskShares (its tier's later blocks under its key, the next tier's input mask under the next tier's);
    /// A's share r¹ is what is left of r_i. Then each server's output mask from its LinearShares.
    /// </summary>
    private void ReconstructMasks()
    {
        foreach (UserPreprocessing m in Received<UserPreprocessing>(Party.Gateway))
        {
            Dictionary<int, byte[][]> runs = FormSlots.Runs(m.MaskCiphertexts, Enumerable.Range(1, Split), P.InputCiphertexts, $"q{m.Query} the user's mask ciphertexts");
            for (int i = 1; i <= Split; i++)
                Masks[(m.Query, i)] = Unpack(i, runs[i].Select(b => OpenUser(Load(b))), $"q{m.Query} the user's Enc_pk0(r_{i})");
            if (P.HasRemoteTier)
            {
                List<string> findings = TransitionFindings(P, m.Query, [.. m.TransitionMask.Select(b => OpenCollective(Load(b), 1))], out ulong[] r);
                Assert.True(findings.Count == 0, string.Join("\n", findings));
                Masks[(m.Query, Split + 1)] = r;
            }
        }
        foreach (TierShape tier in P.Tiers)
        {
            Party garbler = Party.Server(tier.Tier, 0);
            foreach (MaskAggregate m in Received<MaskAggregate>(garbler))
            {
                Dictionary<int, byte[][]> runs = FormSlots.Runs(m.Ciphertexts, tier.Blocks, P.InputCiphertexts, $"q{m.Query} tier {tier.Tier}'s mask aggregate");
                foreach (int i in tier.Blocks)
                {
                    ulong[] r = Unpack(i, runs[i].Select(b => OpenCollective(Load(b), tier.Tier)), $"q{m.Query} tier {tier.Tier}'s Enc(r_{i})");
                    if (i >= Split + 2)
                        Masks[(m.Query, i)] = r;
                    else // A re-packs the user's transition mask for block l+1's form: the same r_{l+1}
                        Assert.Equal(Masks[(m.Query, i)], r);
                }
            }
            // Every server of a tier receives the same aggregate.
            foreach (Party server in ServersOf(tier.Tier))
                Assert.Equal(Queries, Received<MaskAggregate>(server).Count());
        }
        foreach (TierShape tier in P.Tiers)
        {
            foreach (Party server in ServersOf(tier.Tier))
            {
                foreach (MaskShares m in Received<MaskShares>(Party.Gateway, server))
                {
                    // Blocks a_t + 1 .. min(b_t + 1, L), each under the key of the tier holding it.
                    int[] blocks = [.. Enumerable.Range(tier.FirstBlock + 1, Math.Min(tier.LastBlock + 1, L) - tier.FirstBlock)];
                    Dictionary<int, byte[][]> runs = FormSlots.Runs(m.Ciphertexts, blocks, P.InputCiphertexts, $"q{m.Query} {server}'s mask shares");
                    foreach (int b in blocks)
                        MaskShares[(m.Query, b, server)] = Unpack(b, runs[b].Select(ct => OpenCollective(Load(ct), P.TierOf(b).Tier)), $"q{m.Query} {server}'s Enc(r^j_{b})");
                }
                RemoteShare share = ShareOf(server);
                foreach (LinearShares m in Received<LinearShares>(Party.Gateway, server))
                {
                    Dictionary<int, byte[][]> runs = FormSlots.Runs(m.Ciphertexts, tier.Blocks, P.OutputCiphertexts, $"q{m.Query} {server}'s linear shares");
                    foreach (int i in tier.Blocks)
                        ServerMasks[(m.Query, i, server)] = ZpVector.Subtract(Slots(i, share.Weights(i), Masks[(m.Query, i)]), FormSlots.Concat(runs[i].Select(b => OpenCollective(Load(b), tier.Tier))));
                }
            }
        }
        for (int q = 0; q < Queries; q++)
        {
            for (int i = Split + 2; i <= L; i++)
            {
                ulong[] rest = Masks[(q, i)];
                foreach (Party server in MaskOwners(i).Where(o => o.IsServer))
                    rest = ZpVector.Subtract(rest, MaskShares[(q, i, server)]);
                MaskShares[(q, i, Party.Gateway)] = rest; // A's r¹_i: encrypted by A, never sent alone
            }
        }
        Assert.Equal(Queries * L, Masks.Count);
        Assert.Equal(Queries * Coalition.AllServers(P).Sum(s => P.Tier(s.Tier).BlockCount), ServerMasks.Count);
        // The dealer's shares of each block sum to its weights in the block's form (the weight audits rely on it).
        foreach (TierShape tier in P.Tiers)
        {
            foreach (int i in tier.Blocks)
            {
                Assert.Equal(Weights[i], ServersOf(tier.Tier).Select(s => ShareOf(s).Weights(i)).Aggregate((a, b) => ZpVector.Add(a, b)));
                Assert.Equal(Biases[i], ServersOf(tier.Tier).Select(s => ShareOf(s).Bias(i)).Aggregate((a, b) => ZpVector.Add(a, b)));
            }
        }
    }

    // ---- the auditors' caches: one run is audited by many tests (parties, coalitions), and decryption attempts and
    // recomputed products are the costly part; the results depend only on the ciphertext and the key shares ----

    /// <summary>Whether a key set opens a ciphertext, by (ciphertext digest, key set).</summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<(string Ciphertext, string Keys), bool> Openings { get; } = new();

    /// <summary>F^j·ct(r) as recomputed from A's aggregate, by (server, query, block): the block's run of output ciphertexts.</summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<(Party Server, int Query, int Block), Ciphertext[]> Recomputations { get; } = new();

    /// <summary>Each tier's collective rotation keys, from its CollectiveKeys.</summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<int, GaloisKeys> Rotations { get; } = new();
}

/// <summary>The plaintext reference of one query: x_i (input of block i), z_i = F_i x_i + b_i (pre-activation), logits.</summary>
internal sealed class QueryTruth
{
    public QueryTruth(FixedPointModel model, SecoParameters p, ulong[] input)
    {
        FixedPointResult reference = FixedPointReference.Forward(model, input.Select(PrimeField.ToSigned).ToArray());
        Logits = reference.Logits.Select(PrimeField.FromSigned).ToArray();
        X[1] = input;
        for (int i = 1; i <= p.BlockCount; i++)
        {
            BlockMatrix m = BlockMatrix.Build(model.Blocks[i - 1]);
            BlockShape b = p.Block(i);
            Z[i] = ZpVector.MultiplyAdd(Array.ConvertAll(m.Weights, PrimeField.FromSigned), b.Rows, b.Columns, X[i], Array.ConvertAll(m.Bias, PrimeField.FromSigned));
            if (i < p.BlockCount)
                X[i + 1] = reference.BlockOutputs[i - 1].Select(PrimeField.FromSigned).ToArray();
        }
    }

    public Dictionary<int, ulong[]> X { get; } = [];

    public Dictionary<int, ulong[]> Z { get; } = [];

    /// <summary>The logits as residues (what the user decrypts).</summary>
    public ulong[] Logits { get; }

    /// <summary>Every secret vector of the query by name, for run scans.</summary>
    public IEnumerable<(string Name, ulong[] Values)> Secrets(Dictionary<(int, int), ulong[]> masks, int query, int blocks)
    {
        foreach ((int i, ulong[] x) in X) yield return ($"x_{i}", x);
        foreach ((int i, ulong[] z) in Z) yield return ($"z_{i} (pre-activation)", z);
        for (int i = 1; i <= blocks; i++) yield return ($"r_{i}", masks[(query, i)]);
    }
}
