using Seco.Garbling.Circuits;
using Seco.Garbling.Crypto;
using Seco.Garbling.Garbling;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;

namespace Seco.Protocol.Roles;

/// <summary>
/// The evaluating side of one tier's garbled ReLU circuits (paper Alg. 10, §III-B-4): it keeps the garbler's layers as
/// they are pulled one at a time (<see cref="CircuitRequest"/>; tables past a memory budget spill to a scratch file,
/// <see cref="GarbledTableStore"/>), takes the other owners' input labels — each checked to be the sender's own group
/// and of its width before it is kept, so a party may input only its own group (issue 18's review) — and evaluates a
/// block once every group is set, giving x_{i+1} − r_{i+1}. In SECO the tier's evaluator hosts it
/// (<see cref="EvaluatorRole"/>); in the DELPHI-3 baseline gateway A does (paper App. C, §VIII-C-1). The host owns its
/// own inputs, the order of the offline messages and the readiness rule.
/// </summary>
internal sealed class CircuitEvaluation
{
    private readonly SecoParameters _p;
    private readonly TierShape _tier;
    private readonly GarbledTableStore _tables;
    private readonly Dictionary<int, int> _layersIn = [];
    private readonly Dictionary<int, Offline> _offline = [];
    private readonly Dictionary<(int Query, int Block), Dictionary<Party, byte[]>> _online = [];

    public CircuitEvaluation(SecoParameters p, TierShape tier, long tableMemory)
    {
        _p = p;
        _tier = tier;
        _tables = new GarbledTableStore(tableMemory);
        ReluBlocks = [.. tier.Blocks.Where(i => i < p.BlockCount)];
    }

    /// <summary>The tier's ReLU blocks in order: every block of its segment but the model's last.</summary>
    public int[] ReluBlocks { get; }

    /// <summary>Block <paramref name="block"/>'s public circuit (the tier's width of share owners).</summary>
    public Circuit CircuitOf(int block)
    {
        BlockShape b = _p.Block(block);
        return ReluLayers.Remote(b.Shift, b.Rows, _tier.Servers);
    }

    /// <summary>Every layer of the query is stored (true at once for a tier without a ReLU block).</summary>
    public bool HasAllLayers(int query) => _layersIn.GetValueOrDefault(query) == ReluBlocks.Length;

    /// <summary>
    /// Keeps the one layer of <paramref name="m"/>, which must be the next in block order (the one the host asked for)
    /// and carry the garbler's own next-mask labels only (paper Alg. 16); returns the block to ask for next, or null
    /// once every layer is in.
    /// </summary>
    public int? AddLayer(Party from, GarbledCircuits m, string host)
    {
        int next = _layersIn.GetValueOrDefault(m.Query);
        if (m.Layers.Length != 1 || next >= ReluBlocks.Length || m.Layers[0].Block != ReluBlocks[next])
            throw new ProtocolViolationException($"garbled circuits for blocks [{string.Join(", ", m.Layers.Select(l => l.Block))}] of query {m.Query}; " +
                                                 $"the {host} asked for {(next < ReluBlocks.Length ? $"block {ReluBlocks[next]}" : "none")}");
        GarbledLayer layer = m.Layers[0];
        if (layer.GarblerLabels.Length != 1)
            throw new ProtocolViolationException($"block {layer.Block}: {layer.GarblerLabels.Length} groups of the garbler's own labels, expected 1 (its next-mask share)");
        Checked(layer.GarblerLabels[0], layer.Block, ReluLayers.MaskGroup(0), from, "next-mask labels");
        _tables.Add(m.Query, layer);
        _layersIn[m.Query] = next + 1;
        return next + 1 < ReluBlocks.Length ? ReluBlocks[next + 1] : null;
    }

