namespace Seco.Garbling.Circuits;

/// <summary>
/// Builds a <see cref="Circuit"/> gate by gate. Constants fold (x ⊕ 0 = x, x ∧ 0 = 0, x ∧ 1 = x, ¬1 = 0) and trivial
/// identities on equal wires fold (x ⊕ x = 0, x ∧ x = x), so gadgets written over public constants cost no gates
/// for them. The builder does no other optimisation: the AND count a gadget reports is the count of the gates it
/// asks for.
/// </summary>
public sealed class CircuitBuilder
{
    private readonly List<Gate> _gates = new();
    private readonly List<WireGroup> _inputs = new();
    private readonly List<WireGroup> _outputs = new();
    private readonly HashSet<string> _inputNames = new(), _outputNames = new();
    private int _wires;

    /// <summary>AND gates emitted so far (for measuring a gadget: read before and after).</summary>
    public int AndCount { get; private set; }

    /// <summary>Wires allocated so far.</summary>
    public int WireCount => _wires;

    /// <summary>Declares an input of <paramref name="width"/> bits supplied by <paramref name="owner"/>; bit 0 first.</summary>
    public Bit[] Input(string name, string owner, int width)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        if (!_inputNames.Add(name)) throw new ArgumentException($"an input named '{name}' already exists", nameof(name));
        var wires = new int[width];
        var bits = new Bit[width];
        for (int b = 0; b < width; b++) { wires[b] = _wires++; bits[b] = Bit.FromWire(wires[b]); }
        _inputs.Add(new WireGroup(name, owner, wires));
        return bits;
    }

    /// <summary>Declares an output; constant bits are materialised as wires (x ⊕ x, and its inverse).</summary>
    public void Output(string name, string owner, ReadOnlySpan<Bit> bits)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(owner);
        if (!_outputNames.Add(name)) throw new ArgumentException($"an output named '{name}' already exists", nameof(name));
        var wires = new int[bits.Length];
        for (int b = 0; b < bits.Length; b++) wires[b] = Materialise(bits[b]);
        _outputs.Add(new WireGroup(name, owner, wires));
    }

    /// <summary>a ⊕ b (free).</summary>
    public Bit Xor(Bit a, Bit b)
    {
        if (a.IsConstant) return a.Value ? Not(b) : b;
        if (b.IsConstant) return b.Value ? Not(a) : a;
        if (a == b) return Bit.Zero;
        return Emit(GateKind.Xor, a.Wire, b.Wire);
    }

    /// <summary>a ∧ b (one AND gate unless a constant or equal inputs fold it).</summary>
    public Bit And(Bit a, Bit b)
    {
        if (a.IsConstant) return a.Value ? b : Bit.Zero;
        if (b.IsConstant) return b.Value ? a : Bit.Zero;
        if (a == b) return a;
        AndCount++;
        return Emit(GateKind.And, a.Wire, b.Wire);
    }

    /// <summary>¬a (free).</summary>
    public Bit Not(Bit a) => a.IsConstant ? Bit.Constant(!a.Value) : Emit(GateKind.Inv, a.Wire, -1);

    /// <summary>a ∨ b = a ⊕ b ⊕ (a ∧ b): one AND.</summary>
    public Bit Or(Bit a, Bit b) => Xor(Xor(a, b), And(a, b));

    /// <summary>s ? b : a = a ⊕ s ∧ (a ⊕ b): one AND.</summary>
    public Bit Mux(Bit s, Bit a, Bit b) => Xor(a, And(s, Xor(a, b)));

    /// <summary>The validated circuit. The builder may keep growing afterwards; each call builds a snapshot.</summary>
    public Circuit Build() => new(_wires, _inputs.ToArray(), _outputs.ToArray(), _gates);

    private Bit Emit(GateKind kind, int a, int b)
    {
        int w = _wires++;
        _gates.Add(new Gate(kind, a, b, w));
        return Bit.FromWire(w);
    }

    private int Materialise(Bit bit)
    {
        if (!bit.IsConstant) return bit.Wire;
        if (_wires == 0) throw new InvalidOperationException("a constant output needs at least one wire to derive it from; declare an input first");
        int zero = _wires++;
        _gates.Add(new Gate(GateKind.Xor, 0, 0, zero));
        if (!bit.Value) return zero;
        return Emit(GateKind.Inv, zero, -1).Wire;
    }
}
