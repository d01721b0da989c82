using System.Globalization;

namespace Seco.Garbling.Circuits;

/// <summary>
/// Reader and writer for the Bristol Fashion circuit format (Archer, Atapoor, Smart et al., "Bristol Fashion MPC
/// circuits", https://nigelsmart.github.io/MPC-Circuits/). Line 1: <c>gates wires</c>; line 2: number of input values
/// and their widths; line 3: number of output values and their widths; then one gate per line,
/// <c>nin nout in… out… OP</c>. The inputs are wires 0..Σw−1 in order, the outputs the last Σw wires.
/// </summary>
/// <remarks>
/// Supported operations: XOR, AND, INV (the IR's gates), EQW (wire copy; read by aliasing, so it costs nothing),
/// EQ (assign the constant 0 or 1; materialised as x ⊕ x or ¬(x ⊕ x) of input wire 0) and MAND (m ANDs in one line:
/// 2m inputs, the first m paired with the last m, and m outputs). Every violation is a <see cref="FormatException"/>
/// naming the line, because a circuit file is untrusted input to the garbler.
/// </remarks>
public static class BristolFashion
{
    /// <summary>Reads a circuit from a file.</summary>
    public static Circuit ReadFile(string path, IReadOnlyList<string>? inputOwners = null)
    {
        using var reader = new StreamReader(path);
        try { return Read(reader, inputOwners); }
        catch (FormatException e) { throw new FormatException($"{path}: {e.Message}", e); }
    }

