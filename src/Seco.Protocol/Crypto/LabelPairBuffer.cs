using System.Buffers;
using Seco.Garbling.Crypto;

namespace Seco.Protocol.Crypto;

/// <summary>
/// Chosen-OT message pairs (x⁰_j, x¹_j) = (W⁰_j, W⁰_j ⊕ Δ) in arrays rented from <see cref="ArrayPool{T}.Shared"/>,
/// cleared when disposed: a pair is both labels of a wire, which only the garbler may hold (<see cref="ReluLayers.LabelPairs"/>).
/// </summary>
public sealed class LabelPairBuffer : IDisposable
{
    private Block[]? _x0;
    private Block[]? _x1;
    private readonly int _count;

    internal LabelPairBuffer(int count)
    {
        _count = count;
        _x0 = ArrayPool<Block>.Shared.Rent(count);
        _x1 = ArrayPool<Block>.Shared.Rent(count);
    }

    /// <summary>The 0-messages, W⁰_j.</summary>
    public ReadOnlySpan<Block> X0 => Live(_x0).AsSpan(0, _count);

    /// <summary>The 1-messages, W⁰_j ⊕ Δ.</summary>
    public ReadOnlySpan<Block> X1 => Live(_x1).AsSpan(0, _count);

    internal void Fill(int at, ReadOnlySpan<Block> zero, Block delta)
    {
        Span<Block> x0 = Live(_x0).AsSpan(at, zero.Length), x1 = Live(_x1).AsSpan(at, zero.Length);
        zero.CopyTo(x0);
        for (int k = 0; k < zero.Length; k++) x1[k] = zero[k] ^ delta;
    }

    public void Dispose()
    {
        if (_x0 is null) return;
        ArrayPool<Block>.Shared.Return(_x0, clearArray: true);
        ArrayPool<Block>.Shared.Return(_x1!, clearArray: true);
        _x0 = _x1 = null;
    }

    private static Block[] Live(Block[]? array) => array ?? throw new ObjectDisposedException(nameof(LabelPairBuffer));
}
