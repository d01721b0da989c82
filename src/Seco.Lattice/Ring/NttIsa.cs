namespace Seco.Lattice.Ring;

/// <summary>The instruction sets <see cref="NegacyclicNtt"/> has an implementation for (see <see cref="NegacyclicNtt.Isa"/>).</summary>
public enum NttIsa
{
    /// <summary>Portable 64-bit scalar code (BMI2 <c>mulx</c> for the high product when available).</summary>
    Scalar,

    /// <summary>256-bit vectors, 4 lanes: AVX2 (64×64-bit products emulated with <c>vpmuludq</c>).</summary>
    Avx2,

    /// <summary>512-bit vectors, 8 lanes: AVX-512 F + DQ (<c>vpmullq</c> for low products).</summary>
    Avx512,
}