    /// <summary>Keeps the labels <paramref name="from"/> gives offline for group <paramref name="group"/> of block <paramref name="block"/>, checked.</summary>
    public void AddOffline(int query, Party from, int block, string group, byte[] bytes, string what)
    {
        Checked(bytes, block, group, from, what);
        Offline state = OfflineOf(query);
        (state.ByBlock.TryGetValue(block, out var list) ? list : state.ByBlock[block] = []).Add(bytes);
        state.Given[from] = state.Given.GetValueOrDefault(from) + 1;
    }

    /// <summary>How many label groups <paramref name="from"/> has given offline for the query.</summary>
    public int GivenOffline(int query, Party from) => _offline.TryGetValue(query, out Offline? state) ? state.Given.GetValueOrDefault(from) : 0;

    /// <summary>
    /// Keeps the labels <paramref name="from"/> gives online for its share group <paramref name="group"/> of block
    /// <paramref name="block"/> (the garbler's own, or forwarded from an OT), checked, once per sender and block.
    /// </summary>
    public void AddOnline(int query, Party from, int block, string group, byte[] bytes)
    {
        if (!ReluBlocks.Contains(block))
            throw new ProtocolViolationException($"no online step for block {block} of query {query}");
        Checked(bytes, block, group, from, "share labels");
        if (!_online.TryGetValue((query, block), out var step))
            _online[(query, block)] = step = [];
        if (!step.TryAdd(from, bytes))
            throw new ProtocolViolationException($"{from}'s labels for block {block} of query {query} arrived twice");
    }

    /// <summary>How many parties have given their online labels of the block.</summary>
    public int GivenOnline(int query, int block) => _online.TryGetValue((query, block), out var step) ? step.Count : 0;

    /// <summary>
    /// Evaluates block <paramref name="block"/> once, with every label kept for it and the host's own groups
    /// (<paramref name="own"/>, straight from its OT), and drops its tables: x_{i+1} − r_{i+1}.
    /// </summary>
    public ulong[] Evaluate(int query, int block, params (string Group, ReadOnlyMemory<Block> Labels)[] own)
    {
        Circuit circuit = CircuitOf(block);
        GarbledLayer layer = _tables.Layer(query, block);
        IEnumerable<byte[]> offline = _offline.TryGetValue(query, out Offline? state) && state.ByBlock.TryGetValue(block, out var list) ? list : [];
        IEnumerable<byte[]> online = _online.Remove((query, block), out var step) ? step.Values : [];
        ulong[] next = ReluLayers.Evaluate(circuit, _p.Block(block).Rows, [.. offline, .. layer.GarblerLabels, .. online],
            own.Select(o => (ReluLayers.Group(circuit, o.Group), o.Labels)), layer, _tables.Chunks(query, block));
        _tables.Remove(query, block); // evaluated once: its tables go
        state?.ByBlock.Remove(block);
        return next;
    }

    /// <summary>Drops every layer and label of the query (it ended, or was aborted).</summary>
    public void Forget(int query)
    {
        _tables.Forget(query);
        _layersIn.Remove(query);
        _offline.Remove(query);
        foreach (var key in _online.Keys.Where(k => k.Query == query).ToList()) _online.Remove(key);
    }

    /// <summary>
    /// Labels another party gives for one input group of block <paramref name="block"/>'s circuit, checked to be that
    /// group's and of its width before they are kept: a party may input only its own group (issue 18's review).
    /// </summary>
    public byte[] Checked(byte[] bytes, int block, string group, Party from, string what)
    {
        Circuit circuit = CircuitOf(block);
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

    private Offline OfflineOf(int query)
    {
        if (!_offline.TryGetValue(query, out Offline? state))
            _offline[query] = state = new Offline();
        return state;
    }

    /// <summary>A query's offline labels: per ReLU block, the groups the other owners gave; per owner, how many groups.</summary>
    private sealed class Offline
    {
        public Dictionary<int, List<byte[]>> ByBlock { get; } = [];

        public Dictionary<Party, int> Given { get; } = [];
    }
}
