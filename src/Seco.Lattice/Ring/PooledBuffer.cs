using System.Buffers;

namespace Seco.Lattice.Ring;

/// <summary>
/// A scratch buffer of exactly <see cref="Span"/>.Length ulongs rented from <see cref="ArrayPool{T}.Shared"/> and
/// returned (cleared, since it may have held secret-dependent values) on dispose. Hot paths use it so that an
/// operation allocates no per-call polynomials.
/// </summary>
internal readonly struct PooledBuffer : IDisposable
{
    private readonly ulong[] _array;
    private readonly int _length;

    public PooledBuffer(int length)
    {
        _array = ArrayPool<ulong>.Shared.Rent(length);
        _length = length;

        // The pool creates new arrays with GC.AllocateUninitializedArray, so a first rental may hold garbage; callers
        // (e.g. key-switching accumulators) rely on a zeroed buffer.
        Span.Clear();
    }

    public Span<ulong> Span => _array.AsSpan(0, _length);

    public void Dispose() => ArrayPool<ulong>.Shared.Return(_array, clearArray: true);
}
