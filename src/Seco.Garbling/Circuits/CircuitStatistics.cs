namespace Seco.Garbling.Circuits;

/// <summary>Gate counts and depths of a circuit.</summary>
/// <param name="AndCount">AND gates (the garbling cost: 2 ciphertexts = 32 bytes each under half-gates).</param>
/// <param name="XorCount">XOR gates (free).</param>
/// <param name="InvCount">INV gates (free).</param>
/// <param name="Depth">Longest path counted in gates of any kind.</param>
/// <param name="AndDepth">Longest path counted in AND gates (multiplicative depth).</param>
public sealed record CircuitStatistics(int AndCount, int XorCount, int InvCount, int Depth, int AndDepth)
{
    /// <summary>All gates.</summary>
    public int GateCount => AndCount + XorCount + InvCount;

    /// <summary>Garbled-table bytes under half-gates (two 16-byte rows per AND).</summary>
    public long GarbledBytes => 32L * AndCount;

    /// <inheritdoc />
    public override string ToString() => $"{AndCount} AND, {XorCount} XOR, {InvCount} INV, depth {Depth}, AND depth {AndDepth}";
}
