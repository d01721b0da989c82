using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Lattice.Parameters;
using Seco.Nn.Layers;
using Seco.Protocol.Model.Linear;

namespace Seco.Protocol.Model;

/// <summary>
/// One block of the model as the protocol sees it: the linear map F_i (rows × columns, conv/pool/dense composed) and,
/// unless it is the last block, a ReLU whose circuit truncates by 2^<see cref="Shift"/> (decision D7). The map is
/// computed on ciphertexts in the planner's form (LinearPlanner, issue 20): the diagonal mat-vec of the composed
/// matrix, or — when <see cref="Conv"/> is set — the channel-packed convolution of that shape.
/// </summary>
public sealed record BlockShape(int Index, int Rows, int Columns, bool HasRelu, int Shift)
{
    /// <summary>The convolution the block is computed as (null: the matrix form).</summary>
    public ConvShape? Conv { get; init; }

    /// <summary>The block whose input x_j the block's residual shortcut adds (0: a plain block).</summary>
    public int ShortcutSource { get; init; }

    /// <summary>The shortcut's subsample stride for the convolution form (1: identity gather); see <see cref="Shortcuts"/>.</summary>
    public int ShortcutStride { get; init; } = 1;

    /// <summary>The block's input activation as C×H×W (a vector of <see cref="Columns"/> unless set).</summary>
    public Shape Input { get; init; } = Shape.Vector(Columns);

    /// <summary>The block's form on ciphertexts at ring degree <paramref name="n"/> (dense support: the protocol's view).</summary>
    /// <exception cref="ArgumentException">The form does not fit n (a matrix side past n/2, a plane past a batching row) or the shapes disagree.</exception>
    public HeForm CreateForm(int n)
    {
        if (Input.Size != Columns)
            throw new ArgumentException($"block {Index}: its input {Input} is not {Columns} values");
        if (Conv is null)
            return new MatrixForm(Rows, Columns, null, n);
        // The layout validates the shape (positive sides and strides, padding, at most 2^24 values) before anything is
        // sized by it: a party file's stride 0 or overflowing sides are refused here, not as DivideByZero/Overflow below.
        ConvolutionForm form;
        try
        {
            form = new ConvolutionForm(Conv, null, n);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException($"block {Index}: {e.Message.Split(" (Parameter")[0]}", e);
        }
        if (Conv.InputSize != Columns || Conv.OutputSize != Rows || Conv.InChannels != Input.Channels || Conv.Height != Input.Height || Conv.Width != Input.Width)
            throw new ArgumentException($"block {Index}: the convolution {Conv} does not map its {Input} input to {Rows} outputs");
        return form;
    }
}

/// <summary>
/// What the servers share publicly: the HE parameters, every block's shape, the split point l and the hierarchy
/// (paper §III-A: F_A = blocks 1..l on A in plaintext, F_BC = blocks l+1..L as shares on the remote servers; with
/// several tiers, each holds a consecutive segment, docs/hierarchy.md). The user gets only <see cref="UserView"/>.
/// </summary>
public sealed class SecoParameters
{
    private readonly Dictionary<int, HeForm> _forms = [];
    private readonly Dictionary<int, HeForm> _shortcuts = [];

