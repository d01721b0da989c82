using Seco.Garbling.Crypto;
using Xunit;

namespace Seco.Garbling.Tests.Crypto;

public class BlockTests
{
    [Fact]
    public void HexRoundTripKeepsAesByteOrder()
    {
        var b = Block.FromHex("000102030405060708090a0b0c0d0e0f");
        Assert.Equal(0x0706050403020100UL, b.Lo);
        Assert.Equal(0x0f0e0d0c0b0a0908UL, b.Hi);
        Assert.Equal("000102030405060708090a0b0c0d0e0f", b.ToString());
        Assert.False(b.Lsb);
        Assert.True(b.WithLsbSet().Lsb);
    }

    [Fact]
    public void XorAndSelect()
    {
        var a = new Block(0xF0F0, 0x1);
        var b = new Block(0x0FF0, 0x3);
        Assert.Equal(new Block(0xFF00, 0x2), a ^ b);
        Assert.Equal(Block.Zero, Block.Select(false, a));
        Assert.Equal(a, Block.Select(true, a));
    }

    [Fact]
    public void RejectsShortInput()
    {
        Assert.Throws<ArgumentException>(() => Block.Read(new byte[15]));
        Assert.Throws<ArgumentException>(() => Block.FromBytes(new byte[17]));
        Assert.Throws<FormatException>(() => Block.FromHex("00"));
    }
}
