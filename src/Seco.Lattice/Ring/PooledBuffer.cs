using System.Buffers;

namespace Seco.Lattice.Ring;

/// <summary>
/// A zeroed scratch buffer of exactly <see cref="Span"/>.Length ulongs rented from <see cref="ArrayPool{T}.Shared"/> and
/// returned (cleared, since it may have held secret-dependent values) on dispose. Hot paths use it so that an
/// operation allocates no per-call polynomials.
/// </summary>
internal readonly struct PooledBuffer : IDisposable
{
    private readonly ulong[] _array;
    private readonly int _length;

    public PooledBuffer(int length)
    {
        // Rent may hand out a freshly allocated, uninitialized array (GC.AllocateUninitializedArray), so clear it:
        // callers such as key switching accumulate into the buffer.
        _array = ArrayPool<ulong>.Shared.Rent(length);
        _length = length;
        Span.Clear();
    }

    public Span<ulong> Span => _array.AsSpan(0, _length);

    public void Dispose() => ArrayPool<ulong>.Shared.Return(_array, clearArray: true);
}
