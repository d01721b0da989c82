using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Seco.Garbling.Circuits;
using Seco.Garbling.Crypto;

namespace Seco.Garbling.Garbling;

/// <summary>
/// Garbles a circuit with free-XOR (Kolesnikov–Schneider 2008), point-and-permute and half-gates AND gates
/// (Zahur, Rosulek, Evans, "Two Halves Make a Whole", EUROCRYPT 2015, Fig. 2), hashing with the fixed-key TMMO hash
/// (<see cref="TweakableHash"/>). A pure object: it produces the table stream chunk by chunk
/// (<see cref="NextChunk"/>), the secret <see cref="InputEncoding"/> and, once done, the
/// <see cref="OutputDecoding"/>. One instance garbles one circuit once.
/// </summary>
/// <remarks>
/// Per AND gate with input 0-labels A, B, colours p_a = lsb(A), p_b = lsb(B) and tweaks j = 2·id, j′ = 2·id + 1:
/// T_G = H(A, j) ⊕ H(A⊕Δ, j) ⊕ p_b·Δ, W_G = H(A, j) ⊕ p_a·T_G (generator half-gate);
/// T_E = H(B, j′) ⊕ H(B⊕Δ, j′) ⊕ A, W_E = H(B, j′) ⊕ p_b·(T_E ⊕ A) (evaluator half-gate);
/// output 0-label W_G ⊕ W_E, table (T_G, T_E). XOR: A ⊕ B. INV: A ⊕ Δ (the 0-label of ¬a is a's 1-label).
/// Colour selections use masks, not branches.
/// </remarks>
public sealed class Garbler
{
    private const int GroupSize = 2; // 2 AND gates = 8 hash lanes per AES pass

    private readonly Circuit _circuit;
    private readonly GarblingOptions _options;
    private GateSchedule _schedule;
    private int _segment;
    private ulong _segmentFirstId;
    private Block[] _labels;
    private Block[]? _outputZeroLabels;
    private readonly Block _delta;
    private readonly bool _hardware;
    private int _position;
    private int _sequence;
    private bool _started;
    private OutputDecoding? _decoding;

    /// <summary>Prepares to garble <paramref name="circuit"/> with a fresh Δ and fresh input labels from
    /// <paramref name="random"/> (default: the OS CSPRNG; a seeded <see cref="Prg"/> is refused outside tests).</summary>
    /// <exception cref="PlatformNotSupportedException">The processor has no AES-NI (see <see cref="Aes128.EnsureConstantTime"/>).</exception>
    /// <exception cref="ArgumentException"><paramref name="random"/> is deterministic.</exception>
    public Garbler(Circuit circuit, BlockRandom? random = null, GarblingOptions? options = null)
        : this(circuit, null, random, options) { }

    /// <summary>As above with a given Δ (its point-and-permute bit must be set), e.g. the Δ of a correlated-OT
    /// extension whose outputs become the evaluator's input labels.</summary>
    public Garbler(Circuit circuit, Block? delta, BlockRandom? random = null, GarblingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        Aes128.EnsureConstantTime();
        random ??= BlockRandom.Os;
        BlockRandom.EnsureNonDeterministic(random, nameof(random));
        _circuit = circuit;
        _options = options ?? GarblingOptions.Default;
        _options.Validate();
        _delta = delta ?? random.Next().WithLsbSet();
        if (!_delta.Lsb) throw new ArgumentException("free-XOR needs Δ with its point-and-permute bit (lsb) set", nameof(delta));
        _hardware = Aes128.HardwareAvailable && !_options.SoftwareAes;
        _schedule = circuit.Segment(0).Schedule(GroupSize);
        // The wire-label array is rented when garbling starts (Start), not here: a party holds the input encodings of
        // every layer of a query from preparation on (OT senders need them), but garbles one layer at a time. The
        // 0-labels themselves are a seeded stream, derived when used (InputEncoding, issue 20).
        _labels = [];
        InputEncoding = new InputEncoding(circuit, _delta, random.Next());
    }

