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

    private ulong[]? _nttShoup;

    /// <summary>
    /// Shoup quotients floor(m_i·2^64/q_l) of an NTT-form plaintext, computed on first use: multiply_plain by a fixed
    /// plaintext then costs one high and two low products per coefficient instead of a full Barrett reduction
    /// (Harvey 2014, §2). Racing first uses compute the same values, so no lock is needed.
    /// </summary>
    internal ulong[] NttShoup(IReadOnlyList<Ring.Modulus> moduli)
    {
        if (_nttShoup is { } cached)
        {
            return cached;
        }

        int n = Context.N;
        var shoup = new ulong[Data.Length];
        for (int l = 0; l < NttLevel; l++)
        {
            Ring.Modulus q = moduli[l];
            for (int i = l * n; i < (l + 1) * n; i++)
            {
                shoup[i] = q.ShoupPrecompute(Data[i]);
            }
        }

        _nttShoup = shoup;
        return shoup;
    }

    /// <summary>Deep copy.</summary>
    public Plaintext Clone() => new(Context, (ulong[])Data.Clone(), NttLevel);
}
