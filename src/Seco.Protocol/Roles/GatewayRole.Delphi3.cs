using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;

namespace Seco.Protocol.Roles;

/// <summary>
/// A as the circuit evaluator of the DELPHI-3 baseline (paper App. C, §VIII-C-1; docs/hierarchy.md, "DELPHI-3
/// baseline"): B garbles, A evaluates, C provides. Offline A pulls B's layers, keeps its own labels (E¹ and −r¹, by OT
/// from B as in SECO) and takes C's forwarded next-mask labels; online, per F_BC ReLU block, it takes B's labels of
/// E^B and C's forwarded labels of E^C, evaluates, and hands x_{i+1} − r_{i+1} to B and C. So A is online for every
/// F_BC ReLU block — the cost SECO removes by letting C evaluate (A's labels were fetched offline anyway).
/// </summary>
public sealed partial class GatewayRole
{
    /// <summary>B: the garbler of the one remote tier.</summary>
    private static Party CircuitGarbler => Party.Server(1, 0);

    /// <summary>C: server 1 of the tier, which only provides inputs in DELPHI-3.</summary>
    private static Party InputProvider => Party.Server(1, 1);

    /// <summary>DELPHI-3: the first of B's layers is asked for with the servers' PreparationBegin (one layer per message, issue 20).</summary>
    private void PullFirstCircuit(QueryState q, Outbox outbox)
    {
        if (_circuits is { ReluBlocks: [int first, ..] })
            outbox.Send(CircuitGarbler, new CircuitRequest(q.Query, first));
    }

    /// <summary>DELPHI-3: A holds every layer, its own labels of every block and C's next-mask labels.</summary>
    private bool CircuitsReady(QueryState q) =>
        _circuits!.HasAllLayers(q.Query) && q.ProviderMasksIn
        && q.ProviderBlocks.TryGetValue(1, out Queue<int>? left) && left.Count == 0 && q.ProviderChoices.GetValueOrDefault(1) == 0;

    /// <summary>The circuit messages A takes as DELPHI-3's evaluator, each from the one party the baseline routes it from.</summary>
    private void HandleCircuitInputs(Party from, QueryMessage message, Outbox outbox)
    {
        switch (message)
        {
            case GarbledCircuits m:
                {
                    ExpectFrom(from, message, CircuitGarbler, "B (tier 1's garbler)");
                    QueryState q = Query(m.Query);
                    if (_circuits!.AddLayer(from, m, "gateway") is int next)
                        outbox.Send(CircuitGarbler, new CircuitRequest(m.Query, next));
                    else
                        TryQueryReady(q, outbox);
                    break;
                }
            case ProviderLabels m:
                {
                    // C's next-mask share's group for every ReLU block at once (block 0), as a SECO provider forwards them.
                    ExpectFrom(from, message, InputProvider, "C (tier 1's server 1, the input provider)");
                    QueryState q = Query(m.Query);
                    int[] blocks = _circuits!.ReluBlocks;
                    if (q.ProviderMasksIn)
                        throw new ProtocolViolationException($"{from}'s labels for query {m.Query} arrived twice");
                    if (m.Block != 0)
                        throw new ProtocolViolationException($"{from}'s labels for query {m.Query} name block {m.Block}; C's cover every block and are numbered 0");
                    if (m.Labels.Length != blocks.Length)
                        throw new ProtocolViolationException($"expected {blocks.Length} label groups from {from}, got {m.Labels.Length}");
                    for (int k = 0; k < blocks.Length; k++)
                        _circuits.AddOffline(m.Query, from, blocks[k], ReluLayers.MaskGroup(from.Index), m.Labels[k], "next-mask labels");
                    q.ProviderMasksIn = true;
                    TryQueryReady(q, outbox);
                    break;
                }
            case GarblerInput m:
                ExpectFrom(from, message, CircuitGarbler, "B (tier 1's garbler)");
                OnShareLabels(Query(m.Query), from, m.Block, m.Labels, outbox);
                break;
            case ProviderInput m:
                ExpectFrom(from, message, InputProvider, "C (tier 1's server 1, the input provider)");
                OnShareLabels(Query(m.Query), from, m.Block, m.Labels, outbox);
                break;
        }
    }

    /// <summary>
    /// B's labels of E^B, or C's of E^C (obtained from B by OT), for the block whose input A handed out last; with
    /// both in, A evaluates (paper App. C) and hands x_{i+1} − r_{i+1} to B and C — the last ReLU block's output is
    /// x_L − r_L, from which B and C compute their output shares.
    /// </summary>
    private void OnShareLabels(QueryState q, Party from, int block, byte[] labels, Outbox outbox)
    {
        if (q.AwaitedFbcBlock == 0)
            throw new ProtocolViolationException($"{from}'s share labels for block {block} of query {q.Query} before A handed out F_BC's input");
        if (block > Split && block < q.AwaitedFbcBlock)
            throw new ProtocolViolationException($"{from}'s share labels for block {block} of query {q.Query} arrived after A evaluated that block (a second copy)");
        if (block != q.AwaitedFbcBlock)
            throw new ProtocolViolationException($"{from}'s share labels for block {block} of query {q.Query}; A evaluates block {q.AwaitedFbcBlock} now");
        if (!q.ReadySent)
            throw new ProtocolViolationException($"query {q.Query} went online before A was prepared");
        _circuits!.AddOnline(q.Query, from, block, ReluLayers.ShareGroup(from.Index), labels); // refuses block L: it has no circuit
        if (_circuits.GivenOnline(q.Query, block) < _p.Tier(1).Servers)
            return;
        ulong[] next = _circuits.Evaluate(q.Query, block); // A's own labels were kept offline: nothing of its own to add
        q.AwaitedFbcBlock = block + 1;
        var message = new MaskedActivation(q.Query, block + 1, next);
        foreach (Party server in TierServers(_p.Tier(1)))
            outbox.Send(server, message);
    }

    /// <summary>A DELPHI-3 circuit message from anyone but the one party it comes from is refused, naming that party by its role in the baseline.</summary>
    private static void ExpectFrom(Party from, SecoMessage message, Party allowed, string role)
    {
        if (from.IsUser)
            throw new ProtocolViolationException($"the gateway does not take {message.GetType().Name} from the user");
        if (from != allowed)
            throw new ProtocolViolationException($"{message.GetType().Name} must come from {role} in the DELPHI-3 baseline, not {from}");
    }
}
