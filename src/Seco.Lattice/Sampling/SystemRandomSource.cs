using System.Security.Cryptography;

namespace Seco.Lattice.Sampling;

/// <summary>
/// The production random source, backed by the operating system CSPRNG (<see cref="RandomNumberGenerator"/>). This is
/// the only source that may be used for secret keys, errors and encryption randomness.
/// </summary>
/// <remarks>
/// <para>
/// Design: every 4 KiB block is <c>SHAKE-256("SECO-SYS-RNG-v1" || s, 4096)</c> for a fresh 32-byte seed s read from the
/// OS and wiped immediately. This mirrors SEAL's default (<c>randomgen.h</c>: a Blake2xb/SHAKE-256 PRNG seeded from
/// the OS) in drawing only 32 bytes of OS randomness per 4 KiB of output, but deliberately keeps no long-lived XOF
/// state: the Keccak permutation is invertible, so a long squeezed stream would let anyone who captures the sponge state recompute all
/// earlier output. With a fresh seed per block, a memory compromise exposes at most the current, partly consumed block
/// (and consumed bytes are wiped by <see cref="RandomSource"/>).
/// </para>
/// <para>
/// The one-shot <see cref="Shake256.HashData(ReadOnlySpan{byte}, Span{byte})"/> is used rather than incremental
/// <c>Shake256.Read</c>, because squeezing needs OpenSSL ≥ 3.3 and throws <see cref="PlatformNotSupportedException"/>
/// on older OpenSSL 3 builds. When SHAKE-256 is unavailable altogether the block is taken directly from
/// <see cref="RandomNumberGenerator.Fill"/> — equally secure, only more system calls — rather than adding a second
/// expansion primitive such as AES-CTR.
/// </para>
/// <para>Not thread-safe; use one instance per thread or per operation.</para>
/// </remarks>
public sealed class SystemRandomSource : RandomSource
{
    /// <summary>Domain-separation prefix (ASCII) for the expansion.</summary>
    internal static ReadOnlySpan<byte> Domain => "SECO-SYS-RNG-v1"u8;

    private const int SeedSize = 32;

    /// <summary>True when blocks are SHAKE-256 expansions of OS seeds; false when they come straight from the OS.</summary>
    public bool UsesShakeExpansion { get; } = Shake256.IsSupported;

    /// <inheritdoc />
    public override bool IsDeterministic => false;

    /// <inheritdoc />
    protected override void GenerateBlock(Span<byte> block)
    {
        if (!UsesShakeExpansion)
        {
            RandomNumberGenerator.Fill(block);
            return;
        }

        Span<byte> input = stackalloc byte[Domain.Length + SeedSize];
        try
        {
            Domain.CopyTo(input);
            RandomNumberGenerator.Fill(input[Domain.Length..]);
            Shake256.HashData(input, block);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        UsesShakeExpansion ? "SystemRandomSource(OS seed, SHAKE-256 expansion)" : "SystemRandomSource(OS direct)";
}
