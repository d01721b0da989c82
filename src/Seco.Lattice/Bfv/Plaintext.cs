using Seco.Lattice.Parameters;

namespace Seco.Lattice.Bfv;

/// <summary>
/// A BFV plaintext: a polynomial of degree &lt; n with coefficients mod t (coefficient form, what the encoder and
/// decryptor produce), or the same polynomial lifted to the ciphertext primes of one level and NTT-transformed
/// (NTT form, produced by <see cref="Evaluator.TransformToNtt(Plaintext, int)"/> for repeated multiply_plain, as
/// SEAL's <c>transform_to_ntt</c>).
/// </summary>
public sealed class Plaintext
{
    /// <summary>A zero plaintext in coefficient form.</summary>
    public Plaintext(BfvContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
        Data = new ulong[context.N];
    }

    internal Plaintext(BfvContext context, ulong[] data, int nttLevel)
    {
        Context = context;
        Data = data;
        NttLevel = nttLevel;
    }

    /// <summary>The parameters this plaintext belongs to.</summary>
    public BfvContext Context { get; }

    /// <summary>True when the data are NTT-form residues modulo the primes of <see cref="NttLevel"/>.</summary>
    public bool IsNttForm => NttLevel > 0;

    /// <summary>Number of primes of the NTT form, or 0 in coefficient form.</summary>
    public int NttLevel { get; }

    /// <summary>The n coefficients mod t (coefficient form only).</summary>
    public Span<ulong> Coefficients
    {
        get
        {
            if (IsNttForm)
            {
                throw new InvalidOperationException("The plaintext is in NTT form; it has no coefficients mod t.");
            }

            return Data;
        }
    }

    internal ulong[] Data { get; }

    /// <summary>Deep copy.</summary>
    public Plaintext Clone() => new(Context, (ulong[])Data.Clone(), NttLevel);
}
