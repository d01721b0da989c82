using Seco.Garbling.Circuits;
using Seco.Garbling.Crypto;
using Seco.Garbling.Garbling;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;

namespace Seco.Protocol.Roles;

/// <summary>
/// The evaluator of a remote tier (server 1; C in paper §III-B-4, Alg. 10): offline it receives the garbler's circuits,
/// A's labels, every provider's next-mask labels, and (by OT from the garbler) the labels of its own next-mask share;
/// online, per ReLU block, it fetches the labels of its share by OT, takes the garbler's and providers' labels,
/// evaluates, and sends x_{i+1} − r_{i+1} on: to the tier's other servers inside the segment, to the next tier's
/// servers at the boundary (docs/hierarchy.md). Only the tier's servers are online for its segment.
/// </summary>
public sealed class EvaluatorRole : LabelReceiverRole
{
    private readonly Dictionary<int, Offline> _offline = [];
    private readonly Dictionary<(int Query, int Block), Online> _online = [];
    private readonly GarbledTableStore _tables;

    /// <param name="self">The evaluator of some tier (default: tier 1's, C).</param>
    /// <param name="tableMemory">Bytes of garbled tables kept in memory before they spill to a scratch file (<see cref="GarbledTableStore"/>).</param>
    public EvaluatorRole(SecoParameters parameters, RemoteShare share, Party? self = null, long tableMemory = GarbledTableStore.DefaultMemoryBudget)
        : base(parameters, share, self ?? Party.Evaluator)
    {
        _tables = new GarbledTableStore(tableMemory);
        if (Self.Duty != ServerDuty.Evaluator)
            throw new ArgumentException($"{Self} is not an evaluator", nameof(self));
    }

    /// <summary>The tier's providers (servers 2..k−1), who forward their labels here.</summary>
    private IEnumerable<Party> Providers => TierPeers.Where(p => p.Duty == ServerDuty.Provider);

    protected override void PrepareDuty(RemoteQuery q, Outbox outbox)
    {
        Offline state = State(q.Query);
        // Pull the tier's garbled layers one at a time (CircuitRequest): the first now, each next once the last is stored.
        if (ReluBlocks.FirstOrDefault() is int first and > 0)
            outbox.Send(Garbler, new CircuitRequest(q.Query, first));
        else
            state.CircuitsDone = true;
        state.MaskChoices = RequestMaskLabels(q, outbox);
        if (state.MaskChoices == 0)
        {
            state.MaskLabels = [];
            TryReady(q.Query, outbox);
        }
    }

    protected override void Forget(int query)
    {
        // An aborted query may leave an OT batch with the garbler pending (mask labels offline, or a share batch online).
        bool pending = (_offline.TryGetValue(query, out Offline? state) && state.MaskChoices > 0 && state.MaskLabels is null)
            || _online.Any(s => s.Key.Query == query && s.Value.ShareLabels is null);
        if (pending)
            CancelPendingOt(); // the garbler skips the burned OT indices
        _offline.Remove(query);
        ForgetMaskFetch(query);
        _tables.Forget(query);
        foreach (var key in _online.Keys.Where(k => k.Query == query).ToList()) _online.Remove(key);
    }

