namespace Seco.Garbling.Circuits;

/// <summary>Many independent copies of one circuit in a single <see cref="Circuit"/> (one garbling, one OT batch).</summary>
public static class CircuitBatch
{
    /// <summary>Copies whose gates are interleaved (see <see cref="Replicate"/>).</summary>
    public const int Interleave = 8;

    /// <summary>
    /// <paramref name="copies"/> copies of <paramref name="circuit"/>, copy j's wires offset by j·WireCount. Group g of
    /// the result keeps g's name and owner and concatenates copy 0's bits, then copy 1's, …: one wide group per input
    /// of the original, so each owner supplies one contiguous bit string per value kind and a protocol can run one
    /// OT batch per owner (the width of copy j's slice is g's width, starting at bit j·width). Gates are ordered for
    /// garbling speed, <see cref="Interleave"/> copies at a time; the order changes neither wires nor results.
    /// </summary>
    public static Circuit Replicate(Circuit circuit, int copies)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(copies);
        int n = circuit.WireCount;
        if ((long)n * copies > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(copies), $"{copies} copies of {n} wires exceed the wire index range");
        var source = circuit.Gates.ToArray();
        var gates = new Gate[source.Length * copies];
        // Gate-major within runs of Interleave copies (gate 0 of copies j..j+7, then gate 1, …): consecutive AND gates
        // then come from different copies and are independent, so the garbler's and evaluator's schedules fill their AES
        // lanes (issue 19: copy after copy, a ReLU's carry chain left most groups with one gate, 4× slower per AND than
        // independent gates), while a run's wires (8 copies) stay within a few hundred KB for the caches.
        for (int j0 = 0, k = 0; j0 < copies; j0 += Interleave)
        {
            int run = Math.Min(Interleave, copies - j0);
            foreach (var g in source)
                for (int j = j0; j < j0 + run; j++)
                {
                    int o = j * n;
                    gates[k++] = new Gate(g.Kind, g.A + o, g.B < 0 ? -1 : g.B + o, g.Out + o);
                }
        }
        return new Circuit(n * copies, Widen(circuit.Inputs), Widen(circuit.Outputs), gates);

        WireGroup[] Widen(IReadOnlyList<WireGroup> groups) => groups
            .Select(g => new WireGroup(g.Name, g.Owner, Enumerable.Range(0, copies).SelectMany(j => g.Wires.Select(w => w + j * n)).ToArray()))
            .ToArray();
    }
}
