namespace Seco.Garbling.Circuits;

/// <summary>The gate types of the circuit IR: those Bristol Fashion uses and free-XOR garbling distinguishes.</summary>
public enum GateKind : byte
{
    /// <summary>Output = A ⊕ B; free under free-XOR (Kolesnikov–Schneider 2008).</summary>
    Xor = 0,

    /// <summary>Output = A ∧ B; two ciphertexts under half-gates (Zahur–Rosulek–Evans 2015).</summary>
    And = 1,

    /// <summary>Output = ¬A; free (the garbler flips the label by Δ).</summary>
    Inv = 2,
}

/// <summary>One gate: <see cref="Out"/> = Kind(<see cref="A"/>, <see cref="B"/>); B is −1 for <see cref="GateKind.Inv"/>.</summary>
public readonly record struct Gate(GateKind Kind, int A, int B, int Out)
{
    /// <summary>Number of input wires (1 for INV, 2 otherwise).</summary>
    public int Arity => Kind == GateKind.Inv ? 1 : 2;

    /// <inheritdoc />
    public override string ToString() => Kind == GateKind.Inv ? $"{Out} = INV {A}" : $"{Out} = {A} {Kind.ToString().ToUpperInvariant()} {B}";
}

/// <summary>A named, ordered group of wires: one value's bits, least significant first.</summary>
/// <param name="Name">What the value is (e.g. "x", "share_B").</param>
/// <param name="Owner">Who supplies (inputs) or receives (outputs) it, e.g. "garbler", "evaluator", "A"; metadata
/// for the protocol, not used by garbling, which treats every input wire alike.</param>
/// <param name="Wires">The wire indices, bit 0 first.</param>
public sealed record WireGroup(string Name, string Owner, IReadOnlyList<int> Wires)
{
    /// <summary>Number of bits.</summary>
    public int Width => Wires.Count;
}