    protected override void HandleInputs(Party from, SecoMessage message, Outbox outbox)
    {
        switch (message)
        {
            case GarbledCircuits m:
                {
                    Expect(from, message, Garbler);
                    Offline circuitsFor = State(Existing(m.Query).Query);
                    int[] blocks = [.. ReluBlocks];
                    int next = blocks.Count(b => _tables.Contains(m.Query, b));
                    if (!Queries[m.Query].Started || m.Layers.Length != 1 || next >= blocks.Length || m.Layers[0].Block != blocks[next])
                        throw new ProtocolViolationException($"garbled circuits for blocks [{string.Join(", ", m.Layers.Select(l => l.Block))}] of query {m.Query}; " +
                                                             $"the evaluator asked for {(next < blocks.Length ? $"block {blocks[next]}" : "none")}");
                    GarbledLayer layer = m.Layers[0];
                    if (layer.GarblerLabels.Length != 1)
                        throw new ProtocolViolationException($"block {layer.Block}: {layer.GarblerLabels.Length} groups of the garbler's own labels, expected 1 (its next-mask share)");
                    Checked(layer.GarblerLabels[0], layer.Block, ReluLayers.MaskGroup(0), from, "next-mask labels");
                    _tables.Add(m.Query, layer);
                    if (next + 1 < blocks.Length)
                    {
                        outbox.Send(Garbler, new CircuitRequest(m.Query, blocks[next + 1]));
                        break;
                    }
                    circuitsFor.CircuitsDone = true;
                    TryReady(m.Query, outbox);
                    break;
                }
            case ProviderLabels m:
                {
                    Expect(from, message, [Party.Gateway, .. Providers]);
                    Offline providerFor = State(from.IsGateway ? Existing(m.Query).Query : Ensure(m.Query).Query);
                    int[] blocks = [.. ReluBlocks];
                    if (from.IsGateway)
                    {
                        // A provides two groups per ReLU block (E¹ and its next-mask share), one message per block in
                        // block order as its OT batches complete (issue 20).
                        // Without a ReLU block in the segment, one empty message (block 0) after A decrypted (issue 20's review).
                        if (blocks.Length == 0)
                        {
                            if (m.Labels.Length != 0 || m.Block != 0 || !providerFor.ProviderLabels.TryAdd(from, []))
                                throw new ProtocolViolationException($"{m.Labels.Length} label groups of block {m.Block} from {from} for query {m.Query}; " +
                                                                     "this tier has no ReLU block, so A sends one empty message");
                            TryReady(m.Query, outbox);
                            break;
                        }
                        List<byte[]> held = providerFor.ProviderLabels.TryGetValue(from, out var list) ? list : providerFor.ProviderLabels[from] = [];
                        int next = held.Count / 2;
                        if (m.Labels.Length != 2 || next >= blocks.Length || m.Block != blocks[next])
                            throw new ProtocolViolationException($"{m.Labels.Length} label groups of block {m.Block} from {from} for query {m.Query} " +
                                                                 (next < blocks.Length ? $"where the two of block {blocks[next]} were expected" : "after every block's"));
                        Checked(m.Labels[0], blocks[next], "E1", from, "E¹ labels");
                        Checked(m.Labels[1], blocks[next], "neg_r1", from, "next-mask labels");
                        held.AddRange(m.Labels);
                    }
                    else
                    {
                        // A provider server: its next-mask share's group for every ReLU block, at once (block 0).
                        if (m.Block != 0)
                            throw new ProtocolViolationException($"{from}'s labels for query {m.Query} name block {m.Block}; a provider's cover every block and are numbered 0");
                        if (m.Labels.Length != blocks.Length)
                            throw new ProtocolViolationException($"expected {blocks.Length} label groups from {from}, got {m.Labels.Length}");
                        for (int k = 0; k < blocks.Length; k++)
                            Checked(m.Labels[k], blocks[k], ReluLayers.MaskGroup(from.Index), from, "next-mask labels");
                        if (!providerFor.ProviderLabels.TryAdd(from, [.. m.Labels]))
                            throw new ProtocolViolationException($"{from}'s labels for query {m.Query} arrived twice");
                    }
                    TryReady(m.Query, outbox);
                    break;
                }
            case OtResponse { Purpose: OtPurpose.EvaluatorMasks } m:
                {
                    Expect(from, message, Garbler);
                    RemoteQuery q = Existing(m.Query);
                    Offline state = State(q.Query);
                    if (state.MaskChoices == 0 || state.MaskLabels is not null)
                        throw new ProtocolViolationException($"an OT response for the evaluator's mask labels of query {m.Query} that it did not request (or a second one)");
                    state.MaskLabels = ReceiveMaskLabels(q, m, outbox); // one block per batch: null until the last
                    TryReady(m.Query, outbox);
                    break;
                }
            case OtResponse { Purpose: OtPurpose.EvaluatorShare } m:
                {
                    Expect(from, message, Garbler);
                    Online step = Step(m.Query, m.Block);
                    if (step.ShareLabels is not null)
                        throw new ProtocolViolationException($"a second OT response for block {m.Block} of query {m.Query}");
                    step.ShareLabels = ReceiveLabels(m.Payload, step.Choices);
                    TryEvaluate(m.Query, m.Block, outbox);
                    break;
                }
            case GarblerInput m:
                Expect(from, message, Garbler);
                AddOnline(Step(m.Query, m.Block), from, m.Block, m.Query, Checked(m.Labels, m.Block, ReluLayers.ShareGroup(0), from, "share labels"));
                TryEvaluate(m.Query, m.Block, outbox);
                break;
            case ProviderInput m:
                Expect(from, message, [.. Providers]);
                AddOnline(Step(m.Query, m.Block), from, m.Block, m.Query, Checked(m.Labels, m.Block, ReluLayers.ShareGroup(from.Index), from, "share labels"));
                TryEvaluate(m.Query, m.Block, outbox);
                break;
            default:
                throw new ProtocolViolationException($"the evaluator does not expect {message.GetType().Name} from {from}");
        }
    }

