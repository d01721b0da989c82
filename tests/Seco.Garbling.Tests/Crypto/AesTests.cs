using Seco.Garbling.Crypto;
using Xunit;

namespace Seco.Garbling.Tests.Crypto;

public class AesTests
{
    // FIPS-197 Appendix C.1 (AES-128) and Appendix B.
    [Theory]
    [InlineData("000102030405060708090a0b0c0d0e0f", "00112233445566778899aabbccddeeff", "69c4e0d86a7b0430d8cdb78070b4c55a")]
    [InlineData("2b7e151628aed2a6abf7158809cf4f3c", "3243f6a8885a308d313198a2e0370734", "3925841d02dc09fbdc118597196a0b32")]
    public void Fips197Vectors(string key, string plaintext, string ciphertext)
    {
        var k = Block.FromHex(key);
        var p = Block.FromHex(plaintext);
        Assert.Equal(ciphertext, new Aes128(k, hardware: false).Encrypt(p).ToString());
        if (System.Runtime.Intrinsics.X86.Aes.IsSupported)
            Assert.Equal(ciphertext, new Aes128(k, hardware: true).Encrypt(p).ToString());
    }

    [SkippableFact]
    public void HardwareAndSoftwareAgreeOnRandomBatches()
    {
        Skip.IfNot(System.Runtime.Intrinsics.X86.Aes.IsSupported, "AES-NI absent: only the software path runs here");
        var rng = Prg.ForTests(1);
        for (int trial = 0; trial < 20; trial++)
        {
            var key = rng.Next();
            var input = new Block[37];
            rng.Fill(input);
            var hw = new Block[37];
            var sw = new Block[37];
            new Aes128(key, hardware: true).Encrypt(input, hw);
            new Aes128(key, hardware: false).Encrypt(input, sw);
            Assert.Equal(sw, hw);
        }
    }

    [Fact]
    public void BatchHashEqualsSingleHashAndSoftwarePath()
    {
        var rng = Prg.ForTests(2);
        var x = new Block[19];
        rng.Fill(x);
        var offset = rng.Next();
        var tweaks = Enumerable.Range(0, 19).Select(i => (ulong)(1000 + i)).ToArray();
        var output = new Block[19];
        TweakableHash.Hash(x, offset, 1000, output);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(TweakableHash.Hash(x[i] ^ offset, tweaks[i]), output[i]);
            Assert.Equal(TweakableHash.Hash(TweakableHash.SoftwarePermutation, x[i] ^ offset, tweaks[i]), output[i]);
        }
        Assert.NotEqual(TweakableHash.Hash(x[0], 1), TweakableHash.Hash(x[0], 2));
    }

    [Fact]
    public void PrgIsDeterministicPerSeedAndOsSourceIsNot()
    {
        var a = new Block[8]; var b = new Block[8]; var c = new Block[8];
        Prg.ForTests(9).Fill(a); Prg.ForTests(9).Fill(b); Prg.ForTests(10).Fill(c);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.True(Prg.ForTests(9).IsDeterministic);
        Assert.False(BlockRandom.Os.IsDeterministic);
        Assert.NotEqual(BlockRandom.Os.Next(), BlockRandom.Os.Next());
        var bytes = new byte[21];
        Prg.ForTests(3).FillBytes(bytes);
        Assert.Contains(bytes, x => x != 0);
    }
}
