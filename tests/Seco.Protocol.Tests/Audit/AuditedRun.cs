using Seco.Lattice.Bfv;
using Seco.Lattice.Multiparty;
using Seco.Lattice.Serialization;
using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests.Audit;

/// <summary>
/// One real protocol run (every message through its codec) watched by an omniscient auditor: it holds every party's
/// real key (the roles' own key objects), the model, the dealer's weight shares and the transcript. From these it
/// reconstructs (by decryption) every hidden per-query value — the masks r_i and their shares r², r³, each server's
/// full output mask — and the plaintext reference's activations, so that each party's view can be attacked with the
/// ground truth at hand (<see cref="ViewAuditor"/>).
/// </summary>
internal sealed class AuditedRun
{
    public AuditedRun(FixedPointModel model, int split, ulong[][] inputs)
    {
        Model = model;
        Inputs = inputs;
        Deployment = ModelSplit.Create(model, split, EndToEndTests.Context.Value);
        P = Deployment.Parameters;
        User = new UserRole(P.ForUser(), inputs);
        Gateway = new GatewayRole(P, Deployment.Gateway);
        // l = L leaves no remote tier: B and C take no part (DELPHI between the user and A), so they are not hosted.
        Garbler = P.HasRemoteTier ? new GarblerRole(P, Deployment.Garbler) : null!;
        Evaluator = P.HasRemoteTier ? new EvaluatorRole(P, Deployment.Evaluator) : null!;
        Loop = P.HasRemoteTier ? new ProtocolLoopback(User, Gateway, Garbler, Evaluator) : new ProtocolLoopback(User, Gateway); // the roles are kept: the audit needs their keys
        Loop.Run();

        // The run is the real thing: every query finished, bit-exact against the plaintext reference.
        var predictions = Loop.Events.OfType<PredictionReady>().ToList();
        Assert.Equal(Enumerable.Range(0, inputs.Length), predictions.Select(p => p.Query));
        Truth = inputs.Select(x => new QueryTruth(model, P, x)).ToArray();
        foreach (PredictionReady p in predictions)
            Assert.Equal(Truth[p.Query].Logits, p.Logits);

        Matrices = Enumerable.Range(1, P.BlockCount).ToDictionary(i => i, i => Residues(BlockMatrix.Build(model.Blocks[i - 1]).Weights));
        ReconstructMasks();
    }

    public FixedPointModel Model { get; }

    public ulong[][] Inputs { get; }

    public ModelSplit Deployment { get; }

    public SecoParameters P { get; }

    public UserRole User { get; }

    public GatewayRole Gateway { get; }

    public GarblerRole Garbler { get; }

    public EvaluatorRole Evaluator { get; }

    public ProtocolLoopback Loop { get; }

    public int N => P.Context.N;

    public int Split => P.Split;

    public int L => P.BlockCount;

    public int Queries => Inputs.Length;

    /// <summary>The plaintext reference per query.</summary>
    public QueryTruth[] Truth { get; }

    /// <summary>F_i as residues (row-major), the whole block matrix.</summary>
    public Dictionary<int, ulong[]> Matrices { get; }

    /// <summary>r_i per (query, block): the mask on x_i (the user's for i ≤ l+1, r¹ + r² + r³ after).</summary>
    public Dictionary<(int Query, int Block), ulong[]> Masks { get; } = [];

    /// <summary>The mask shares r_i^j of B (j = 2) and C (j = 3) for i ≥ l+2.</summary>
    public Dictionary<(int Query, int Block, Party Server), ulong[]> MaskShares { get; } = [];

    /// <summary>
    /// Each server's whole output mask S_i^j over all n slots (s^j on the outputs, its pad elsewhere), as it follows
    /// from its LinearShares: S^j = F^j·r (slot model) − Dec(LinearShares^j).
    /// </summary>
    public Dictionary<(int Query, int Block, Party Server), ulong[]> ServerMasks { get; } = [];

    public IEnumerable<(Party From, SecoMessage Message)> ReceivedBy(Party party) =>
        Loop.Delivered.Where(d => d.To == party).Select(d => (d.From, d.Message));

    public IEnumerable<T> Received<T>(Party to, Party? from = null) where T : SecoMessage =>
        Loop.Delivered.Where(d => d.To == to && (from is null || d.From == from) && d.Message is T).Select(d => (T)d.Message);

    public Ciphertext Load(byte[] bytes) => BfvSerializer.LoadCiphertextOrSeeded(P.Context, bytes);

    /// <summary>The omniscient opening of a ciphertext under cpk: a collective decryption with all three key shares.</summary>
    public ulong[] OpenCollective(Ciphertext ct) => Open(ct, [Gateway.SecretKey, Garbler.SecretKey, Evaluator.SecretKey]);

    /// <summary>A collective decryption with exactly the given key shares (fails unless they sum to the key).</summary>
    public ulong[] Open(Ciphertext ct, SecretKey[] shares)
    {
        var decryption = new CollectiveDecryption(P.Context, shares.Length, 1);
        PolyShare aggregate = shares.Select(s => decryption.GenShare(s, ct)).Aggregate(CollectiveDecryption.Aggregate);
        return new BatchEncoder(P.Context).Decode(decryption.Finalize(ct, aggregate));
    }

    public ulong[] OpenUser(Ciphertext ct) => new BatchEncoder(P.Context).Decode(new Decryptor(P.Context, User.SecretKey).Decrypt(ct));

    /// <summary>P(F, x): the n unmasked slots a packed product of <paramref name="matrix"/> and x leaves (<see cref="SlotModel"/>).</summary>
    public ulong[] Slots(int block, ulong[] matrix, ulong[] x)
    {
        BlockShape b = P.Block(block);
        return SlotModel.Slots(matrix, b.Rows, b.Columns, x, N);
    }

    private void ReconstructMasks()
    {
        foreach (UserPreprocessing m in Received<UserPreprocessing>(Party.Gateway))
        {
            for (int i = 1; i <= Split; i++)
                Masks[(m.Query, i)] = OpenUser(Load(m.MaskCiphertexts[i - 1]))[..P.Block(i).Columns];
            if (P.HasRemoteTier)
                Masks[(m.Query, Split + 1)] = OpenCollective(Load(m.TransitionMask[0]))[..P.Block(Split + 1).Columns];
        }
        foreach (MaskAggregate m in Received<MaskAggregate>(Party.Garbler))
            for (int i = Split + 2; i <= L; i++)
                Masks[(m.Query, i)] = OpenCollective(Load(m.Ciphertexts[i - Split - 1]))[..P.Block(i).Columns];
        foreach (Party server in new[] { Party.Garbler, Party.Evaluator })
        {
            foreach (MaskShares m in Received<MaskShares>(Party.Gateway, server))
                for (int i = Split + 2; i <= L; i++)
                    MaskShares[(m.Query, i, server)] = OpenCollective(Load(m.Ciphertexts[i - Split - 2]))[..P.Block(i).Columns];
            RemoteShare share = server == Party.Garbler ? Deployment.Garbler : Deployment.Evaluator;
            foreach (LinearShares m in Received<LinearShares>(Party.Gateway, server))
                for (int i = Split + 1; i <= L; i++)
                    ServerMasks[(m.Query, i, server)] = ZpVector.Subtract(Slots(i, share.Weights(i), Masks[(m.Query, i)]), OpenCollective(Load(m.Ciphertexts[i - Split - 1])));
        }
        Assert.Equal(Queries * L, Masks.Count);
    }

    private static ulong[] Residues(long[] values) => Array.ConvertAll(values, PrimeField.FromSigned);
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