    /// <param name="queryBudget">Queries per key set (null: the most the smudging can cover, <see cref="NoiseBudget"/>).</param>
    /// <param name="tiers">The remote tiers in order (null: one tier of two servers, B and C, holding all of F_BC).</param>
    /// <param name="protocol">Who evaluates F_BC's circuits: SECO's tier evaluator, or A in the DELPHI-3 baseline (one tier of two servers only).</param>
    public SecoParameters(BfvContext context, IReadOnlyList<BlockShape> blocks, int split, int? queryBudget = null, IReadOnlyList<TierSpec>? tiers = null,
        FbcProtocol protocol = FbcProtocol.Seco)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(blocks);
        if (blocks.Count == 0)
            throw new ArgumentException("a model has at least one block", nameof(blocks));
        if (split < 0 || split > blocks.Count)
            throw new ArgumentOutOfRangeException(nameof(split), $"split point l = {split} is outside 0..{blocks.Count} (L = {blocks.Count} blocks)");
        if (context.PlainModulus.Value != Nn.Field.PrimeField.P)
            throw new ArgumentException($"the HE plaintext modulus must be the share field p = {Nn.Field.PrimeField.P}", nameof(context));
        for (int i = 0; i < blocks.Count; i++)
        {
            BlockShape b = blocks[i];
            if (b.Index != i + 1)
                throw new ArgumentException($"block {i + 1} is numbered {b.Index}", nameof(blocks));
            if (b.HasRelu != (i < blocks.Count - 1))
                throw new ArgumentException($"block {b.Index}: every block but the last must end in a ReLU (the protocol's layer i is linear + ReLU, the last is linear only)", nameof(blocks));
            if (i > 0 && blocks[i - 1].Rows != b.Columns)
                throw new ArgumentException($"block {b.Index} takes {b.Columns} inputs but block {i} gives {blocks[i - 1].Rows}", nameof(blocks));
            _forms[b.Index] = b.CreateForm(context.N); // throws if a block's form does not fit n
            if (b.ShortcutSource != 0)
            {
                if (b.ShortcutSource < 1 || b.ShortcutSource >= b.Index || b.ShortcutStride is < 1 or > 64)
                    throw new ArgumentException($"block {b.Index}'s shortcut reads block {b.ShortcutSource}'s input with stride {b.ShortcutStride}; a shortcut reads an earlier block's input", nameof(blocks));
                _shortcuts[b.Index] = Shortcuts.Form(b, blocks[b.ShortcutSource - 1].Input, context.N)!;
            }
        }
        CheckShortcutReach(blocks, split);
        if (split < blocks.Count && _forms[split + 1] is ConvolutionForm c && (!c.HasCanonicalInput || blocks[split].Input.IsVector))
            throw new ArgumentException($"block {split + 1} takes the transition, but its convolution ({c.Shape}) packs its input with planes wider than the image; the user packs the canonical C×H×W planes (use the matrix form there)", nameof(blocks));
        Context = context;
        Blocks = blocks;
        Split = split;
        Tiers = Lay(tiers, split, blocks.Count);
        if (!Enum.IsDefined(protocol))
            throw new ArgumentOutOfRangeException(nameof(protocol), $"no F_BC protocol {protocol}");
        // DELPHI-3 is the paper's naive extension for its four-party setting (App. C): one tier, B and C. l = L leaves no
        // F_BC, and the run is DELPHI between the user and A under either protocol.
        if (protocol == FbcProtocol.Delphi3 && Tiers.Count > 0 && (Tiers.Count != 1 || Tiers[0].Servers != 2))
            throw new ArgumentException($"the DELPHI-3 baseline runs one remote tier of two servers (B garbles, A evaluates, C provides), not {Tiers.Count} tier(s) of {string.Join(", ", Tiers.Select(t => t.Servers))} servers", nameof(tiers));
        Protocol = protocol;
        _galois = Tiers.Select(t => t.Blocks.SelectMany(i => Form(i).GaloisElements().Concat(ShortcutForm(i)?.GaloisElements() ?? []))
                .Concat(t.Tier == 1 && TransitionIsMatrix ? [GaloisTool.ElementFromStep(TransitionRotation, context.N)] : [])
                .Concat(t.Tier == 1 ? _shortcuts.Keys.Where(i => i > split && blocks[i - 1].ShortcutSource <= split + 1 && _shortcuts[i] is MatrixForm)
                    .Select(i => GaloisTool.ElementFromStep(ShortcutRotation(i), context.N)) : [])
                .Distinct().Order().ToArray())
            .ToArray();
        foreach ((int i, _) in _shortcuts.Where(e => e.Key > split))
        {
            if (Block(i).ShortcutSource <= split + 1)
            {
                if (TierOf(i).Tier != 1)
                    throw new ArgumentException($"block {i} (tier {TierOf(i).Tier}) reads the user's mask of x_{Block(i).ShortcutSource} across the split; only tier 1 holds the key it is sent under", nameof(blocks));
                continue;
            }
            int owner = TierOf(Block(i).ShortcutSource - 1).Tier, holder = TierOf(i).Tier;
            if (holder != owner && holder != owner + 1)
                throw new ArgumentException($"block {i} (tier {holder}) reads a shortcut whose mask tier {owner} shares; the owners hold only their own tier's key and the next", nameof(blocks));
        }
        Budget = new NoiseBudget(this, queryBudget);
    }