    /// <summary>
    /// Labels another party gives for one input group of block <paramref name="block"/>'s circuit, checked to be that
    /// group's and of its width before they are kept: a party may input only its own group (issue 18's review).
    /// </summary>
    private byte[] Checked(byte[] bytes, int block, string group, Party from, string what)
    {
        BlockShape b = P.Block(block);
        Circuit circuit = ReluLayers.Remote(b.Shift, b.Rows, Tier.Servers);
        InputLabels labels;
        try
        {
            labels = InputLabels.Read(bytes);
        }
        catch (FormatException e)
        {
            throw new ProtocolViolationException($"{from}'s {what} for block {block}: {e.Message}");
        }
        int expected = ReluLayers.Group(circuit, group);
        if (labels.Group != expected || labels.Labels.Length != circuit.Inputs[expected].Width)
            throw new ProtocolViolationException(
                $"{from}'s {what} for block {block} are {labels.Labels.Length} labels of input group {labels.Group}; it inputs group {expected} ('{group}', {circuit.Inputs[expected].Width} labels)");
        return bytes;
    }

    private static void AddOnline(Online step, Party from, int block, int query, byte[] labels)
    {
        if (!step.InputLabels.TryAdd(from, labels))
            throw new ProtocolViolationException($"{from}'s labels for block {block} of query {query} arrived twice");
    }

    protected override void OnShare(RemoteQuery q, int block, ulong[] share, Outbox outbox)
    {
        Online step = StepOrNew(q.Query, block);
        step.Choices = RequestShareLabels(q, block, share, outbox);
        step.Requested = true;
    }

    private Offline State(int query)
    {
        if (!_offline.TryGetValue(query, out Offline? state))
            _offline[query] = state = new Offline();
        return state;
    }

    /// <summary>
    /// The online step of a block: created by this server's own share, or by a provider's labels that overtook it (a
    /// provider may be a step ahead on its link). Labels for a block this tier does not garble are refused.
    /// </summary>
    private Online Step(int query, int block)
    {
        if (!Queries.ContainsKey(query) || !ReluBlocks.Contains(block))
            throw new ProtocolViolationException($"no online step for block {block} of query {query}");
        return StepOrNew(query, block);
    }

    private Online StepOrNew(int query, int block)
    {
        if (!_online.TryGetValue((query, block), out Online? step))
            _online[(query, block)] = step = new Online();
        return step;
    }

    private void TryReady(int query, Outbox outbox)
    {
        Offline state = State(query);
        int blocks = ReluBlocks.Count();
        bool labelsDone = state.ProviderLabels.GetValueOrDefault(Party.Gateway)?.Count == 2 * blocks
                          && Providers.All(p => state.ProviderLabels.ContainsKey(p));
        if (state.Announced || !state.CircuitsDone || state.MaskLabels is null || !labelsDone) return;
        state.Announced = true;
        outbox.Send(Party.Gateway, new EvaluatorReady(query));
    }

