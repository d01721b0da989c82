namespace Seco.Garbling.Garbling;

/// <summary>Tuning and composition options shared by <see cref="Garbler"/> and <see cref="Evaluator"/>.</summary>
/// <param name="ChunkAndGates">AND gates per <see cref="GarbledChunk"/> (default 16,384 = 512 KiB of tables); the
/// evaluator accepts chunks of any size up to <see cref="GarbledChunk.MaxAndGates"/>.</param>
/// <param name="FirstGateId">Gate-id offset for the hash tweaks. Two circuits garbled under the same Δ must use
/// disjoint gate-id ranges (tweaks 2·id and 2·id+1 per AND gate must never repeat under one Δ); with a fresh Δ per
/// circuit (the default) 0 is right. Garbler and evaluator must agree.</param>
public sealed record GarblingOptions(int ChunkAndGates = 16_384, ulong FirstGateId = 0)
{
    /// <summary>Defaults.</summary>
    public static GarblingOptions Default { get; } = new();

    /// <summary>Forces the portable AES path (tests check it gives the same tables and labels).</summary>
    internal bool SoftwareAes { get; init; }

    internal void Validate()
    {
        if (ChunkAndGates < 1 || ChunkAndGates > GarbledChunk.MaxAndGates)
            throw new ArgumentOutOfRangeException(nameof(ChunkAndGates), $"a chunk holds 1..{GarbledChunk.MaxAndGates} AND gates, {ChunkAndGates} asked");
    }
}
