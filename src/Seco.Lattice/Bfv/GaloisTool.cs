using System.Collections.Concurrent;
using Seco.Lattice.Ring;

namespace Seco.Lattice.Bfv;

/// <summary>
/// Galois automorphisms σ_g: a(X) ↦ a(X^g) of Z_q[X]/(X^n + 1) for odd g, and SEAL's mapping from rotation steps to
/// Galois elements (<c>GaloisTool::get_elt_from_step</c>): the slots form a 2 × n/2 matrix whose rows are orbits of
/// the generator 3, so rotating rows left by k is σ_{3^k mod 2n} and swapping the rows is σ_{2n−1}.
/// </summary>
public static class GaloisTool
{
    private static readonly ConcurrentDictionary<(int N, uint G), int[]> NttPermutations = new();

    /// <summary>
    /// The Galois element for rotating both rows left by <paramref name="step"/> (right if negative), |step| &lt; n/2;
    /// step 0 gives the row swap 2n − 1, as in SEAL.
    /// </summary>
    public static uint ElementFromStep(int step, int n)
    {
        uint m = 2u * (uint)n;
        if (step == 0)
        {
            return m - 1;
        }

        int rowSize = n >> 1;
        int magnitude = Math.Abs(step);
        if (magnitude >= rowSize)
        {
            throw new ArgumentOutOfRangeException(nameof(step), $"A row rotation step must satisfy |step| < n/2 = {rowSize}.");
        }

        int k = step < 0 ? rowSize - magnitude : magnitude;
        ulong g = 1;
        for (int i = 0; i < k; i++)
        {
            g = g * 3 % m;
        }

        return (uint)g;
    }

    /// <summary>The row-swap (column rotation) element 2n − 1.</summary>
    public static uint RowSwapElement(int n) => (2u * (uint)n) - 1;

    /// <summary>Throws unless <paramref name="g"/> is odd and in [1, 2n).</summary>
    public static void Validate(uint g, int n)
    {
        if ((g & 1) == 0 || g >= 2u * (uint)n)
        {
            throw new ArgumentOutOfRangeException(nameof(g), $"Galois element {g} must be odd and below 2n = {2 * n}.");
        }
    }

    /// <summary>
    /// dest = σ_g(src) for coefficient-form limbs: X^i ↦ X^{i·g mod 2n}, negated when the exponent wraps past n
    /// (X^n = −1). <paramref name="dest"/> must not overlap <paramref name="src"/>.
    /// </summary>
    public static void ApplyCoefficients(ReadOnlySpan<ulong> src, Span<ulong> dest, uint g, IReadOnlyList<Modulus> moduli, int n)
    {
        uint mask = (2u * (uint)n) - 1;
        for (int l = 0; l < moduli.Count; l++)
        {
            ulong q = moduli[l].Value;
            ReadOnlySpan<ulong> a = src.Slice(l * n, n);
            Span<ulong> d = dest.Slice(l * n, n);
            uint index = 0;
            for (int i = 0; i < n; i++, index = (index + g) & mask)
            {
                ulong v = a[i];
                if (index < (uint)n)
                {
                    d[(int)index] = v;
                }
                else
                {
                    d[(int)index - n] = (q - v) & (ulong)-(long)(v != 0 ? 1 : 0);
                }
            }
        }
    }

    /// <summary>
    /// dest = σ_g(src) for NTT-form limbs: slot i holds a(ψ^{2·bitrev(i)+1}), so σ_g(a) at i is a at the slot of
    /// exponent (2·bitrev(i)+1)·g mod 2n — a pure permutation (SEAL <c>apply_galois_ntt</c>).
    /// </summary>
    public static void ApplyNtt(ReadOnlySpan<ulong> src, Span<ulong> dest, uint g, int limbs, int n)
    {
        int[] perm = NttPermutation(n, g);
        for (int l = 0; l < limbs; l++)
        {
            ReadOnlySpan<ulong> a = src.Slice(l * n, n);
            Span<ulong> d = dest.Slice(l * n, n);
            for (int i = 0; i < n; i++)
            {
                d[i] = a[perm[i]];
            }
        }
    }

    /// <summary>The slot permutation of σ_g on NTT-form limbs: σ_g(a)[i] = a[perm[i]] (cached per (n, g)).</summary>
    internal static int[] NttPermutation(int n, uint g) => NttPermutations.GetOrAdd((n, g), key =>
    {
        (int size, uint elt) = key;
        int logN = int.Log2(size);
        uint mask = (2u * (uint)size) - 1;
        var perm = new int[size];
        for (int i = 0; i < size; i++)
        {
            uint exponent = (2 * NttTables.BitReverse((uint)i, logN)) + 1;
            uint image = (uint)(((ulong)exponent * elt) & mask);
            perm[i] = (int)NttTables.BitReverse((image - 1) >> 1, logN);
        }

        return perm;
    });
}
