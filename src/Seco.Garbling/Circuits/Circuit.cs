namespace Seco.Garbling.Circuits;

/// <summary>
/// A boolean circuit: wires 0..<see cref="WireCount"/>−1, gates in topological order, each wire written once (by an
/// input or by one gate), named input and output groups. Immutable and validated on construction, so a circuit
/// read from a file or the network cannot make a garbler or evaluator read an undefined wire.
/// </summary>
public sealed partial class Circuit
{
    private readonly Gate[] _gates;

    /// <summary>Validates and builds a circuit.</summary>
    /// <exception cref="FormatException">A gate reads a wire not yet defined, a wire is defined twice, an index is out
    /// of range, or an output is undefined.</exception>
    public Circuit(int wireCount, IReadOnlyList<WireGroup> inputs, IReadOnlyList<WireGroup> outputs, IEnumerable<Gate> gates)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(gates);
        if (wireCount < 0) throw new FormatException($"wire count {wireCount} is negative");
        WireCount = wireCount;
        Inputs = inputs.ToArray();
        Outputs = outputs.ToArray();
        _gates = gates.ToArray();

        var defined = new bool[wireCount];
        foreach (var group in Inputs)
            foreach (int w in group.Wires)
            {
                CheckIndex(w, $"input '{group.Name}'");
                if (defined[w]) throw new FormatException($"wire {w} of input '{group.Name}' is already defined");
                defined[w] = true;
            }

