using System.Security.Cryptography;
using Seco.Nn.Field;

namespace Seco.Protocol.Crypto;

/// <summary>
/// Uniform elements of Z_p from the OS CSPRNG (docs/protocol-decisions.md, "Prototype defects fixed": masks must be
/// uniform over Z_p, never from a small range or a fixed seed). Rejection sampling on 41-bit words: p/2^41 ≈ 0.94 accept.
/// </summary>
public static class ZpRandom
{
    private const ulong Mask = (1UL << 41) - 1;

    public static ulong[] Uniform(int count)
    {
        var result = new ulong[count];
        var words = new ulong[Math.Max(16, count + (count / 8) + 8)];
        int filled = 0;
        while (filled < count)
        {
            RandomNumberGenerator.Fill(System.Runtime.InteropServices.MemoryMarshal.AsBytes(words.AsSpan()));
            foreach (ulong w in words)
            {
                ulong v = w & Mask;
                if (v < PrimeField.P)
                {
                    result[filled++] = v;
                    if (filled == count) break;
                }
            }
        }
        return result;
    }
}