    private readonly uint[][] _galois;

    /// <summary>Who evaluates F_BC's garbled circuits: SECO's tier evaluator, or A (the DELPHI-3 baseline).</summary>
    public FbcProtocol Protocol { get; }

    /// <summary>
    /// The party that evaluates tier <paramref name="tier"/>'s garbled circuits: its server 1 in SECO (paper Alg. 10),
    /// gateway A in the DELPHI-3 baseline (paper App. C). Circuits, the garbler's labels and every forwarded label go to it.
    /// </summary>
    public Roles.Party CircuitEvaluator(int tier) => Protocol == FbcProtocol.Delphi3 && HasRemoteTier ? Roles.Party.Gateway : Roles.Party.Server(tier, 1);

    /// <summary>
    /// A remote server's duty in its tier's circuits under <see cref="Protocol"/>: <see cref="Roles.Party.Duty"/> in SECO;
    /// in DELPHI-3 server 1 (C) only provides inputs, as a SECO provider does, since A evaluates. At l = L (no F_BC) the
    /// two protocols coincide and SECO's duties stand (the idle B and C a deployment may still host).
    /// </summary>
    public Roles.ServerDuty DutyOf(Roles.Party server) =>
        Protocol == FbcProtocol.Delphi3 && HasRemoteTier && server.Duty == Roles.ServerDuty.Evaluator ? Roles.ServerDuty.Provider : server.Duty;

    /// <summary>The remote tiers in order (none when l = L).</summary>
    public IReadOnlyList<TierShape> Tiers { get; }

    /// <summary>Every remote server, tier by tier in position order (none when l = L).</summary>
    public IEnumerable<Roles.Party> Servers => Tiers.SelectMany(t => t.ServerPositions);

    /// <summary>Remote tier <paramref name="tier"/> (1-based).</summary>
    public TierShape Tier(int tier) => Tiers[tier - 1];

    /// <summary>The tier holding F_BC block <paramref name="block"/>.</summary>
    public TierShape TierOf(int block) => Tiers.First(t => t.Contains(block));

    /// <summary>The last remote tier: its servers send the output shares.</summary>
    public int Depth => Tiers.Count;

    private static TierShape[] Lay(IReadOnlyList<TierSpec>? tiers, int split, int blockCount)
    {
        if (split == blockCount)
            return tiers is null || tiers.Count == 0 ? [] : throw new ArgumentException("l = L leaves no block for a remote tier", nameof(tiers));
        tiers ??= [new TierSpec(2, blockCount - split)];
        if (tiers.Count is 0 or > Roles.Party.MaxTiers)
            throw new ArgumentException($"a hierarchy has 1..{Roles.Party.MaxTiers} remote tiers, not {tiers.Count}", nameof(tiers));
        var result = new TierShape[tiers.Count];
        int first = split + 1;
        for (int t = 0; t < tiers.Count; t++)
        {
            TierSpec spec = tiers[t];
            if (spec.Servers < 2 || spec.Servers > Roles.Party.MaxServersPerTier)
                throw new ArgumentException($"tier {t + 1} has {spec.Servers} servers; a tier needs a garbler and an evaluator and has at most {Roles.Party.MaxServersPerTier}", nameof(tiers));
            if (spec.Blocks < 1)
                throw new ArgumentException($"tier {t + 1} holds {spec.Blocks} blocks; every tier holds at least one", nameof(tiers));
            result[t] = new TierShape(t + 1, spec.Servers, first, first + spec.Blocks - 1);
            first += spec.Blocks;
        }
        if (first != blockCount + 1)
            throw new ArgumentException($"the tiers hold {first - split - 1} blocks, but F_BC has {blockCount - split} (blocks {split + 1}..{blockCount})", nameof(tiers));
        return result;
    }

