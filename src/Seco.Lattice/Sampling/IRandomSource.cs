namespace Seco.Lattice.Sampling;

/// <summary>
/// A stream of random bytes for the samplers. Implementations are not required to be thread-safe: give each thread
/// (or each key-generation/encryption call) its own source.
/// </summary>
/// <remarks>
/// <see cref="NextUInt64"/> returns the next 8 bytes of the same stream that <see cref="Fill"/> reads, interpreted as
/// a little-endian integer, so interleaving the two calls never skips or reuses bytes.
/// </remarks>
public interface IRandomSource
{
    /// <summary>
    /// True when the output is a reproducible function of a caller-supplied seed (<see cref="SeededRandomSource"/>).
    /// Code that samples secrets or errors must refuse such a source; see <see cref="RandomSource.EnsureNonDeterministic"/>.
    /// </summary>
    bool IsDeterministic { get; }

    /// <summary>Fills <paramref name="destination"/> with the next bytes of the stream.</summary>
    void Fill(Span<byte> destination);

    /// <summary>The next 8 bytes of the stream as a little-endian 64-bit integer.</summary>
    ulong NextUInt64();
}
