using Seco.Garbling.Circuits;

namespace Seco.Garbling.Garbling;

/// <summary>
/// The order in which a garbler or evaluator visits a circuit's gates: free gates (XOR, INV) as early as their inputs
/// allow, AND gates in groups of up to <c>groupSize</c> mutually independent gates, so that the AES unit gets 8 hash
/// lanes at a time instead of 2–4 (AES-NI has ≈ 4 cycles latency and 1–2 rounds per cycle throughput).
/// </summary>
/// <remarks>
/// Greedy and single-pass: a pending group collects AND gates that read none of the group's outputs; a free gate
/// that reads none of them is moved ahead of the group (valid because every wire is written once); anything else
/// flushes the group. AND gates are never reordered among themselves, so garbled tables appear in the circuit's AND
/// order whatever the group size, and a garbler and an evaluator with different group sizes agree on the stream.
/// </remarks>
internal sealed class GateSchedule
{
    /// <summary>Gate indices in visiting order.</summary>
    public readonly int[] Order;

    /// <summary>At the first gate of an AND group, its size; 0 for free gates and the other members of a group.</summary>
    public readonly byte[] GroupLength;

    /// <summary>For each gate of the circuit, its position among the AND gates (−1 for free gates).</summary>
    public readonly int[] AndOrdinal;

    /// <summary>
    /// At a free gate's position, the wire its output is XORed from besides A: B for XOR, and for INV the extra label
    /// slot <see cref="ConstantSlot"/>, which holds Δ for the garbler (¬a's 0-label is a's 1-label) and zero for the
    /// evaluator (its label passes through). Free gates then run as one branch-free w[out] = w[a] ⊕ w[b] (issue 19:
    /// the XOR/INV branch mispredicted on the ReLU circuits' mix of gates).
    /// </summary>
    public readonly int[] FreeB;

    /// <summary>The label slot past the circuit's wires that INV gates read (see <see cref="FreeB"/>).</summary>
    public readonly int ConstantSlot;

    public GateSchedule(Circuit circuit, int groupSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(groupSize, 1);
        var gates = circuit.Gates;
        Order = new int[gates.Length];
        GroupLength = new byte[gates.Length];
        AndOrdinal = new int[gates.Length];
        FreeB = new int[gates.Length];
        ConstantSlot = circuit.WireCount;
        int n = 0, ands = 0;
        Span<int> pending = stackalloc int[groupSize];
        int pendingCount = 0;

        void Flush(Span<int> p)
        {
            if (pendingCount == 0) return;
            GroupLength[n] = (byte)pendingCount;
            for (int k = 0; k < pendingCount; k++) Order[n++] = p[k];
            pendingCount = 0;
        }

        for (int g = 0; g < gates.Length; g++)
        {
            var gate = gates[g];
            AndOrdinal[g] = gate.Kind == GateKind.And ? ands++ : -1;
            bool readsPending = false;
            for (int k = 0; k < pendingCount; k++)
            {
                int o = gates[pending[k]].Out;
                if (gate.A == o || gate.B == o) { readsPending = true; break; }
            }
            if (gate.Kind == GateKind.And)
            {
                if (readsPending || pendingCount == groupSize) Flush(pending);
                pending[pendingCount++] = g;
            }
            else
            {
                if (readsPending) Flush(pending);
                FreeB[n] = gate.Kind == GateKind.Xor ? gate.B : ConstantSlot;
                Order[n++] = g;
            }
        }
        Flush(pending);
    }
}