    /// <summary>
    /// Rents the wire-label array and loads the first segment's inputs, once, before the first gate. Rented, not
    /// allocated (issue 19): a fresh array per garbling went to the large-object heap and cost its page faults every
    /// query. A tiled circuit (<see cref="Circuit.Repeat"/>) needs one segment's wires only (issue 20). Every wire is
    /// written (by an input or its gate) before it is read, so stale contents never matter; the array goes back once
    /// the last gate is done.
    /// </summary>
    private void Start()
    {
        if (_started) return;
        _started = true;
        _labels = ArrayPool<Block>.Shared.Rent(_circuit.SegmentWireCount + 1);
        _outputZeroLabels = new Block[_circuit.OutputWidth];
        LoadSegment(0);
    }

    /// <summary>Makes segment <paramref name="k"/> current: its schedule, gate ids, constant slot and input 0-labels.</summary>
    private void LoadSegment(int k)
    {
        Circuit segment = _circuit.Segment(k);
        _segment = k;
        _schedule = segment.Schedule(GroupSize);
        _segmentFirstId = _options.FirstGateId + (ulong)_circuit.SegmentAndOffset(k); // the written-out circuit's AND ordinals
        _position = 0;
        _labels[_schedule.ConstantSlot] = _delta; // what INV gates XOR in (GateSchedule.FreeB)
        var labels = _labels.AsSpan(0, segment.WireCount); // never the constant slot or the pool's excess
        for (int g = 0; g < segment.Inputs.Count; g++)
        {
            var wires = segment.Inputs[g].Wires;
            Block[] slice = ArrayPool<Block>.Shared.Rent(wires.Count);
            InputEncoding.CopyZeroLabels(g, _circuit.SegmentInputOffset(k, g), slice.AsSpan(0, wires.Count));
            for (int b = 0; b < wires.Count; b++) labels[wires[b]] = slice[b];
            ArrayPool<Block>.Shared.Return(slice, clearArray: true); // labels are secrets
        }
    }

    /// <summary>Keeps the current segment's output 0-labels at their places in the circuit's output groups.</summary>
    private void StoreOutputs() =>
        _circuit.GatherSegmentOutputs<Block>(_segment, _labels.AsSpan(0, _circuit.Segment(_segment).WireCount), _outputZeroLabels);

    /// <summary>At the end of a segment: keeps its outputs and moves to the next; false after the last.</summary>
    private bool NextSegment()
    {
        StoreOutputs();
        if (_segment + 1 >= _circuit.SegmentCount) return false;
        LoadSegment(_segment + 1);
        return true;
    }

    /// <summary>The circuit being garbled.</summary>
    public Circuit Circuit => _circuit;

    /// <summary>The secret input encoding (Δ and every input wire's 0-label).</summary>
    public InputEncoding InputEncoding { get; }

    /// <summary>True once every gate is garbled.</summary>
    public bool IsComplete => _decoding is not null;

    /// <summary>The output decoding bits; available once <see cref="IsComplete"/>.</summary>
    public OutputDecoding OutputDecoding => _decoding
        ?? throw new InvalidOperationException("the output decoding exists only after the last chunk has been garbled");

    /// <summary>
    /// Replaces the 0-labels of input group <paramref name="group"/> (before garbling starts), e.g. with the sender
    /// outputs of a correlated OT under this garbler's Δ, so the OT itself delivers the evaluator's labels.
    /// </summary>
    public void AssignInputZeroLabels(int group, ReadOnlySpan<Block> zeroLabels)
    {
        if (_started) throw new InvalidOperationException("input labels are fixed once garbling has started");
        InputEncoding.Assign(group, zeroLabels); // Start copies it into the wire labels
    }

