using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Seco.Garbling.Circuits;
using Seco.Garbling.Crypto;

namespace Seco.Garbling.Garbling;

/// <summary>
/// Evaluates a garbled circuit (half-gates, free-XOR, point-and-permute; see <see cref="Garbler"/>): takes one label
/// per input wire and the table chunks in order, and yields one label per output wire, which
/// <see cref="OutputDecoding"/> turns into bits. A pure object; chunks may arrive one at a time, and the evaluator
/// keeps only the tables of the few AND gates it could not evaluate yet.
/// </summary>
/// <remarks>
/// Per AND gate with held labels A, B: W = H(A, j) ⊕ lsb(A)·T_G ⊕ H(B, j′) ⊕ lsb(B)·(T_E ⊕ A) (ZRE15 Fig. 2), two
/// hashes per gate; four independent gates share one 8-lane AES pass.
/// </remarks>
public sealed class Evaluator
{
    private const int GroupSize = 4;

    private readonly Circuit _circuit;
    private readonly GarblingOptions _options;
    private GateSchedule _schedule;
    private int _segment = -1;
    private ulong _segmentFirstId;
    private Block[] _labels;
    private Block[]? _outputs;
    private Block[]? _outputLabels;
    private Block[]?[] _inputs;
    private readonly bool[] _inputSet;
    private readonly bool _hardware;
    private Block[] _tables = [];
    private int _tableStart;
    private int _position;
    private int _nextSequence;
    private long _andGatesReceived;

