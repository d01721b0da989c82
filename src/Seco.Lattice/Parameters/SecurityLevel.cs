namespace Seco.Lattice.Parameters;

/// <summary>
/// Classical security level the total coefficient modulus is checked against, mirroring SEAL's
/// <c>sec_level_type</c> (same numeric values). Bounds come from the HomomorphicEncryption.org standard
/// (Albrecht et al., "Homomorphic Encryption Security Standard", 2018, Table 1, ternary secret).
/// </summary>
public enum SecurityLevel
{
    /// <summary>
    /// No security check at all. Exists ONLY so tests can build tiny, deliberately insecure parameter sets; it must
    /// never be reachable from a production code path (SEAL's <c>sec_level_type::none</c> carries the same warning).
    /// </summary>
    None = 0,

    /// <summary>128-bit classical security.</summary>
    Tc128 = 128,

    /// <summary>192-bit classical security.</summary>
    Tc192 = 192,

    /// <summary>256-bit classical security.</summary>
    Tc256 = 256,
}
