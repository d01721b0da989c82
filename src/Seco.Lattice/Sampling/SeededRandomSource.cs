using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Seco.Lattice.Sampling;

/// <summary>
/// A deterministic SHAKE-256 stream derived from a 32-byte seed. FOR TESTS ONLY: reproducible known-answer and
/// statistical tests. Never use it for secrets, errors or encryption randomness.
/// </summary>
/// <remarks>
/// <para>
/// Accident-proofing: the constructors are <c>internal</c>, so code outside this assembly can obtain an instance only
/// through <c>InternalsVisibleTo</c> (granted to <c>Seco.Lattice.Tests</c> alone). Inside the assembly,
/// <see cref="IsDeterministic"/> is true and every production entry point is expected to call
/// <see cref="RandomSource.EnsureNonDeterministic"/>, which rejects this type.
/// </para>
/// <para>
/// Stream definition (reproducible by other implementations): block j (j = 0, 1, …) is
/// <c>SHAKE-256("SECO-TEST-RNG-v1" || seed || LE64(j), 4096 bytes)</c>; the stream is the concatenation of the blocks,
/// and <see cref="IRandomSource.NextUInt64"/> reads 8 bytes of it little-endian. Counter mode is used instead of one
/// long squeeze because incremental <c>Shake256.Read</c> needs OpenSSL ≥ 3.3.
/// </para>
/// <para>
/// Requires <see cref="Shake256.IsSupported"/>; the constructor throws <see cref="PlatformNotSupportedException"/> otherwise.
/// </para>
/// </remarks>
public sealed class SeededRandomSource : RandomSource
{
    /// <summary>Required seed length in bytes.</summary>
    public const int SeedSize = 32;

    /// <summary>Domain-separation prefix (16 ASCII bytes).</summary>
    internal static ReadOnlySpan<byte> Domain => "SECO-TEST-RNG-v1"u8;

    private readonly byte[] _input; // Domain || seed || LE64(block counter)
    private ulong _counter;

    /// <summary>Creates the stream for a 32-byte seed. Test-only; see the type remarks.</summary>
    internal SeededRandomSource(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException($"Seed must be exactly {SeedSize} bytes; got {seed.Length}.", nameof(seed));
        }

        if (!Shake256.IsSupported)
        {
            throw new PlatformNotSupportedException("SHAKE-256 is not supported on this platform.");
        }

        _input = new byte[Domain.Length + SeedSize + sizeof(ulong)];
        Domain.CopyTo(_input);
        seed.CopyTo(_input.AsSpan(Domain.Length));
    }

    /// <summary>Convenience for tests: the seed is LE64(<paramref name="seed"/>) followed by 24 zero bytes.</summary>
    internal SeededRandomSource(ulong seed)
        : this(ExpandSeed(seed))
    {
    }

    /// <inheritdoc />
    public override bool IsDeterministic => true;

    /// <inheritdoc />
    protected override void GenerateBlock(Span<byte> block)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_input.AsSpan(Domain.Length + SeedSize), _counter++);
        Shake256.HashData(_input, block);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        CryptographicOperations.ZeroMemory(_input);
        base.Dispose(disposing);
    }

    /// <inheritdoc />
    public override string ToString() => "SeededRandomSource(TEST ONLY, deterministic)";

    private static byte[] ExpandSeed(ulong seed)
    {
        var bytes = new byte[SeedSize];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, seed);
        return bytes;
    }
}
