namespace Seco.Garbling.Circuits;

public sealed partial class Circuit
{
    private readonly Tiling? _tiling;

    /// <summary>
    /// <paramref name="count"/> copies of <paramref name="tile"/> then, if given, one <paramref name="tail"/>, as one
    /// circuit: segment k's wires are offset by the wires before it, its gates follow the previous segment's, and input
    /// or output group g is the concatenation of every segment's group g (which must agree in number, names and owners).
    /// Gate for gate the same circuit as the segments written out, but held as the segments alone: a ResNet ReLU layer
    /// of 16,384 neurons written out is 3.6·10⁷ wires and 1.4 GB with its schedules; as 2,048 tiles of 8 neurons it is the
    /// 8 neurons' circuit and its input and output wire lists (issue 20). The garbler and the evaluator walk the segments
    /// with one tile's wire labels, so the garbled tables, tweaks and labels are those of the written-out circuit.
    /// </summary>
    /// <exception cref="ArgumentException">The segments' groups disagree, or the wire count exceeds the index range.</exception>
    public static Circuit Repeat(Circuit tile, int count, Circuit? tail = null)
    {
        ArgumentNullException.ThrowIfNull(tile);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (tile._tiling is not null || tail?._tiling is not null)
            throw new ArgumentException("the segments of a tiled circuit must be written-out circuits");
        if (tail is not null)
        {
            Agree(tile.Inputs, tail.Inputs, "input");
            Agree(tile.Outputs, tail.Outputs, "output");
        }
        long wires = (long)tile.WireCount * count + (tail?.WireCount ?? 0);
        if (wires > int.MaxValue) throw new ArgumentException($"{count} copies of {tile.WireCount} wires exceed the wire index range", nameof(count));
        return new Circuit(new Tiling(tile, count, tail), (int)wires);

        static void Agree(IReadOnlyList<WireGroup> a, IReadOnlyList<WireGroup> b, string kind)
        {
            if (a.Count != b.Count) throw new ArgumentException($"the tile has {a.Count} {kind} groups, the tail {b.Count}");
            for (int g = 0; g < a.Count; g++)
                if (a[g].Name != b[g].Name || a[g].Owner != b[g].Owner)
                    throw new ArgumentException($"{kind} group {g} is '{a[g].Name}' ({a[g].Owner}) in the tile but '{b[g].Name}' ({b[g].Owner}) in the tail");
        }
    }

    private Circuit(Tiling tiling, int wireCount)
    {
        _tiling = tiling;
        _gates = [];
        WireCount = wireCount;
        Inputs = Widen(tiling, t => t.Inputs);
        Outputs = Widen(tiling, t => t.Outputs);
        CircuitStatistics a = tiling.Tile.Statistics, z = tiling.Tail?.Statistics ?? new CircuitStatistics(0, 0, 0, 0, 0);
        long ands = (long)a.AndCount * tiling.Count + z.AndCount;
        if ((long)a.GateCount * tiling.Count + z.GateCount > int.MaxValue)
            throw new ArgumentException($"{tiling.Count} copies of {a.GateCount} gates exceed the gate count range");
        Statistics = new CircuitStatistics((int)ands, a.XorCount * tiling.Count + z.XorCount, a.InvCount * tiling.Count + z.InvCount,
            Math.Max(a.Depth, z.Depth), Math.Max(a.AndDepth, z.AndDepth));
    }

    private static WireGroup[] Widen(Tiling tiling, Func<Circuit, IReadOnlyList<WireGroup>> groups)
    {
        var first = groups(tiling.Tile);
        var result = new WireGroup[first.Count];
        for (int g = 0; g < first.Count; g++)
        {
            var wires = new List<int>();
            for (int k = 0; k < tiling.SegmentCount; k++)
            {
                int offset = tiling.WireOffset(k);
                foreach (int w in groups(tiling.Segment(k))[g].Wires) wires.Add(w + offset);
            }
            result[g] = new WireGroup(first[g].Name, first[g].Owner, wires.ToArray());
        }
        return result;
    }

    /// <summary>The number of segments the garbler and evaluator walk: 1 for a written-out circuit.</summary>
    internal int SegmentCount => _tiling?.SegmentCount ?? 1;

    /// <summary>Segment <paramref name="k"/> (a written-out circuit; the circuit itself when not tiled).</summary>
    internal Circuit Segment(int k) => _tiling?.Segment(k) ?? this;

    /// <summary>Where segment <paramref name="k"/>'s bits start in input group <paramref name="group"/>.</summary>
    internal int SegmentInputOffset(int k, int group) => _tiling?.Offset(k, t => t.Inputs[group].Width) ?? 0;

    /// <summary>Where segment <paramref name="k"/>'s bits start in output group <paramref name="group"/>.</summary>
    internal int SegmentOutputOffset(int k, int group) => _tiling?.Offset(k, t => t.Outputs[group].Width) ?? 0;

    /// <summary>The AND gates before segment <paramref name="k"/> (its gate-id offset for the hash tweaks).</summary>
    internal long SegmentAndOffset(int k) => _tiling?.Offset(k, t => t.Statistics.AndCount) ?? 0;

    /// <summary>
    /// Copies segment <paramref name="k"/>'s output wires from <paramref name="wires"/> (that segment's wire values, e.g.
    /// labels) to their places in <paramref name="outputs"/>, the circuit's outputs in group order.
    /// </summary>
    internal void GatherSegmentOutputs<T>(int k, ReadOnlySpan<T> wires, Span<T> outputs)
    {
        Circuit segment = Segment(k);
        int start = 0;
        for (int o = 0; o < segment.Outputs.Count; o++)
        {
            int at = start + SegmentOutputOffset(k, o);
            foreach (int w in segment.Outputs[o].Wires) outputs[at++] = wires[w];
            start += Outputs[o].Width;
        }
    }

    /// <summary>The most wires any segment has: the wire-label array a garbler or evaluator needs.</summary>
    internal int SegmentWireCount => _tiling is null ? WireCount : Math.Max(_tiling.Tile.WireCount, _tiling.Tail?.WireCount ?? 0);

    /// <summary>The distinct segments (for computing their schedules once).</summary>
    internal IEnumerable<Circuit> DistinctSegments => _tiling is null ? [this] : _tiling.Tail is null ? [_tiling.Tile] : [_tiling.Tile, _tiling.Tail];

    private sealed record Tiling(Circuit Tile, int Count, Circuit? Tail)
    {
        public int SegmentCount => Count + (Tail is null ? 0 : 1);

        public Circuit Segment(int k) => (uint)k < (uint)Count ? Tile : k == Count && Tail is not null ? Tail
            : throw new ArgumentOutOfRangeException(nameof(k), $"segment {k} of {SegmentCount}");

        public int WireOffset(int k) => Offset(k, t => t.WireCount);

        /// <summary>The sum of <paramref name="size"/> over the segments before <paramref name="k"/>.</summary>
        public int Offset(int k, Func<Circuit, int> size) => checked(Math.Min(k, Count) * size(Tile));

        public Gate[] Materialize()
        {
            var gates = new Gate[Tile.GateArray.Length * Count + (Tail?.GateArray.Length ?? 0)];
            int at = 0;
            for (int k = 0; k < SegmentCount; k++)
            {
                int o = WireOffset(k);
                foreach (Gate g in Segment(k).GateArray)
                    gates[at++] = new Gate(g.Kind, g.A + o, g.B < 0 ? -1 : g.B + o, g.Out + o);
            }
            return gates;
        }
    }
}
