namespace Seco.Lattice.Parameters;

/// <summary>
/// Largest total coefficient-modulus bit count log2(q) that keeps RLWE with a ternary secret at the requested classical
/// security level. Values are SEAL's <c>CoeffModulus::MaxBitCount</c> (util/hestdparms.h), which transcribe
/// Albrecht et al., "Homomorphic Encryption Security Standard" (HomomorphicEncryption.org, 2018), Table 1.
/// </summary>
public static class SecurityBounds
{
    private static readonly int[] Degrees = [1024, 2048, 4096, 8192, 16384, 32768];
    private static readonly int[] Tc128 = [27, 54, 109, 218, 438, 881];
    private static readonly int[] Tc192 = [19, 37, 75, 152, 305, 611];
    private static readonly int[] Tc256 = [14, 29, 58, 118, 237, 476];

    /// <summary>
    /// The maximum total coefficient-modulus bit count for degree <paramref name="n"/> at <paramref name="level"/>;
    /// <see cref="int.MaxValue"/> for <see cref="SecurityLevel.None"/>, 0 when the standard has no entry for n
    /// (SEAL returns 0 in that case too, which makes every modulus fail the check).
    /// </summary>
    public static int MaxCoeffModulusBitCount(int n, SecurityLevel level)
    {
        if (level == SecurityLevel.None)
        {
            return int.MaxValue;
        }

        int index = Array.IndexOf(Degrees, n);
        if (index < 0)
        {
            return 0;
        }

        return level switch
        {
            SecurityLevel.Tc128 => Tc128[index],
            SecurityLevel.Tc192 => Tc192[index],
            SecurityLevel.Tc256 => Tc256[index],
            _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown security level."),
        };
    }
}