    /// <summary>
    /// How <paramref name="servers"/> tiers of the given widths share F_BC's <paramref name="blocks"/> blocks when the
    /// scenario does not say: as evenly as possible, the earlier tiers taking one more where it does not divide.
    /// </summary>
    public static TierSpec[] EvenTiers(IReadOnlyList<int> servers, int blocks)
    {
        ArgumentNullException.ThrowIfNull(servers);
        if (servers.Count > blocks)
            throw new ArgumentException($"{servers.Count} tiers need at least {servers.Count} F_BC blocks, the split leaves {blocks}");
        return [.. servers.Select((k, t) => new TierSpec(k, (blocks / servers.Count) + (t < blocks % servers.Count ? 1 : 0)))];
    }

    /// <summary>The smudging widths and the query budget of one key set (docs/noise.md).</summary>
    public NoiseBudget Budget { get; }

    public BfvContext Context { get; }

    public IReadOnlyList<BlockShape> Blocks { get; }

    /// <summary>l: blocks on the gateway.</summary>
    public int Split { get; }

    /// <summary>L.</summary>
    public int BlockCount => Blocks.Count;

    public bool HasRemoteTier => Split < BlockCount;

    public BlockShape Block(int index) => Blocks[index - 1];

    /// <summary>Block <paramref name="index"/>'s linear map on ciphertexts: its packing, product and noise.</summary>
    public HeForm Form(int index) => _forms[index];

    /// <summary>Block <paramref name="index"/>'s residual shortcut on ciphertexts (null for a plain block): S·g(x_j) into the main product's output slots.</summary>
    public HeForm? ShortcutForm(int index) => _shortcuts.GetValueOrDefault(index);

    /// <summary>The residual blocks of F_BC whose shortcut mask g(r_j) the owners of r_j in tier <paramref name="tier"/> share (j ≥ l+2: r_j = r¹ + Σ r^s, shared by A and the tier holding block j − 1).</summary>
    public IEnumerable<int> ShortcutsSharedBy(int tier) =>
        _shortcuts.Keys.Where(i => i > Split && Block(i).ShortcutSource >= Split + 2 && TierOf(Block(i).ShortcutSource - 1).Tier == tier).Order();

    /// <summary>Whether F_BC block <paramref name="block"/>'s shortcut reads a mask of the user's (x_l or x_{l+1}: across the split).</summary>
    public bool ShortcutCrossesSplit(int block) => block > Split && _shortcuts.ContainsKey(block) && Block(block).ShortcutSource <= Split + 1;

    /// <summary>h of a matrix shortcut's layout across the split: A rotates the row-1 half of the user's mask by it (as for the transition).</summary>
    public int ShortcutRotation(int block) => _shortcuts[block] is MatrixForm m ? Math.Max(1, m.Layout.Half)
        : throw new InvalidOperationException($"block {block}'s shortcut is a convolution: nothing is rotated");

    /// <summary>The residual blocks of tier <paramref name="tier"/>'s segment, in order (their shortcut masks follow the inputs in MaskAggregate).</summary>
    public IEnumerable<int> ShortcutsOf(int tier) => Tier(tier).Blocks.Where(_shortcuts.ContainsKey);

    /// <summary>Ciphertexts of block <paramref name="index"/>'s encrypted shortcut input g(r_j) (0 for a plain block).</summary>
    public int ShortcutCiphertexts(int index) => _shortcuts.GetValueOrDefault(index)?.InputCiphertexts ?? 0;