        var depth = new int[wireCount];
        var andDepth = new int[wireCount];
        int ands = 0, xors = 0, invs = 0, maxDepth = 0, maxAndDepth = 0;
        for (int g = 0; g < _gates.Length; g++)
        {
            var gate = _gates[g];
            CheckIndex(gate.A, g, gate);
            if (!defined[gate.A]) throw new FormatException($"gate {g} ({gate}) reads wire {gate.A} before it is defined");
            int d = depth[gate.A], ad = andDepth[gate.A];
            switch (gate.Kind)
            {
                case GateKind.Inv:
                    if (gate.B != -1) throw new FormatException($"gate {g}: INV takes one input");
                    invs++;
                    break;
                case GateKind.Xor:
                case GateKind.And:
                    CheckIndex(gate.B, g, gate);
                    if (!defined[gate.B]) throw new FormatException($"gate {g} ({gate}) reads wire {gate.B} before it is defined");
                    d = Math.Max(d, depth[gate.B]);
                    ad = Math.Max(ad, andDepth[gate.B]);
                    if (gate.Kind == GateKind.And) { ands++; ad++; } else xors++;
                    break;
                default:
                    throw new FormatException($"gate {g} has unknown kind {(int)gate.Kind}");
            }
            CheckIndex(gate.Out, g, gate);
            if (defined[gate.Out]) throw new FormatException($"gate {g} ({gate}) writes wire {gate.Out}, which is already defined");
            defined[gate.Out] = true;
            depth[gate.Out] = d + 1;
            andDepth[gate.Out] = ad;
            maxDepth = Math.Max(maxDepth, d + 1);
            maxAndDepth = Math.Max(maxAndDepth, ad);
        }
        foreach (var group in Outputs)
            foreach (int w in group.Wires)
            {
                CheckIndex(w, $"output '{group.Name}'");
                if (!defined[w]) throw new FormatException($"output '{group.Name}' names wire {w}, which nothing defines");
            }
        Statistics = new CircuitStatistics(ands, xors, invs, maxDepth, maxAndDepth);
    }

    /// <summary>Number of wires.</summary>
    public int WireCount { get; }

    /// <summary>Input groups in order; their concatenation is the circuit's input bit string.</summary>
    public IReadOnlyList<WireGroup> Inputs { get; }

    /// <summary>Output groups in order.</summary>
    public IReadOnlyList<WireGroup> Outputs { get; }

    /// <summary>Gates in evaluation order. A tiled circuit (<see cref="Repeat"/>) builds its whole gate list on each
    /// call: the garbler and evaluator never ask, they visit the segments.</summary>
    public ReadOnlySpan<Gate> Gates => _tiling is null ? _gates : _tiling.Materialize();

    /// <summary>The gate array itself, for the garbling loops (validated, never modified); a segment's own.</summary>
    internal Gate[] GateArray => _tiling is null ? _gates
        : throw new InvalidOperationException("a tiled circuit has no gate array of its own: garble or evaluate it segment by segment");

    private readonly Garbling.GateSchedule?[] _schedules = new Garbling.GateSchedule?[8];

    /// <summary>The garbling visit order for AND groups of <paramref name="groupSize"/>, computed once per circuit
    /// (a layer circuit is garbled and evaluated many times).</summary>
    internal Garbling.GateSchedule Schedule(int groupSize)
    {
        if (_tiling is not null)
            throw new InvalidOperationException("a tiled circuit is scheduled segment by segment (Segment(k).Schedule)");
        var cached = Volatile.Read(ref _schedules[groupSize]);
        if (cached is not null) return cached;
        var schedule = new Garbling.GateSchedule(this, groupSize);
        Interlocked.CompareExchange(ref _schedules[groupSize], schedule, null);
        return _schedules[groupSize]!;
    }

    /// <summary>Gate counts and depths.</summary>
    public CircuitStatistics Statistics { get; }

    /// <summary>Total input bits.</summary>
    public int InputWidth => Inputs.Sum(g => g.Width);

    /// <summary>Total output bits.</summary>
    public int OutputWidth => Outputs.Sum(g => g.Width);

    /// <summary>Looks up an input group by name.</summary>
    public WireGroup Input(string name) => Inputs.FirstOrDefault(g => g.Name == name)
        ?? throw new KeyNotFoundException($"the circuit has no input named '{name}' (inputs: {string.Join(", ", Inputs.Select(g => g.Name))})");

    /// <summary>Looks up an output group by name.</summary>
    public WireGroup Output(string name) => Outputs.FirstOrDefault(g => g.Name == name)
        ?? throw new KeyNotFoundException($"the circuit has no output named '{name}' (outputs: {string.Join(", ", Outputs.Select(g => g.Name))})");

    /// <summary>
    /// Plaintext evaluation (the reference for tests): <paramref name="inputs"/> holds one bit array per input group,
    /// in order; returns one bit array per output group.
    /// </summary>
    public bool[][] Evaluate(IReadOnlyList<bool[]> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count != Inputs.Count)
            throw new ArgumentException($"the circuit has {Inputs.Count} input groups, {inputs.Count} were given", nameof(inputs));
        var value = new bool[WireCount];
        for (int i = 0; i < Inputs.Count; i++)
        {
            var group = Inputs[i];
            if (inputs[i].Length != group.Width)
                throw new ArgumentException($"input '{group.Name}' has {group.Width} bits, {inputs[i].Length} were given", nameof(inputs));
            for (int b = 0; b < group.Width; b++) value[group.Wires[b]] = inputs[i][b];
        }
        foreach (var gate in Gates)
            value[gate.Out] = gate.Kind switch
            {
                GateKind.Xor => value[gate.A] ^ value[gate.B],
                GateKind.And => value[gate.A] & value[gate.B],
                _ => !value[gate.A],
            };
        var result = new bool[Outputs.Count][];
        for (int o = 0; o < Outputs.Count; o++)
        {
            var group = Outputs[o];
            result[o] = new bool[group.Width];
            for (int b = 0; b < group.Width; b++) result[o][b] = value[group.Wires[b]];
        }
        return result;
    }

    /// <summary>Plaintext evaluation on integer-valued groups (each at most 64 bits wide, bit 0 = LSB).</summary>
    public ulong[] Evaluate(params ulong[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Length != Inputs.Count)
            throw new ArgumentException($"the circuit has {Inputs.Count} input groups, {inputs.Length} values were given", nameof(inputs));
        var bits = new bool[Inputs.Count][];
        for (int i = 0; i < Inputs.Count; i++) bits[i] = ToBits(inputs[i], Inputs[i].Width);
        return Evaluate(bits).Select(FromBits).ToArray();
    }

    /// <summary>The low <paramref name="width"/> bits of <paramref name="value"/>, LSB first.</summary>
    public static bool[] ToBits(ulong value, int width)
    {
        if (width > 64) throw new ArgumentOutOfRangeException(nameof(width), $"{width} bits do not fit a 64-bit integer");
        var bits = new bool[width];
        for (int b = 0; b < width; b++) bits[b] = ((value >> b) & 1) != 0;
        return bits;
    }

    /// <summary>The integer whose bits (LSB first) are <paramref name="bits"/>.</summary>
    public static ulong FromBits(bool[] bits)
    {
        if (bits.Length > 64) throw new ArgumentException($"{bits.Length} bits do not fit a 64-bit integer", nameof(bits));
        ulong v = 0;
        for (int b = 0; b < bits.Length; b++) if (bits[b]) v |= 1UL << b;
        return v;
    }

    private void CheckIndex(int wire, string where)
    {
        if ((uint)wire >= (uint)WireCount) throw new FormatException($"{where}: wire {wire} is outside 0..{WireCount - 1}");
    }

    /// <summary>As above for gate <paramref name="g"/>; the message is formatted only on failure (issue 19: formatting it
    /// for every gate was 5 % of a whole default run).</summary>
    private void CheckIndex(int wire, int g, Gate gate)
    {
        if ((uint)wire >= (uint)WireCount) CheckIndex(wire, $"gate {g} ({gate})");
    }
}
