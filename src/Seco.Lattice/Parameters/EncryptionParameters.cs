using System.Collections.ObjectModel;
using Seco.Lattice.Ring;

namespace Seco.Lattice.Parameters;

/// <summary>
/// An immutable, unvalidated description of a BFV parameter set — the analogue of SEAL's <c>EncryptionParameters</c>
/// and Lattigo's <c>ParametersLiteral</c>. Construction only checks for nulls; all semantic rules are enforced once,
/// by <see cref="BfvContext.Create"/>, so that a literal can describe (and tests can exercise) invalid sets.
/// </summary>
/// <remarks>
/// As in SEAL, the LAST entry of <see cref="CoeffModulus"/> is the special prime used only during key switching;
/// the others are the data primes a fresh ciphertext lives modulo. <see cref="PlainModulus"/> is kept as a raw
/// integer (not a <see cref="Modulus"/>) so that out-of-range values such as 0 or 1 remain representable and are
/// rejected with a typed error instead of an <see cref="ArgumentException"/>.
/// </remarks>
public sealed class EncryptionParameters
{
    /// <summary>Creates a parameter literal from <see cref="Modulus"/> objects.</summary>
    public EncryptionParameters(int polyModulusDegree, IEnumerable<Modulus> coeffModulus, ulong plainModulus)
    {
        ArgumentNullException.ThrowIfNull(coeffModulus);
        Modulus[] chain = coeffModulus.ToArray();
        foreach (Modulus q in chain)
        {
            ArgumentNullException.ThrowIfNull(q, nameof(coeffModulus));
        }

        PolyModulusDegree = polyModulusDegree;
        CoeffModulus = new ReadOnlyCollection<Modulus>(chain);
        PlainModulus = plainModulus;
    }

    /// <summary>Creates a parameter literal from raw prime values (each must satisfy <see cref="Modulus"/>'s range).</summary>
    public EncryptionParameters(int polyModulusDegree, IEnumerable<ulong> coeffModulus, ulong plainModulus)
        : this(polyModulusDegree, (coeffModulus ?? throw new ArgumentNullException(nameof(coeffModulus)))
            .Select(q => new Modulus(q)), plainModulus)
    {
    }

    /// <summary>Ring degree n of R = Z[X]/(X^n + 1).</summary>
    public int PolyModulusDegree { get; }

    /// <summary>Coefficient modulus primes q_0 … q_k; the last one is the special key-switching prime.</summary>
    public IReadOnlyList<Modulus> CoeffModulus { get; }

    /// <summary>Plaintext modulus t (raw value; validated by <see cref="BfvContext.Create"/>).</summary>
    public ulong PlainModulus { get; }

    /// <inheritdoc />
    public override string ToString() =>
        $"BFV(n={PolyModulusDegree}, q=[{string.Join(", ", CoeffModulus.Select(q => q.Value))}], t={PlainModulus})";
}