    /// <summary>
    /// Where the protocol can carry a shortcut (issue 20, this stage): inside F_A (the user masks both inputs), or inside
    /// F_BC with a source j ≥ l+2, whose mask r_j is shared by A and the servers of the tier holding block j − 1 — they
    /// encrypt g(r_j) under the key of the tier holding block i, which they hold when it is their own tier or the next.
    /// A shortcut across the split (i > l ≥ j − 1) would need the user's mask in the shortcut's packing; it is refused.
    /// (The tier reach is checked once the tiers are laid, in the constructor.)
    /// </summary>
    private static void CheckShortcutReach(IReadOnlyList<BlockShape> blocks, int split)
    {
        foreach (BlockShape b in blocks.Where(b => b.ShortcutSource != 0 && b.Index > split))
        {
            // The user sends its masks r_l and r_{l+1} in every packing (TransitionPacking): a shortcut may read those.
            if (b.ShortcutSource < split)
                throw new ArgumentException($"block {b.Index}'s shortcut reads block {b.ShortcutSource}'s input, more than one block before the split l = {split}; a shortcut across the split may read x_l or x_{{l+1}} only", nameof(blocks));
            if (b.ShortcutSource <= split + 1 && b.Conv is not null && b.ShortcutStride > 2)
                throw new ArgumentException($"block {b.Index}'s shortcut subsamples x_{b.ShortcutSource} with stride {b.ShortcutStride} across the split; the user sends its masks subsampled by 2 only", nameof(blocks));
        }
    }
    public int InputCiphertexts(int index) => _forms[index].InputCiphertexts;

    /// <summary>Ciphertexts of block <paramref name="index"/>'s encrypted product (F r − s).</summary>
    public int OutputCiphertexts(int index) => _forms[index].OutputCiphertexts;

    /// <summary>Whether block l+1 takes the transition in the matrix form (the user's two halves, one rotated by A).</summary>
    public bool TransitionIsMatrix => HasRemoteTier && _forms[Split + 1] is MatrixForm;

    /// <summary>The Galois elements of tier 1's collective rotation keys: its Lin-OPs' plus the transition re-packing rotation.</summary>
    public IReadOnlyList<uint> GaloisElements => _galois.Length == 0 ? [] : _galois[0];

    /// <summary>The Galois elements of tier <paramref name="tier"/>'s collective rotation keys (its own blocks' Lin-OPs; tier 1 also the transition's).</summary>
    public IReadOnlyList<uint> GaloisElementsOf(int tier) => _galois[tier - 1];

    /// <summary>h of block l+1's mat-vec layout: A rotates the user's row-1 half of the transition mask by this (see <see cref="Crypto.TransitionPacking"/>).</summary>
    public int TransitionRotation => _forms[Split + 1] is MatrixForm m ? Math.Max(1, m.Layout.Half)
        : throw new InvalidOperationException($"block {Split + 1} takes the transition in the convolution form: nothing is rotated");

    /// <summary>What the user may know (paper §V-A, Table I): F_A's shapes, the input, transition and output sizes.</summary>
    public UserView ForUser() => new(
        Context,
        Blocks.Take(Split).ToArray(),
        Blocks[0].Columns,
        HasRemoteTier ? Blocks[Split].Columns : 0,
        Blocks[^1].Rows)
    {
        TransitionShape = HasRemoteTier ? Blocks[Split].Input : Shape.Vector(0),
        Residual = _shortcuts.Count > 0,
    };
}

/// <summary>The user's knowledge of the model: F_A's architecture and the sizes it must handle, nothing of F_BC.</summary>
public sealed record UserView(BfvContext Context, IReadOnlyList<BlockShape> GatewayBlocks, int InputSize, int TransitionSize, int OutputSize)
{
    /// <summary>The transition activation as C×H×W — F_A's output shape, which the user knows — for its channel-planar packing.</summary>
    public Shape TransitionShape { get; init; } = Shape.Vector(TransitionSize);

    /// <summary>
    /// Whether the model has residual shortcuts anywhere: then the user also sends the masks a shortcut across the split
    /// could read, in every packing (<see cref="Crypto.TransitionPacking"/>) — one public bit about the model, never
    /// where F_BC's shortcuts are (docs/protocol-decisions.md, D23).
    /// </summary>
    public bool Residual { get; init; }

    /// <summary>The input shape of F_A's last block (x_l), whose mask a shortcut across the split may read; null when l = 0.</summary>
    public Shape? LastGatewayInput => GatewayBlocks.Count == 0 ? null : GatewayBlocks[^1].Input;

    public int Split => GatewayBlocks.Count;

    public bool HasRemoteTier => TransitionSize > 0;
}
