namespace Seco.Garbling.Circuits;

/// <summary>Many independent copies of one circuit in a single <see cref="Circuit"/> (one garbling, one OT batch).</summary>
public static class CircuitBatch
{
    /// <summary>
    /// <paramref name="copies"/> copies of <paramref name="circuit"/>, copy j's wires offset by j·WireCount. Group g of
    /// the result keeps g's name and owner and concatenates copy 0's bits, then copy 1's, …: one wide group per input
    /// of the original, so each owner supplies one contiguous bit string per value kind and a protocol can run one
    /// OT batch per owner (the width of copy j's slice is g's width, starting at bit j·width).
    /// </summary>
    public static Circuit Replicate(Circuit circuit, int copies)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(copies);
        int n = circuit.WireCount;
        if ((long)n * copies > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(copies), $"{copies} copies of {n} wires exceed the wire index range");
        var source = circuit.Gates.ToArray();
        var gates = new Gate[source.Length * copies];
        for (int j = 0, k = 0; j < copies; j++)
        {
            int o = j * n;
            foreach (var g in source) gates[k++] = new Gate(g.Kind, g.A + o, g.B < 0 ? -1 : g.B + o, g.Out + o);
        }
        return new Circuit(n * copies, Widen(circuit.Inputs), Widen(circuit.Outputs), gates);

        WireGroup[] Widen(IReadOnlyList<WireGroup> groups) => groups
            .Select(g => new WireGroup(g.Name, g.Owner, Enumerable.Range(0, copies).SelectMany(j => g.Wires.Select(w => w + j * n)).ToArray()))
            .ToArray();
    }
}