    /// <summary>
    /// Reads a circuit. Input groups are named in0, in1, … (owners from <paramref name="inputOwners"/>, default
    /// party0, party1, …), output groups out0, out1, … (owner "output").
    /// </summary>
    public static Circuit Read(TextReader reader, IReadOnlyList<string>? inputOwners = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var lines = new LineReader(reader);
        var (headerLine, header) = lines.NextNonEmpty() ?? throw new FormatException("line 1: the file is empty (expected 'gates wires')");
        if (header.Length != 2) throw new FormatException($"line {headerLine}: expected 'gates wires', found {header.Length} fields");
        int gateCount = lines.ParseCount(header[0], headerLine, "gate count");
        int wireCount = lines.ParseCount(header[1], headerLine, "wire count");
        int[] inWidths = ReadWidths(lines, "input");
        int[] outWidths = ReadWidths(lines, "output");
        if (inputOwners is not null && inputOwners.Count != inWidths.Length)
            throw new ArgumentException($"{inputOwners.Count} input owners given for {inWidths.Length} input values", nameof(inputOwners));
        long inTotal = inWidths.Sum(w => (long)w), outTotal = outWidths.Sum(w => (long)w);
        if (inTotal > wireCount) throw new FormatException($"line 2: the inputs need {inTotal} wires but the header declares {wireCount}");
        if (inTotal + outTotal > wireCount)
            throw new FormatException($"line 3: {inTotal} input and {outTotal} output wires exceed the {wireCount} declared (outputs are the last wires and must not overlap the inputs)");

        // map[file wire] = IR wire, or −1 while undefined. EQW aliases, so several file wires can share an IR wire.
        var map = new int[wireCount];
        Array.Fill(map, -1);
        var inputs = new WireGroup[inWidths.Length];
        int next = 0;
        for (int i = 0; i < inWidths.Length; i++)
        {
            var wires = new int[inWidths[i]];
            for (int b = 0; b < wires.Length; b++) { map[next] = next; wires[b] = next++; }
            inputs[i] = new WireGroup($"in{i}", inputOwners?[i] ?? $"party{i}", wires);
        }
        int irWires = next;
        var gates = new List<Gate>(gateCount);
        int zeroWire = -1;

        for (int g = 0; g < gateCount; g++)
        {
            var (n, f) = lines.NextNonEmpty() ?? throw new FormatException($"line {lines.LineNumber + 1}: the header declares {gateCount} gates but the file ends after {g}");
            if (f.Length < 3) throw new FormatException($"line {n}: a gate needs 'nin nout in… out… OP', found {f.Length} fields");
            int nin = lines.ParseCount(f[0], n, "input count"), nout = lines.ParseCount(f[1], n, "output count");
            string op = f[^1];
            if (f.Length != 3 + nin + nout)
                throw new FormatException($"line {n}: '{op}' with {nin} inputs and {nout} outputs needs {3 + nin + nout} fields, found {f.Length}");
            (int ExpIn, int ExpOut) arity = op switch
            {
                "XOR" or "AND" => (2, 1),
                "INV" or "EQW" or "EQ" => (1, 1),
                "MAND" => nout > 0 && nin == 2 * nout ? (nin, nout) : throw new FormatException($"line {n}: MAND needs 2m inputs and m outputs, found {nin} and {nout}"),
                _ => throw new FormatException($"line {n}: unknown operation '{op}' (expected XOR, AND, INV, EQW, EQ or MAND)"),
            };
            if (nin != arity.ExpIn || nout != arity.ExpOut)
                throw new FormatException($"line {n}: {op} takes {arity.ExpIn} inputs and {arity.ExpOut} outputs, found {nin} and {nout}");

            int[] ins = new int[nin];
            for (int i = 0; i < nin; i++)
            {
                if (op == "EQ")
                {
                    ins[i] = f[2] switch { "0" => 0, "1" => 1, _ => throw new FormatException($"line {n}: EQ assigns the constant 0 or 1, found '{f[2]}'") };
                    continue;
                }
                int w = lines.ParseWire(f[2 + i], n, wireCount);
                if (map[w] < 0) throw new FormatException($"line {n}: {op} reads wire {w} before it is defined");
                ins[i] = map[w];
            }
            int[] outs = new int[nout];
            for (int o = 0; o < nout; o++)
            {
                int w = lines.ParseWire(f[2 + nin + o], n, wireCount);
                if (map[w] >= 0 || outs.AsSpan(0, o).Contains(w))
                    throw new FormatException($"line {n}: {op} writes wire {w}, which is already defined (each wire is assigned once)");
                outs[o] = w;
            }

            switch (op)
            {
                case "XOR": gates.Add(new Gate(GateKind.Xor, ins[0], ins[1], map[outs[0]] = irWires++)); break;
                case "AND": gates.Add(new Gate(GateKind.And, ins[0], ins[1], map[outs[0]] = irWires++)); break;
                case "INV": gates.Add(new Gate(GateKind.Inv, ins[0], -1, map[outs[0]] = irWires++)); break;
                case "EQW": map[outs[0]] = ins[0]; break;
                case "MAND":
                    for (int o = 0; o < nout; o++) gates.Add(new Gate(GateKind.And, ins[o], ins[nout + o], map[outs[o]] = irWires++));
                    break;
                default: // EQ: a constant, derived from input wire 0 (free-XOR garbling has no constant wires of its own)
                    if (inTotal == 0) throw new FormatException($"line {n}: EQ needs an input wire to derive a constant from, and the circuit has none");
                    if (zeroWire < 0) gates.Add(new Gate(GateKind.Xor, 0, 0, zeroWire = irWires++));
                    if (ins[0] == 0) map[outs[0]] = zeroWire;
                    else gates.Add(new Gate(GateKind.Inv, zeroWire, -1, map[outs[0]] = irWires++));
                    break;
            }
        }
        if (lines.NextNonEmpty() is var (extraLine, _))
            throw new FormatException($"line {extraLine}: the header declares {gateCount} gates, but the file has more lines");

        var outputs = new WireGroup[outWidths.Length];
        long first = wireCount - outTotal;
        for (int o = 0, w = (int)first; o < outWidths.Length; o++)
        {
            var wires = new int[outWidths[o]];
            for (int b = 0; b < wires.Length; b++, w++)
                wires[b] = map[w] >= 0 ? map[w] : throw new FormatException($"output wire {w} (bit {b} of output {o}) is never assigned");
            outputs[o] = new WireGroup($"out{o}", "output", wires);
        }
        return new Circuit(irWires, inputs, outputs, gates);

        static int[] ReadWidths(LineReader lines, string what)
        {
            var (n, f) = lines.NextNonEmpty() ?? throw new FormatException($"line {lines.LineNumber + 1}: the file ends before the {what} header");
            int count = lines.ParseCount(f[0], n, $"number of {what} values");
            if (f.Length != count + 1) throw new FormatException($"line {n}: {count} {what} values declared but {f.Length - 1} widths given");
            var widths = new int[count];
            for (int i = 0; i < count; i++) widths[i] = lines.ParseCount(f[1 + i], n, $"width of {what} {i}");
            return widths;
        }
    }

