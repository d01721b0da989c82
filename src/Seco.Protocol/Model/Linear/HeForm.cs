using Seco.Lattice.Bfv;
using Seco.Lattice.Parameters;

namespace Seco.Protocol.Model.Linear;

/// <summary>
/// One operand of a block's linear map as the protocol computes it: a vector of <see cref="Columns"/> residues packed
/// into <see cref="InputCiphertexts"/> ciphertexts, multiplied by a weight array (the weights, or one holder's share of
/// them) into <see cref="OutputCiphertexts"/> ciphertexts holding <see cref="Rows"/> outputs at <see cref="OutputSlots"/>.
/// The same weights multiply plaintext vectors mod p (<see cref="Apply"/>) — the online side of the Lin-OP. Every form
/// leaves the slots that are not outputs either 0 or partial sums; a mask for another party's eyes covers all of them
/// (<see cref="BlockOperator.PackOutputMask"/>).
/// </summary>
public abstract class HeForm
{
    /// <summary>Outputs.</summary>
    public abstract int Rows { get; }

    /// <summary>Inputs.</summary>
    public abstract int Columns { get; }

    public abstract int InputCiphertexts { get; }

    public abstract int OutputCiphertexts { get; }

    /// <summary>The weight array's length (matrix entries or kernel taps).</summary>
    public abstract int WeightCount { get; }

    /// <summary>Which weights the structure makes non-zero: weight shares are uniform there and 0 elsewhere (D10).</summary>
    public abstract bool[] StructuralSupport { get; }

    /// <summary>The Galois elements a product needs.</summary>
    public abstract uint[] GaloisElements();

    /// <summary>The slot vectors (n residues each) of the input ciphertexts for x.</summary>
    public abstract ulong[][] PackInput(ReadOnlySpan<ulong> x);

    /// <summary>The slot vectors holding v (length <see cref="Rows"/>) at the output slots, 0 elsewhere.</summary>
    public abstract ulong[][] PackOutput(ReadOnlySpan<ulong> v);

    /// <summary>The outputs read from decrypted output slot vectors.</summary>
    public abstract ulong[] UnpackOutput(IReadOnlyList<ulong[]> slots);

    /// <summary>W·x mod p for a plaintext x (no bias).</summary>
    public abstract ulong[] Apply(ReadOnlySpan<ulong> weights, ReadOnlySpan<ulong> x);

    /// <summary>The weights encoded for products with ciphertexts at <paramref name="level"/> primes (0: the top level).</summary>
    public abstract IEncodedForm Encode(BfvContext context, ReadOnlySpan<ulong> weights, int level = 0);
}

/// <summary>A form's weights encoded once (per key set and holder) and multiplied into encrypted inputs per query.</summary>
public interface IEncodedForm
{
    /// <summary>W·x for the packed input ciphertexts, in coefficient form at the inputs' level.</summary>
    Ciphertext[] Multiply(Evaluator evaluator, IReadOnlyList<Ciphertext> x, GaloisKeys keys);
}
