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
    private readonly CircuitEvaluation _circuits;

    /// <param name="self">The evaluator of some tier (default: tier 1's, C).</param>
    /// <param name="tableMemory">Bytes of garbled tables kept in memory before they spill to a scratch file (<see cref="GarbledTableStore"/>).</param>
    public EvaluatorRole(SecoParameters parameters, RemoteShare share, Party? self = null, long tableMemory = GarbledTableStore.DefaultMemoryBudget)
        : base(parameters, share, self ?? Party.Evaluator)
    {
        if (Self.Duty != ServerDuty.Evaluator || parameters.DutyOf(Self) != ServerDuty.Evaluator)
            throw new ArgumentException($"{Self} is not an evaluator{(parameters.Protocol == FbcProtocol.Delphi3 ? " (in the DELPHI-3 baseline A evaluates; C provides)" : "")}", nameof(self));
        _circuits = new CircuitEvaluation(parameters, Tier, tableMemory);
    }

    /// <summary>The tier's providers (servers 2..k−1), who forward their labels here.</summary>
    private IEnumerable<Party> Providers => TierPeers.Where(p => p.Duty == ServerDuty.Provider);

    protected override void PrepareDuty(RemoteQuery q, Outbox outbox)
    {
        Offline state = State(q.Query);
        // Pull the tier's garbled layers one at a time (CircuitRequest): the first now, each next once the last is stored.
        if (_circuits.ReluBlocks.Length > 0)
            outbox.Send(Garbler, new CircuitRequest(q.Query, _circuits.ReluBlocks[0]));
        state.MaskChoices = RequestMaskLabels(q, outbox);
        if (state.MaskChoices == 0)
        {
            state.MaskLabels = [];
            TryReady(q.Query, outbox);
        }
    }

    protected override void Forget(int query)
    {
        // An aborted query may leave an OT batch with the garbler out (mask labels offline, or a share batch online).
        ForgetOt(query); // the garbler skips the burned OT indices
        _offline.Remove(query);
        ForgetMaskFetch(query);
        _circuits.Forget(query);
        foreach (var key in _online.Keys.Where(k => k.Query == query).ToList()) _online.Remove(key);
    }

    protected override void HandleInputs(Party from, SecoMessage message, Outbox outbox)
    {
        switch (message)
        {
            case GarbledCircuits m:
                {
                    Expect(from, message, Garbler);
                    Existing(m.Query);
                    if (!Queries[m.Query].Started)
                        throw new ProtocolViolationException($"garbled circuits for query {m.Query} before A began it");
                    if (_circuits.AddLayer(from, m, "evaluator") is int next)
                        outbox.Send(Garbler, new CircuitRequest(m.Query, next));
                    else
                        TryReady(m.Query, outbox);
                    break;
                }
            case ProviderLabels m:
                {
                    Expect(from, message, [Party.Gateway, .. Providers]);
                    Offline providerFor = State(from.IsGateway ? Existing(m.Query).Query : Ensure(m.Query).Query);
                    int[] blocks = _circuits.ReluBlocks;
                    if (from.IsGateway)
                    {
                        // A provides two groups per ReLU block (E¹ and its next-mask share), one message per block in
                        // block order as its OT batches complete (issue 20).
                        // Without a ReLU block in the segment, one empty message (block 0) after A decrypted (issue 20's review).
                        if (blocks.Length == 0)
                        {
                            if (m.Labels.Length != 0 || m.Block != 0 || providerFor.GatewayDone)
                                throw new ProtocolViolationException($"{m.Labels.Length} label groups of block {m.Block} from {from} for query {m.Query}; " +
                                                                     "this tier has no ReLU block, so A sends one empty message");
                            providerFor.GatewayDone = true;
                            TryReady(m.Query, outbox);
                            break;
                        }
                        int next = _circuits.GivenOffline(m.Query, from) / 2;
                        if (m.Labels.Length != 2 || next >= blocks.Length || m.Block != blocks[next])
                            throw new ProtocolViolationException($"{m.Labels.Length} label groups of block {m.Block} from {from} for query {m.Query} " +
                                                                 (next < blocks.Length ? $"where the two of block {blocks[next]} were expected" : "after every block's"));
                        _circuits.AddOffline(m.Query, from, blocks[next], "E1", m.Labels[0], "E¹ labels");
                        _circuits.AddOffline(m.Query, from, blocks[next], "neg_r1", m.Labels[1], "next-mask labels");
                        providerFor.GatewayDone = next + 1 == blocks.Length;
                    }
                    else
                    {
                        // A provider server: its next-mask share's group for every ReLU block, at once (block 0).
                        if (m.Block != 0)
                            throw new ProtocolViolationException($"{from}'s labels for query {m.Query} name block {m.Block}; a provider's cover every block and are numbered 0");
                        if (m.Labels.Length != blocks.Length)
                            throw new ProtocolViolationException($"expected {blocks.Length} label groups from {from}, got {m.Labels.Length}");
                        if (!providerFor.Providers.Add(from))
                            throw new ProtocolViolationException($"{from}'s labels for query {m.Query} arrived twice");
                        for (int k = 0; k < blocks.Length; k++)
                            _circuits.AddOffline(m.Query, from, blocks[k], ReluLayers.MaskGroup(from.Index), m.Labels[k], "next-mask labels");
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
                    if (!step.Requested)
                        throw new ProtocolViolationException($"an OT response for block {m.Block} of query {m.Query} before the evaluator asked for it");
                    step.ShareLabels = ReceiveLabels(m.Query, m.Payload, step.Choices, outbox);
                    TryEvaluate(m.Query, m.Block, outbox);
                    break;
                }
            case GarblerInput m:
                Expect(from, message, Garbler);
                Step(m.Query, m.Block);
                _circuits.AddOnline(m.Query, from, m.Block, ReluLayers.ShareGroup(0), m.Labels);
                TryEvaluate(m.Query, m.Block, outbox);
                break;
            case ProviderInput m:
                Expect(from, message, [.. Providers]);
                Step(m.Query, m.Block);
                _circuits.AddOnline(m.Query, from, m.Block, ReluLayers.ShareGroup(from.Index), m.Labels);
                TryEvaluate(m.Query, m.Block, outbox);
                break;
            default:
                throw new ProtocolViolationException($"the evaluator does not expect {message.GetType().Name} from {from}");
        }
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
        if (!Queries.ContainsKey(query) || !_circuits.ReluBlocks.Contains(block))
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
        bool labelsDone = state.GatewayDone && Providers.All(state.Providers.Contains);
        if (state.Announced || !_circuits.HasAllLayers(query) || state.MaskLabels is null || !labelsDone) return;
        state.Announced = true;
        outbox.Send(Party.Gateway, new EvaluatorReady(query));
    }

    private void TryEvaluate(int query, int block, Outbox outbox)
    {
        Online step = Step(query, block);
        Offline state = State(query);
        if (!step.Requested || step.ShareLabels is null || _circuits.GivenOnline(query, block) < Tier.Servers - 1) return;
        if (!state.Announced)
            throw new ProtocolViolationException($"query {query} went online before the evaluator was prepared");
        _online.Remove((query, block));

        // The evaluator's mask labels are concatenated over the blocks in order; blocks differ in width.
        string mask = ReluLayers.MaskGroup(1);
        int maskWidth = _circuits.CircuitOf(block).Input(mask).Width;
        int maskAt = _circuits.ReluBlocks.TakeWhile(i => i < block).Sum(i => _circuits.CircuitOf(i).Input(mask).Width);
        ulong[] next = _circuits.Evaluate(query, block,
            (ReluLayers.ShareGroup(1), step.ShareLabels), (mask, state.MaskLabels!.AsMemory(maskAt, maskWidth)));
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

    /// <summary>This evaluator's offline state of a query besides what <see cref="CircuitEvaluation"/> keeps.</summary>
    private sealed class Offline
    {
        /// <summary>A's labels of every ReLU block are in (or its one empty message, for a tier without one).</summary>
        public bool GatewayDone { get; set; }

        /// <summary>The provider servers whose next-mask labels are in.</summary>
        public HashSet<Party> Providers { get; } = [];

        public Block[]? MaskLabels { get; set; }

        public int MaskChoices { get; set; }

        public bool Announced { get; set; }
    }

    /// <summary>This evaluator's own part of a block's online step: its share's OT.</summary>
    private sealed class Online
    {
        public int Choices { get; set; }

        /// <summary>This evaluator has computed its own share and requested its labels.</summary>
        public bool Requested { get; set; }

        public Block[]? ShareLabels { get; set; }
    }
}
