using System.Security.Cryptography;
using Seco.Lattice.Multiparty;
using Xunit;

namespace Seco.Lattice.Tests.Multiparty;

/// <summary>
/// Known answers for <see cref="CommonReference.DeriveSeed"/>: every party must derive the same CRP seeds whatever its
/// processor, so the layout SHA-256("SECO-MPHE-CRP-v1" ‖ LE32(len(label)) ‖ label ‖ sessionSeed) is pinned byte by byte.
/// </summary>
public class CommonReferenceTests
{
    private static readonly byte[] Session = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    [Theory]
    [InlineData("ckg", "ebdb8538d18df8fe77ef4e5ae8b4e866e22af7705d35edb8ff859e1e5413415e")]
    [InlineData("rtg/3", "2ad72ce0548f30c0d0a5e0b3d4c629b5e8747d95c7c529c9d47015ef8f711c88")]
    public void DeriveSeedHashesTheDocumentedLayout(string label, string expectedHex)
    {
        // The input built by hand from the documented layout (ASCII label, so UTF-8 bytes are the chars).
        byte[] domain = "SECO-MPHE-CRP-v1"u8.ToArray();
        byte[] length = [(byte)label.Length, 0, 0, 0];
        byte[] input = [.. domain, .. length, .. label.Select(c => (byte)c), .. Session];
        Assert.Equal(Convert.FromHexString(expectedHex), SHA256.HashData(input)); // the pinned digest is this layout's
        Assert.Equal(expectedHex, Convert.ToHexStringLower(CommonReference.DeriveSeed(Session, label)));
    }

    [Fact]
    public void LabelLengthIsLittleEndianWhateverTheHost()
    {
        // 300 = 0x012C needs two bytes, so a big-endian or truncated length would give another digest.
        string label = new('x', 300);
        byte[] input = [.. "SECO-MPHE-CRP-v1"u8.ToArray(), 0x2C, 0x01, 0x00, 0x00, .. Enumerable.Repeat((byte)'x', 300), .. Session];
        Assert.Equal(SHA256.HashData(input), CommonReference.DeriveSeed(Session, label));
        Assert.Equal("f69948011daeeca078d1ce996a4c56a7f2e6f0b56aba831ffe9b0062f823c821", Convert.ToHexStringLower(SHA256.HashData(input)));
    }
}
