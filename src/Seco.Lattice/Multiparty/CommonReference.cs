using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Seco.Lattice.Multiparty;

/// <summary>
/// Per-protocol seeds for common reference polynomials (CRPs), derived from one public session seed that all parties
/// agree on (Mouchet et al. 2021, §4: the CRS). A CRP is public by design: anyone with the session seed recomputes it,
/// and it never feeds secret or error sampling (the prototype's defect of seeding key-share noise from the public
/// constant is impossible here: errors come only from <see cref="Sampling.SystemRandomSource"/>).
/// </summary>
public static class CommonReference
{
    /// <summary>Length of session and derived seeds in bytes.</summary>
    public const int SeedSize = 32;

    /// <summary>
    /// SHA-256("SECO-MPHE-CRP-v1" ‖ LE32(len(label)) ‖ label ‖ sessionSeed): one independent 32-byte seed per protocol
    /// instance (e.g. "ckg", "rkg", "rtg/3"), expanded by <see cref="Sampling.PublicPolynomialSampler"/>.
    /// </summary>
    public static byte[] DeriveSeed(ReadOnlySpan<byte> sessionSeed, string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        if (sessionSeed.Length != SeedSize)
        {
            throw new ArgumentException($"The session seed must be {SeedSize} bytes; got {sessionSeed.Length}.", nameof(sessionSeed));
        }

        byte[] labelBytes = Encoding.UTF8.GetBytes(label);
        var input = new byte[16 + 4 + labelBytes.Length + SeedSize];
        "SECO-MPHE-CRP-v1"u8.CopyTo(input);
        BinaryPrimitives.WriteInt32LittleEndian(input.AsSpan(16), labelBytes.Length); // LE32 on every host, as documented
        labelBytes.CopyTo(input, 20);
        sessionSeed.CopyTo(input.AsSpan(20 + labelBytes.Length));
        return SHA256.HashData(input);
    }

    /// <summary>A fresh random session seed (public; chosen by one party and broadcast).</summary>
    public static byte[] CreateSessionSeed() => RandomNumberGenerator.GetBytes(SeedSize);
}
