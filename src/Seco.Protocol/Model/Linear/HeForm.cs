using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Lattice.Parameters;
using Seco.Protocol.Crypto;

namespace Seco.Protocol.Model.Linear;

/// <summary>
/// One operand of a block's linear map as the protocol computes it: a vector of <see cref="Columns"/> residues packed
/// into <see cref="InputCiphertexts"/> ciphertexts, multiplied by a weight array (the weights, or one holder's share of
/// them) into <see cref="OutputCiphertexts"/> ciphertexts holding <see cref="Rows"/> outputs at <see cref="OutputSlots"/>.
/// The same weights multiply plaintext vectors mod p (<see cref="Apply"/>) — the online side of the Lin-OP. Every form
/// leaves the slots that are not outputs either 0 or partial sums; a mask for another party's eyes covers all of them
/// (<see cref="PackOutputMask"/>).
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

    /// <summary>x read back from the slot vectors of its input packing (the inverse of <see cref="PackInput"/> on its image).</summary>
    public abstract ulong[] UnpackInput(IReadOnlyList<ulong[]> slots);

    /// <summary>The slot vectors holding v (length <see cref="Rows"/>) at the output slots, 0 elsewhere.</summary>
    public abstract ulong[][] PackOutput(ReadOnlySpan<ulong> v);

    /// <summary>Every output's (ciphertext, slot) in output order: the slots <see cref="UnpackOutput"/> reads.</summary>
    public abstract IReadOnlyList<(int Ciphertext, int Slot)> OutputSlots { get; }

    /// <summary>
    /// The mask a party adds to (or subtracts from) a product that another party will decrypt: <paramref name="values"/>
    /// at the output slots and a fresh uniform element of Z_p (OS CSPRNG) in every other slot of every output
    /// ciphertext. A product holds more than its outputs — the mat-vec's row swap and folds leave partial sums of F·r
    /// in other slots (issue 15) — so every slot the decryptor sees is covered; each contributor pads independently.
    /// </summary>
    public ulong[][] PackOutputMask(ReadOnlySpan<ulong> values)
    {
        if (values.Length != Rows)
            throw new ArgumentException($"a mask of {values.Length} values for {Rows} outputs", nameof(values));
        ulong[][] slots = [.. Enumerable.Range(0, OutputCiphertexts).Select(_ => ZpRandom.Uniform(SlotCount))];
        IReadOnlyList<(int Ciphertext, int Slot)> at = OutputSlots;
        for (int i = 0; i < values.Length; i++)
            slots[at[i].Ciphertext][at[i].Slot] = values[i] < Nn.Field.PrimeField.P ? values[i] : throw new ArgumentOutOfRangeException(nameof(values), $"entry {i} is not a residue mod p");
        return slots;
    }

    /// <summary>n: slots per ciphertext.</summary>
    public abstract int SlotCount { get; }

    /// <summary>
    /// log2 of the public bound on ‖v‖∞ of a mod-switched product of this form (LinOpNoise), for smudging and flooding:
    /// public data only — the form, where the input came from, how many holders' weight shares multiply it.
    /// </summary>
    public int NoiseBoundBits(BfvContext context, LinOpInput input, int weightShares, double coefficientsLog2, int statisticalSecurity) =>
        LinOpNoise.BoundBitsOfVariance(context, ProductVariance(context, input, weightShares), input, coefficientsLog2, statisticalSecurity);

    /// <summary>The noisiest output coefficient's variance of a product before the mod-switch (LinOpNoise's model).</summary>
    public abstract double ProductVariance(BfvContext context, LinOpInput input, int weightShares);

    /// <summary>The outputs read from decrypted output slot vectors.</summary>
    public abstract ulong[] UnpackOutput(IReadOnlyList<ulong[]> slots);

    /// <summary>W·x mod p for a plaintext x (no bias).</summary>
    public abstract ulong[] Apply(ReadOnlySpan<ulong> weights, ReadOnlySpan<ulong> x);

    /// <summary>
    /// The weights encoded for products with ciphertexts at <paramref name="level"/> primes (0: the top level), keeping
    /// at most <paramref name="cacheBytes"/> of encoded plaintexts between products (a convolution's kernel; the
    /// mat-vec's diagonals are always kept).
    /// </summary>
    public abstract IEncodedForm Encode(BfvContext context, ReadOnlySpan<ulong> weights, int level = 0, long cacheBytes = PlainConvKernel.DefaultCacheBytes);

    /// <summary>
    /// Encodes the forms of a party's blocks under one memory budget for kernel caches (issue 20: ResNet-32's
    /// convolutions cached at 64 MiB each would take 2 GB per server): each kernel is cached while the budget lasts,
    /// later ones are encoded per product.
    /// </summary>
    public sealed class CacheBudget(long bytes)
    {
        /// <summary>The default per party: 256 MiB of cached kernels (issue 20: a party's peak under 4 GB for ResNet-32).</summary>
        public const long DefaultBytes = 256L << 20;

        private long _left = bytes;

        public IEncodedForm Encode(HeForm form, BfvContext context, ReadOnlySpan<ulong> weights)
        {
            ArgumentNullException.ThrowIfNull(form);
            IEncodedForm encoded = form.Encode(context, weights, cacheBytes: Math.Min(PlainConvKernel.DefaultCacheBytes, Math.Max(0, _left)));
            _left -= encoded.CachedBytes;
            return encoded;
        }
    }
}

/// <summary>A form's weights encoded once (per key set and holder) and multiplied into encrypted inputs per query.</summary>
public interface IEncodedForm
{
    /// <summary>W·x for the packed input ciphertexts, in coefficient form at the inputs' level.</summary>
    Ciphertext[] Multiply(Evaluator evaluator, IReadOnlyList<Ciphertext> x, GaloisKeys keys);

    /// <summary>Bytes of encoded plaintexts kept between products beyond the weights themselves (a convolution's kernel cache).</summary>
    long CachedBytes => 0;
}