    /// <summary>The rented label array cut to the current segment's wires. Group wire lists are the caller's
    /// (<see cref="WireGroup.Wires"/>), validated once by <see cref="Circuit"/>; indexing through this span keeps an index
    /// changed since from reaching the constant slot (Δ) or the rest of the rented array, as the exact-size array did.</summary>
    private Span<Block> WireLabels => _labels.AsSpan(0, _circuit.Segment(_segment).WireCount);

    /// <summary>Garbles up to <see cref="GarblingOptions.ChunkAndGates"/> more AND gates (and the free gates around
    /// them); returns null when the circuit is finished.</summary>
    public GarbledChunk? NextChunk()
    {
        if (_decoding is not null) return null;
        Start();
        // The chunk's size is planned first, so its table array is allocated once at its exact size (issue 19: a
        // resize of every chunk doubled the garbler's allocation).
        int count = PlannedAndGates();
        var tables = GC.AllocateUninitializedArray<Block>(2 * count); // every row is written
        Garble(tables, count);
        return count == 0 ? null : new GarbledChunk(_sequence++, tables);
    }

    /// <summary>
    /// As <see cref="NextChunk"/>, but garbles straight into the chunk's wire form (<see cref="GarbledChunk.ToBytes"/>
    /// of the same chunk, byte for byte) without the intermediate table array and its copy; null when finished.
    /// </summary>
    public byte[]? NextChunkBytes() => NextChunkBytes(null);

    /// <summary>
    /// As <see cref="NextChunkBytes()"/>, with the chunk's array from <paramref name="allocate"/> (given the exact length;
    /// e.g. a pool's rent, issue 19), or a fresh one for null. Every byte of it is written.
    /// </summary>
    public byte[]? NextChunkBytes(Func<int, byte[]>? allocate)
    {
        if (_decoding is not null) return null;
        Start();
        int count = PlannedAndGates();
        if (count == 0)
        {
            Garble([], 0);
            return null;
        }
        // Not zeroed first: the header and every table row are written (issue 19: large chunks are fresh LOH memory).
        int size = GarbledChunk.HeaderSize + count * GarbledChunk.BytesPerAnd;
        var bytes = allocate?.Invoke(size) ?? GC.AllocateUninitializedArray<byte>(size);
        if (bytes.Length != size)
            throw new InvalidOperationException($"the chunk allocator gave {bytes.Length} bytes for a chunk of {size}");
        GarbledChunk.WriteHeader(bytes, _sequence++, count);
        Garble(MemoryMarshal.Cast<byte, Block>(bytes.AsSpan(GarbledChunk.HeaderSize)), count);
        return bytes;
    }

    /// <summary>
    /// As <see cref="NextChunkBytes()"/>, but into <paramref name="destination"/> (a caller's reused buffer, as emp-tool's
    /// garbler writes into one preallocated buffer); returns the bytes written, 0 when the circuit is finished.
    /// <see cref="MaxChunkBytes"/> is always enough.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is smaller than the next chunk.</exception>
    public int NextChunkInto(Span<byte> destination)
    {
        if (_decoding is not null) return 0;
        Start();
        int count = PlannedAndGates();
        if (count == 0)
        {
            Garble([], 0);
            return 0;
        }
        int size = GarbledChunk.HeaderSize + count * GarbledChunk.BytesPerAnd;
        if (destination.Length < size)
            throw new ArgumentException($"the next chunk has {count} AND gates and needs {size} bytes; the buffer holds {destination.Length}", nameof(destination));
        GarbledChunk.WriteHeader(destination, _sequence++, count);
        Garble(MemoryMarshal.Cast<byte, Block>(destination.Slice(GarbledChunk.HeaderSize, count * GarbledChunk.BytesPerAnd)), count);
        return size;
    }

    /// <summary>The largest chunk this garbler's options can produce, in bytes (a chunk may end one AND group past the
    /// budget).</summary>
    public int MaxChunkBytes => GarbledChunk.HeaderSize + (_options.ChunkAndGates + GroupSize) * GarbledChunk.BytesPerAnd;