    private void TryEvaluate(int query, int block, Outbox outbox)
    {
        Online step = Step(query, block);
        Offline state = State(query);
        if (!step.Requested || step.ShareLabels is null || step.InputLabels.Count < Tier.Servers - 1) return;
        if (!state.Announced)
            throw new ProtocolViolationException($"query {query} went online before the evaluator was prepared");
        _online.Remove((query, block));

        BlockShape b = P.Block(block);
        var circuit = ReluLayers.Remote(b.Shift, b.Rows, Tier.Servers);
        int k = ReluBlocks.TakeWhile(i => i < block).Count(); // position among the tier's ReLU blocks
        // The evaluator's mask labels are concatenated over the blocks in order; blocks differ in width.
        int maskWidth = circuit.Input(ReluLayers.MaskGroup(1)).Width;
        int maskAt = ReluBlocks.TakeWhile(i => i < block).Sum(i => ReluLayers.Remote(P.Block(i).Shift, P.Block(i).Rows, Tier.Servers).Input(ReluLayers.MaskGroup(1)).Width);
        ReadOnlyMemory<Block> maskLabels = state.MaskLabels!.AsMemory(maskAt, maskWidth);
        GarbledLayer layer = _tables.Layer(query, block);
        List<byte[]> gateway = state.ProviderLabels[Party.Gateway];
        ulong[] next = ReluLayers.Evaluate(circuit, b.Rows,
            [gateway[2 * k], gateway[(2 * k) + 1], .. layer.GarblerLabels, .. Providers.Select(p => state.ProviderLabels[p][k]), .. step.InputLabels.Values],
            [(ReluLayers.Group(circuit, ReluLayers.ShareGroup(1)), (ReadOnlyMemory<Block>)step.ShareLabels), (ReluLayers.Group(circuit, ReluLayers.MaskGroup(1)), maskLabels)],
            layer, _tables.Chunks(query, block));
        _tables.Remove(query, block); // evaluated once: its tables go
        RemoteQuery q = Queries[query];
        if (block == Tier.LastBlock)
        {
            // The tier boundary: x − r of the next tier's first block, masked by A's and this tier's shares of its mask —
            // after x_j − r_j of this segment's blocks that a residual block of the next tier reads (issue 20).
            TierShape nextTier = P.Tier(Tier.Tier + 1);
            int[] sources = [.. nextTier.Blocks.Select(i => P.Block(i).ShortcutSource).Where(j => Tier.Contains(j)).Distinct().Order()];
            foreach (int j in Enumerable.Range(0, nextTier.Servers))
            {
                foreach (int source in sources)
                    outbox.Send(Party.Server(Tier.Tier + 1, j), new MaskedActivation(query, source, q.Masked[source]));
                outbox.Send(Party.Server(Tier.Tier + 1, j), new MaskedActivation(query, block + 1, next));
            }
            Finish(query);
            return;
        }
        foreach (Party peer in TierPeers) outbox.Send(peer, new MaskedActivation(query, block + 1, next)); // x_{i+1} − r_{i+1}
        q.Seen.Add(block + 1);
        Advance(q, block + 1, next, outbox);
    }

    private sealed class Offline
    {
        /// <summary>Every ReLU layer of the tier is stored (the evaluator pulled them one by one).</summary>
        public bool CircuitsDone { get; set; }

        /// <summary>A's label groups (two per ReLU block, arriving a block at a time) and each provider server's (one per ReLU block).</summary>
        public Dictionary<Party, List<byte[]>> ProviderLabels { get; } = [];

        public Block[]? MaskLabels { get; set; }

        public int MaskChoices { get; set; }

        public bool Announced { get; set; }
    }

    private sealed class Online
    {
        public int Choices { get; set; }

        /// <summary>This evaluator has computed its own share and requested its labels.</summary>
        public bool Requested { get; set; }

        public Block[]? ShareLabels { get; set; }

        /// <summary>The garbler's labels of its share, and each provider's (forwarded from its OT).</summary>
        public Dictionary<Party, byte[]> InputLabels { get; } = [];
    }
}