    /// <summary>
    /// Writes <paramref name="circuit"/> in Bristol Fashion. Wires are renumbered so the format's conventions hold:
    /// inputs are 0..Σw−1 in group order, every output bit is a distinct wire among the last Σw, gate outputs in
    /// between in gate order. An output bit that is an input, a repeat of an earlier output bit, or otherwise not the
    /// sole output position of its gate becomes an EQW copy. Reading the result back gives an equivalent circuit
    /// (same groups, widths and function; the same gates plus those copies).
    /// </summary>
    public static void Write(Circuit circuit, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(writer);
        int inTotal = circuit.InputWidth, outTotal = circuit.OutputWidth;
        var number = new int[circuit.WireCount];
        Array.Fill(number, -1);
        int next = 0;
        foreach (var group in circuit.Inputs)
            foreach (int w in group.Wires) number[w] = next++;

        // Gate outputs that appear as output bits take their output position directly (the first occurrence only).
        var isInput = new bool[circuit.WireCount];
        foreach (var group in circuit.Inputs) foreach (int w in group.Wires) isInput[w] = true;
        var outputSlot = new int[circuit.WireCount];
        Array.Fill(outputSlot, -1);
        var copies = new List<(int From, int To)>();
        var outWires = circuit.Outputs.SelectMany(g => g.Wires).ToArray();
        for (int i = 0; i < outWires.Length; i++)
        {
            int w = outWires[i];
            if (!isInput[w] && outputSlot[w] < 0) outputSlot[w] = i;
            else copies.Add((w, i));
        }
        var gates = circuit.Gates;
        int internalWires = 0;
        foreach (var gate in gates) if (outputSlot[gate.Out] < 0) internalWires++;
        int outBase = inTotal + internalWires;
        int totalWires = outBase + outTotal;
        foreach (var gate in gates)
            number[gate.Out] = outputSlot[gate.Out] >= 0 ? outBase + outputSlot[gate.Out] : next++;

        var inv = CultureInfo.InvariantCulture;
        writer.Write(string.Create(inv, $"{gates.Length + copies.Count} {totalWires}\n"));
        writer.Write(string.Create(inv, $"{circuit.Inputs.Count}{string.Concat(circuit.Inputs.Select(g => " " + g.Width.ToString(inv)))}\n"));
        writer.Write(string.Create(inv, $"{circuit.Outputs.Count}{string.Concat(circuit.Outputs.Select(g => " " + g.Width.ToString(inv)))}\n\n"));
        foreach (var gate in gates)
            writer.Write(gate.Kind switch
            {
                GateKind.Inv => string.Create(inv, $"1 1 {number[gate.A]} {number[gate.Out]} INV\n"),
                GateKind.And => string.Create(inv, $"2 1 {number[gate.A]} {number[gate.B]} {number[gate.Out]} AND\n"),
                _ => string.Create(inv, $"2 1 {number[gate.A]} {number[gate.B]} {number[gate.Out]} XOR\n"),
            });
        foreach (var (from, to) in copies)
            writer.Write(string.Create(inv, $"1 1 {number[from]} {outBase + to} EQW\n"));
    }

    /// <summary>Reads non-empty lines split on whitespace, tracking line numbers for error messages.</summary>
    private sealed class LineReader(TextReader reader)
    {
        public int LineNumber { get; private set; }

        public (int Line, string[] Fields)? NextNonEmpty()
        {
            while (reader.ReadLine() is { } line)
            {
                LineNumber++;
                var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 0) return (LineNumber, fields);
            }
            return null;
        }

        public int ParseCount(string s, int line, string what) =>
            int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v)
                ? v : throw new FormatException($"line {line}: {what} '{s}' is not a non-negative integer");

        public int ParseWire(string s, int line, int wireCount)
        {
            int w = ParseCount(s, line, "wire");
            return w < wireCount ? w : throw new FormatException($"line {line}: wire {w} is outside 0..{wireCount - 1} declared in the header");
        }
    }
}