    /// <summary>
    /// Computes (and caches on <paramref name="circuit"/>) the schedule an evaluator of it follows, so that the first
    /// evaluation does not pay for it (a protocol builds its circuits at setup, issue 19).
    /// </summary>
    public static void Prepare(Circuit circuit)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        foreach (Circuit segment in circuit.DistinctSegments) segment.Schedule(GroupSize);
    }

    /// <summary>Prepares to evaluate a garbling of <paramref name="circuit"/>.</summary>
    /// <exception cref="PlatformNotSupportedException">The processor has no AES-NI (see <see cref="Aes128.EnsureConstantTime"/>).</exception>
    public Evaluator(Circuit circuit, GarblingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        Aes128.EnsureConstantTime();
        _circuit = circuit;
        _options = options ?? GarblingOptions.Default;
        _options.Validate();
        _hardware = Aes128.HardwareAvailable && !_options.SoftwareAes;
        _schedule = circuit.Segment(0).Schedule(GroupSize);
        // Rented (issue 19), as in the garbler; returned once the output labels are read. One segment's wires of a
        // tiled circuit (issue 20). Every wire is written before it is read, so stale contents never matter.
        _labels = ArrayPool<Block>.Shared.Rent(circuit.SegmentWireCount + 1);
        _inputSet = new bool[circuit.Inputs.Count];
        _inputs = new Block[]?[circuit.Inputs.Count];
    }

    /// <summary>The circuit being evaluated.</summary>
    public Circuit Circuit => _circuit;

    /// <summary>True once every gate has been evaluated.</summary>
    public bool IsComplete => _outputs is not null
        || (_segment == _circuit.SegmentCount - 1 && _position == _schedule.Order.Length && _inputSet.All(s => s));

    /// <summary>True when this evaluator hashes on AES-NI (tests check the portable path really ran).</summary>
    internal bool IsHardwareAccelerated => _hardware;

    /// <summary>Sets the labels of input group <paramref name="group"/> (one per wire, bit 0 first).</summary>
    public void SetInput(int group, ReadOnlySpan<Block> labels)
    {
        if ((uint)group >= (uint)_inputSet.Length)
            throw new ArgumentOutOfRangeException(nameof(group), $"input group {group} does not exist (the circuit has {_inputSet.Length})");
        int width = _circuit.Inputs[group].Width;
        if (labels.Length != width)
            throw new ArgumentException($"input '{_circuit.Inputs[group].Name}' has {width} wires, {labels.Length} labels were given", nameof(labels));
        if (_inputSet[group]) throw new InvalidOperationException($"the labels of input '{_circuit.Inputs[group].Name}' are already set");
        _inputs[group] = labels.ToArray(); // loaded into the wire labels a segment at a time (LoadSegment)
        _inputSet[group] = true;
    }

    /// <summary>Sets the labels of the input group named <paramref name="name"/>.</summary>
    public void SetInput(string name, ReadOnlySpan<Block> labels)
    {
        for (int g = 0; g < _circuit.Inputs.Count; g++)
            if (_circuit.Inputs[g].Name == name) { SetInput(g, labels); return; }
        throw new KeyNotFoundException($"the circuit has no input named '{name}'");
    }

    /// <summary>Consumes one chunk in its wire form, evaluating straight from its bytes (issue 19: parsing it into a
    /// <see cref="GarbledChunk"/> first copied every table); only tables it cannot use yet are kept.</summary>
    /// <exception cref="FormatException">As <see cref="GarbledChunk.Read"/>, or the chunk is out of sequence or
    /// carries more AND gates than the circuit has left.</exception>
    public void Consume(ReadOnlySpan<byte> chunk)
    {
        (int sequence, int count) = GarbledChunk.ReadHeader(chunk);
        Accept(sequence, count);
        Feed(Block.FromBytes(chunk[GarbledChunk.HeaderSize..]));
    }

    /// <summary>Consumes the next chunk and evaluates as far as its tables reach.</summary>
    /// <exception cref="FormatException">The chunk is out of sequence or carries more AND gates than the circuit
    /// has left.</exception>
    public void Consume(GarbledChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        Accept(chunk.Sequence, chunk.AndCount);
        Feed(chunk.Tables);
    }

    private void Accept(int sequence, int andCount)
    {
        RequireInputs();
        if (sequence != _nextSequence)
            throw new FormatException($"garbled chunk {sequence} arrived where chunk {_nextSequence} was expected");
        long total = _circuit.Statistics.AndCount;
        if (_andGatesReceived + andCount > total)
            throw new FormatException($"garbled chunk {sequence} carries {andCount} AND gates but only {total - _andGatesReceived} of the circuit's {total} remain");
        _nextSequence++;
        _andGatesReceived += andCount;
    }

    /// <summary>Evaluates over the held-back tables and then <paramref name="incoming"/>, keeping what is left.</summary>
    private void Feed(ReadOnlySpan<Block> incoming)
    {
        int leftover = _tables.Length - _tableStart;
        if (leftover == 0)
        {
            int used = Run(incoming, 0);
            _tables = incoming[used..].ToArray(); // usually empty: chunks end where the garbler's AND groups end
        }
        else
        {
            var merged = new Block[leftover + incoming.Length];
            _tables.AsSpan(_tableStart).CopyTo(merged);
            incoming.CopyTo(merged.AsSpan(leftover));
            _tables = merged;
            _tableStart = Run(merged, 0);
            return;
        }
        _tableStart = 0;
    }

    /// <summary>The output labels, in output-group order; requires every input and every chunk.</summary>
    public Block[] OutputLabels()
    {
        if (_outputs is not null) return (Block[])_outputs.Clone();
        RequireInputs();
        _tableStart = Run(_tables, _tableStart);
        if (_segment != _circuit.SegmentCount - 1 || _position != _schedule.Order.Length)
            throw new InvalidOperationException($"evaluation is incomplete: {_circuit.Statistics.AndCount - _andGatesReceived} AND gates' tables have not arrived");
        StoreOutputs();
        var result = _outputLabels!;
        // Every gate is evaluated: the wire labels are no longer needed, and the array goes back to the pool.
        _outputs = result;
        ArrayPool<Block>.Shared.Return(_labels, clearArray: true); // wire labels are secrets: never left in the pool
        _labels = [];
        _inputs = [];
        _tables = [];
        _tableStart = 0;
        return (Block[])result.Clone();
    }

    /// <summary>Makes segment <paramref name="k"/> current: its schedule, gate ids, constant slot and input labels.</summary>
    private void LoadSegment(int k)
    {
        Circuit segment = _circuit.Segment(k);
        _segment = k;
        _schedule = segment.Schedule(GroupSize);
        _segmentFirstId = _options.FirstGateId + (ulong)_circuit.SegmentAndOffset(k); // the written-out circuit's AND ordinals
        _position = 0;
        _labels[_schedule.ConstantSlot] = default; // INV passes its label through: A ⊕ 0 (GateSchedule.FreeB)
        // Cut to the segment's wires: a group's wire list is the caller's, validated once by Circuit; an index changed
        // since must not reach the constant slot or the rest of the rented array (the exact-size array threw).
        var labels = _labels.AsSpan(0, segment.WireCount);
        for (int g = 0; g < segment.Inputs.Count; g++)
        {
            var wires = segment.Inputs[g].Wires;
            ReadOnlySpan<Block> slice = _inputs[g].AsSpan(_circuit.SegmentInputOffset(k, g), wires.Count);
            for (int b = 0; b < wires.Count; b++) labels[wires[b]] = slice[b];
        }
    }

    /// <summary>Keeps the current segment's output labels at their places in the circuit's output groups.</summary>
    private void StoreOutputs()
    {
        _outputLabels ??= new Block[_circuit.OutputWidth];
        _circuit.GatherSegmentOutputs<Block>(_segment, _labels.AsSpan(0, _circuit.Segment(_segment).WireCount), _outputLabels);
    }

    private void RequireInputs()
    {
        for (int g = 0; g < _inputSet.Length; g++)
            if (!_inputSet[g]) throw new InvalidOperationException($"the labels of input '{_circuit.Inputs[g].Name}' have not been set");
    }

    /// <summary>Evaluates from the current position with <paramref name="tables"/>[<paramref name="ti"/>..]; returns where
    /// the next unused table row is.</summary>
    private int Run(ReadOnlySpan<Block> tables, int ti)
    {
        if (_segment < 0) LoadSegment(0); // every input is set (Accept, OutputLabels)
        var order = _schedule.Order;
        var groups = _schedule.GroupLength;
        var ordinal = _schedule.AndOrdinal;
        var gates = _circuit.Segment(_segment).GateArray;
        var freeB = _schedule.FreeB;
        ref Block w = ref MemoryMarshal.GetArrayDataReference(_labels);
        int pos = _position;
        ref Vector128<byte> rk = ref MemoryMarshal.GetReference(TweakableHash.Permutation.RoundKeys);
        ulong first = _segmentFirstId;
        while (true)
        {
            if (pos == order.Length)
            {
                // The end of a segment: its outputs are kept and the next one continues the stream (issue 20).
                if (_segment == _circuit.SegmentCount - 1) break;
                StoreOutputs();
                LoadSegment(_segment + 1);
                (order, groups, ordinal, freeB, pos) = (_schedule.Order, _schedule.GroupLength, _schedule.AndOrdinal, _schedule.FreeB, 0);
                gates = _circuit.Segment(_segment).GateArray;
                first = _segmentFirstId;
                continue;
            }
            int len = groups[pos];
            if (len == 0)
            {
                // XOR: A ⊕ B. INV is free for the evaluator: the garbler swapped the label meanings, so the label passes
                // through (A ⊕ 0, the constant slot; no branch on the gate kind).
                var g = gates[order[pos]];
                Unsafe.Add(ref w, g.Out) = Unsafe.Add(ref w, g.A) ^ Unsafe.Add(ref w, freeB[pos]);
                pos++;
                continue;
            }
            if (tables.Length - ti < 2 * len) break;
            if (_hardware)
            {
                ref Block table = ref Unsafe.AsRef(in tables[ti]);
                int i0 = order[pos];
                ulong id0 = first + (ulong)ordinal[i0];
                if (len == 1) HalfGatesKernels.Evaluate1(ref w, gates[i0], id0, ref rk, ref table);
                else
                {
                    int i1 = order[pos + 1];
                    ulong id1 = first + (ulong)ordinal[i1];
                    if (len == 2) HalfGatesKernels.Evaluate2(ref w, gates[i0], id0, gates[i1], id1, ref rk, ref table);
                    else if (len == 4)
                    {
                        int i2 = order[pos + 2], i3 = order[pos + 3];
                        HalfGatesKernels.Evaluate4(ref w, gates[i0], id0, gates[i1], id1, gates[i2], first + (ulong)ordinal[i2],
                            gates[i3], first + (ulong)ordinal[i3], ref rk, ref table);
                    }
                    else
                    {
                        HalfGatesKernels.Evaluate2(ref w, gates[i0], id0, gates[i1], id1, ref rk, ref table);
                        int i2 = order[pos + 2];
                        HalfGatesKernels.Evaluate1(ref w, gates[i2], first + (ulong)ordinal[i2], ref rk, ref Unsafe.Add(ref table, 4));
                    }
                }
            }
            else
            {
                var pi = TweakableHash.SoftwarePermutation;
                for (int k = 0; k < len; k++)
                {
                    var g = gates[order[pos + k]];
                    ulong id = first + (ulong)ordinal[order[pos + k]];
                    Combine(ref w, g, TweakableHash.Hash(pi, Unsafe.Add(ref w, g.A), 2 * id), TweakableHash.Hash(pi, Unsafe.Add(ref w, g.B), 2 * id + 1),
                        tables[ti + 2 * k], tables[ti + 2 * k + 1]);
                }
            }
            ti += 2 * len;
            pos += len;
        }
        _position = pos;
        return ti;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Combine(ref Block w, Gate g, Block ha, Block hb, Block tg, Block te)
    {
        Block a = Unsafe.Add(ref w, g.A), b = Unsafe.Add(ref w, g.B);
        Unsafe.Add(ref w, g.Out) = ha ^ (Garbler.Mask(a) & tg) ^ hb ^ (Garbler.Mask(b) & (te ^ a));
    }
}
