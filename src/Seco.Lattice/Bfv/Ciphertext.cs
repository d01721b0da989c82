using Seco.Lattice.Parameters;

namespace Seco.Lattice.Bfv;

/// <summary>
/// A BFV ciphertext (c_0, …, c_{size−1}) with c_0 + c_1·s + c_2·s² + … ≈ Δ·m (mod Q_ℓ), each c_k an RNS polynomial
/// over the first <see cref="Level"/> data primes. Storage is one flat array, polynomial-major then limb-major
/// (<c>Data[(k·ℓ + l)·n + i]</c>), as SEAL's <c>Ciphertext</c>. BFV ciphertexts normally stay in coefficient form;
/// <see cref="IsNttForm"/> is set by <see cref="Evaluator.TransformToNtt(Ciphertext)"/> for multiply_plain with
/// NTT-form plaintexts.
/// </summary>
public sealed class Ciphertext
{
    /// <summary>Largest supported size (number of polynomials).</summary>
    public const int MaxSize = 16;

    /// <summary>A zero ciphertext of the given size at the given level (default: the top data level).</summary>
    public Ciphertext(BfvContext context, int size = 2, int level = 0)
    {
        ArgumentNullException.ThrowIfNull(context);
        level = level == 0 ? context.MaxLevel : level;
        if (level < 1 || level > context.MaxLevel)
        {
            throw new ArgumentOutOfRangeException(nameof(level), $"Level must be in [1, {context.MaxLevel}].");
        }

        if (size < 2 || size > MaxSize)
        {
            throw new ArgumentOutOfRangeException(nameof(size), $"Size must be in [2, {MaxSize}].");
        }

        Context = context;
        Size = size;
        Level = level;
        Data = new ulong[size * level * context.N];
    }

    internal Ciphertext(BfvContext context, int size, int level, bool isNttForm, ulong[] data)
    {
        Context = context;
        Size = size;
        Level = level;
        IsNttForm = isNttForm;
        Data = data;
    }

    /// <summary>The parameters this ciphertext belongs to.</summary>
    public BfvContext Context { get; }

    /// <summary>Number of polynomials (2 after encryption or relinearization, 3 after a product).</summary>
    public int Size { get; internal set; }

    /// <summary>Number of data primes the ciphertext lives modulo (<see cref="BfvContext.MaxLevel"/> when fresh).</summary>
    public int Level { get; internal set; }

    /// <summary>True when every polynomial is in NTT form.</summary>
    public bool IsNttForm { get; internal set; }

    internal ulong[] Data { get; set; }

    internal int PolyLength => Level * Context.N;

    /// <summary>Polynomial k as a span of ℓ·n residues.</summary>
    internal Span<ulong> Poly(int k) => Data.AsSpan(k * PolyLength, PolyLength);

    /// <summary>Deep copy.</summary>
    public Ciphertext Clone() => new(Context, Size, Level, IsNttForm, (ulong[])Data.Clone());

    /// <summary>Makes this ciphertext a deep copy of <paramref name="other"/>.</summary>
    internal void CopyFrom(Ciphertext other)
    {
        Size = other.Size;
        Level = other.Level;
        IsNttForm = other.IsNttForm;
        if (Data.Length != other.Data.Length)
        {
            Data = new ulong[other.Data.Length];
        }

        other.Data.CopyTo(Data, 0);
    }
}
