using Seco.Garbling.Crypto;
using Seco.Garbling.Ot;
using Xunit;

namespace Seco.Garbling.Tests.Ot;

public class OtBitTransposeTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(16)]
    public void SimdTransposeEqualsBitByBitReference(int w)
    {
        var columns = new Block[128 * w];
        Prg.ForTests((ulong)w).Fill(columns);
        var fast = new Block[128 * w];
        var reference = new Block[128 * w];
        BitTranspose.Transpose(columns, w, fast);
        BitTranspose.TransposeScalar(columns, w, reference);
        Assert.Equal(reference, fast);
    }

    [Fact]
    public void ReferenceTransposeMovesSingleBitsToTheirPlaces()
    {
        const int w = 2;
        var columns = new Block[128 * w];
        // Column 5, bit 200 (block 1 of the column, bit 72 of that block: byte 9, bit 0).
        columns[5 * w + 1] = new Block(0, 1UL << 8);
        var rows = new Block[128 * w];
        BitTranspose.TransposeScalar(columns, w, rows);
        for (int j = 0; j < rows.Length; j++) Assert.Equal(j == 200 ? new Block(1UL << 5, 0) : Block.Zero, rows[j]);
        BitTranspose.Transpose(columns, w, rows);
        Assert.Equal(new Block(1UL << 5, 0), rows[200]);
    }
}
