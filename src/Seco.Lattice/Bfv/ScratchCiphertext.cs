using Seco.Lattice.Parameters;
using Seco.Lattice.Ring;

namespace Seco.Lattice.Bfv;

/// <summary>
/// A zero ciphertext whose storage is rented from an evaluator's <see cref="ScratchPool"/> and given back (cleared) on
/// dispose: the intermediate ciphertexts of a Lin-OP, which must not outlive it. The ciphertext must not escape the
/// <c>using</c> scope. If an operation replaced its <c>Data</c> (e.g. a size change), the replacement goes back to the
/// pool instead; it is equally exclusive to this ciphertext.
/// </summary>
internal readonly struct ScratchCiphertext : IDisposable
{
    private readonly ScratchPool? _pool;

    public ScratchCiphertext(ScratchPool pool, BfvContext context, int size, int level, bool isNttForm)
    {
        _pool = pool;
        Value = new Ciphertext(context, size, level, isNttForm, pool.Rent(size * level * context.N));
    }

    public Ciphertext Value { get; }

    public void Dispose() => _pool?.Return(Value.Data); // a default instance (never rented) holds nothing
}