    /// <summary>
    /// Computes (and caches on <paramref name="circuit"/>) the schedule a garbler of it follows, so that the first
    /// garbling does not pay for it (a protocol builds its circuits at setup, issue 19).
    /// </summary>
    public static void Prepare(Circuit circuit)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        foreach (Circuit segment in circuit.DistinctSegments) segment.Schedule(GroupSize);
    }

    /// <summary>All chunks, garbling lazily as the sequence is enumerated.</summary>
    public IEnumerable<GarbledChunk> Chunks()
    {
        while (NextChunk() is { } chunk) yield return chunk;
    }

    /// <summary>All chunks in wire form (<see cref="NextChunkBytes(Func{int, byte[]}?)"/>), garbling lazily.</summary>
    public IEnumerable<byte[]> ChunkBytes(Func<int, byte[]>? allocate = null)
    {
        while (NextChunkBytes(allocate) is { } chunk) yield return chunk;
    }

    /// <summary>Garbles the next chunk of <paramref name="count"/> AND gates (as planned) into <paramref name="tables"/>.</summary>
    private void Garble(Span<Block> tables, int count)
    {
        int written = Run(tables);
        if (written != count)
            throw new InvalidOperationException($"the garbler planned {count} AND gates for chunk {_sequence} and garbled {written}");
        if (_position == _schedule.Order.Length && _segment == _circuit.SegmentCount - 1) Finish();
    }

    /// <summary>
    /// The AND gates <see cref="Run"/> will garble from the current position: it visits the schedule the same way
    /// (free gates cost nothing; a group of AND gates starts while fewer than the chunk budget are written, so a chunk
    /// may end one gate past the budget).
    /// </summary>
    private int PlannedAndGates()
    {
        int budget = _options.ChunkAndGates, count = 0;
        for (int k = _segment, from = _position; k < _circuit.SegmentCount && count < budget; k++, from = 0)
        {
            var schedule = _circuit.Segment(k).Schedule(GroupSize);
            var order = schedule.Order;
            var groups = schedule.GroupLength;
            for (int pos = from; pos < order.Length;)
            {
                int len = groups[pos];
                if (len == 0)
                {
                    pos++;
                    continue;
                }
                if (count >= budget) break;
                count += len;
                pos += len;
            }
        }
        return count;
    }

    private int AndGatesDone { get; set; }

    /// <summary>True when this garbler hashes on AES-NI (tests check the portable path really ran).</summary>
    internal bool IsHardwareAccelerated => _hardware;

    /// <summary>The 0-label of any wire (tests check the evaluator ends on the label matching the plaintext bit).</summary>
    internal Block WireZeroLabel(int wire)
    {
        if (_decoding is null)
        {
            if (_circuit.SegmentCount > 1)
                throw new InvalidOperationException("a tiled circuit's inner labels exist a segment at a time: ask once garbling is complete, for an output");
            Start();
            return WireLabels[wire];
        }
        // Once complete the label array is back in the pool; only the output wires' labels are kept.
        int at = 0;
        foreach (var group in _circuit.Outputs)
            foreach (int w in group.Wires)
            {
                if (w == wire) return _outputZeroLabels![at];
                at++;
            }
        throw new InvalidOperationException($"wire {wire} is not an output; inner labels are gone once garbling is complete");
    }

    private void Finish()
    {
        NextSegment(); // the last: keeps its outputs
        var zero = _outputZeroLabels!;
        var bits = new bool[zero.Length];
        for (int i = 0; i < zero.Length; i++) bits[i] = zero[i].Lsb;
        _decoding = new OutputDecoding(bits);
        ArrayPool<Block>.Shared.Return(_labels, clearArray: true); // Δ and every label: never left in the pool
        _labels = [];
    }

    /// <summary>Visits schedule entries until the chunk budget is used; returns AND gates garbled.</summary>
    private int Run(Span<Block> tables)
    {
        var order = _schedule.Order;
        var groups = _schedule.GroupLength;
        var ordinal = _schedule.AndOrdinal;
        var gates = _circuit.Segment(_segment).GateArray;
        var freeB = _schedule.FreeB;
        ref Block w = ref MemoryMarshal.GetArrayDataReference(_labels);
        Block delta = _delta;
        int budget = _options.ChunkAndGates, written = 0, pos = _position;
        ref Vector128<byte> rk = ref MemoryMarshal.GetReference(TweakableHash.Permutation.RoundKeys);
        ulong first = _segmentFirstId;
        while (true)
        {
            if (pos == order.Length)
            {
                // The end of a segment: the next one continues the stream (a tiled circuit, issue 20).
                if (_segment == _circuit.SegmentCount - 1) break;
                NextSegment();
                (order, groups, ordinal, freeB, pos) = (_schedule.Order, _schedule.GroupLength, _schedule.AndOrdinal, _schedule.FreeB, 0);
                gates = _circuit.Segment(_segment).GateArray;
                first = _segmentFirstId;
                continue;
            }
            int len = groups[pos];
            if (len == 0)
            {
                // XOR: A ⊕ B; INV: A ⊕ Δ, with Δ in the constant slot (no branch on the gate kind).
                var g = gates[order[pos]];
                Unsafe.Add(ref w, g.Out) = Unsafe.Add(ref w, g.A) ^ Unsafe.Add(ref w, freeB[pos]);
                pos++;
                continue;
            }
            if (written >= budget) break;
            if (_hardware)
            {
                ref Block table = ref tables[2 * written];
                int i0 = order[pos];
                if (len == 2)
                {
                    int i1 = order[pos + 1];
                    HalfGatesKernels.Garble2(ref w, gates[i0], first + (ulong)ordinal[i0], gates[i1], first + (ulong)ordinal[i1], delta.Vector, ref rk, ref table);
                }
                else HalfGatesKernels.Garble1(ref w, gates[i0], first + (ulong)ordinal[i0], delta.Vector, ref rk, ref table);
            }
            else
            {
                var pi = TweakableHash.SoftwarePermutation;
                for (int k = 0; k < len; k++)
                {
                    var g = gates[order[pos + k]];
                    Block a = Unsafe.Add(ref w, g.A), b = Unsafe.Add(ref w, g.B);
                    ulong id = first + (ulong)ordinal[order[pos + k]];
                    Combine(ref w, g, delta,
                        TweakableHash.Hash(pi, a, 2 * id), TweakableHash.Hash(pi, a ^ delta, 2 * id),
                        TweakableHash.Hash(pi, b, 2 * id + 1), TweakableHash.Hash(pi, b ^ delta, 2 * id + 1),
                        out tables[2 * (written + k)], out tables[2 * (written + k) + 1]);
                }
            }
            pos += len;
            written += len;
        }
        _position = pos;
        AndGatesDone += written;
        return written;
    }

    /// <summary>The half-gates combination for one AND gate given its four hashes (ZRE15 Fig. 2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Combine(ref Block w, Gate g, Block delta, Block ha0, Block ha1, Block hb0, Block hb1, out Block tg, out Block te)
    {
        Block a = Unsafe.Add(ref w, g.A), b = Unsafe.Add(ref w, g.B);
        Block pa = Mask(a), pb = Mask(b);
        tg = ha0 ^ ha1 ^ (pb & delta);
        Block wg = ha0 ^ (pa & tg);
        te = hb0 ^ hb1 ^ a;
        Block we = hb0 ^ (pb & (te ^ a));
        Unsafe.Add(ref w, g.Out) = wg ^ we;
    }

    /// <summary>All-ones if the label's colour bit is set, else zero (no branch).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Block Mask(Block label) => new(HalfGatesKernels.ColourMask(label.Vector));
}
