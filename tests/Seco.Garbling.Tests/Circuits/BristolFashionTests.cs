using Seco.Garbling.Circuits;
using Seco.Tests.Shared;
using Xunit;

namespace Seco.Garbling.Tests.Circuits;

public class BristolFashionTests
{
    /// <summary>The Bristol Fashion AES-128 circuit committed in tests/data/bristol (a missing file fails the test).</summary>
    internal static string AesPath => TestHost.DataFile("bristol", "aes_128.txt");

    private static byte[] Hex(string s) => Convert.FromHexString(s);

    private static void AssertEncrypts(Circuit aes, string key, string plaintext, string ciphertext)
    {
        var output = aes.Evaluate(BristolAes.Encode(Hex(key), Hex(plaintext)));
        Assert.Equal(ciphertext, Convert.ToHexStringLower(BristolAes.Decode(output[0])));
    }

    [Fact]
    public void AesCircuitMatchesFips197Vectors()
    {
        var aes = BristolFashion.ReadFile(AesPath, ["garbler", "evaluator"]);
        Assert.Equal(36663, aes.Statistics.GateCount);
        Assert.Equal(6400, aes.Statistics.AndCount);
        Assert.Equal(28176, aes.Statistics.XorCount);
        Assert.Equal(2087, aes.Statistics.InvCount);
        Assert.Equal(36919, aes.WireCount);
        Assert.Equal([128, 128], aes.Inputs.Select(g => g.Width));
        Assert.Equal("evaluator", aes.Input("in1").Owner);
        Assert.Equal(128, aes.Output("out0").Width);
        AssertEncrypts(aes, "000102030405060708090a0b0c0d0e0f", "00112233445566778899aabbccddeeff", "69c4e0d86a7b0430d8cdb78070b4c55a"); // FIPS-197 C.1
        AssertEncrypts(aes, "2b7e151628aed2a6abf7158809cf4f3c", "3243f6a8885a308d313198a2e0370734", "3925841d02dc09fbdc118597196a0b32"); // FIPS-197 App. B
    }

    [Fact]
    public void AesSurvivesWriteThenRead()
    {
        var aes = BristolFashion.ReadFile(AesPath);
        var text = new StringWriter();
        BristolFashion.Write(aes, text);
        var again = BristolFashion.Read(new StringReader(text.ToString()));
        Assert.Equal(aes.Statistics, again.Statistics);
        Assert.Equal(aes.WireCount, again.WireCount);
        AssertEncrypts(again, "000102030405060708090a0b0c0d0e0f", "00112233445566778899aabbccddeeff", "69c4e0d86a7b0430d8cdb78070b4c55a");
        // The written file keeps the format's conventions: outputs are the last 128 wires.
        var header = text.ToString().Split('\n');
        Assert.Equal("36663 36919", header[0]);
        Assert.Equal("2 128 128", header[1]);
        Assert.Equal("1 128", header[2]);
    }

    [Fact]
    public void BlockEncodingIsBigEndianIntegerLsbFirst()
    {
        var block = new byte[16];
        block[15] = 0x01; block[0] = 0x80;
        var bits = BristolAes.ToBits(block);
        Assert.True(bits[0]);
        Assert.True(bits[127]);
        Assert.Equal(2, bits.Count(b => b));
        Assert.Equal(block, BristolAes.Decode(bits));
        Assert.Throws<ArgumentException>(() => BristolAes.ToBits(new byte[15]));
    }

    [Fact]
    public void ReadsEqwEqAndMand()
    {
        // in0: 2 bits (wires 0, 1). Outputs: wires 6..9 = copy of in0[1], constant 1, a∧b, a∧¬b.
        const string text = """
            7 10
            1 2
            1 4

            1 1 1 6 EQW
            1 1 1 7 EQ
            1 1 1 2 INV
            1 1 0 3 EQ
            1 1 3 4 EQW
            2 1 4 0 5 XOR
            4 2 0 0 1 2 8 9 MAND
            """;
        var c = BristolFashion.Read(new StringReader(text));
        Assert.Equal(2, c.Statistics.AndCount);
        for (ulong x = 0; x < 4; x++)
        {
            bool a = (x & 1) != 0, b = (x & 2) != 0;
            ulong expected = (b ? 1UL : 0) | 2UL | (a && b ? 4UL : 0) | (a && !b ? 8UL : 0);
            Assert.Equal(expected, c.Evaluate(x)[0]);
        }
        // EQW and the repeated output copy survive a write/read round trip.
        var w = new StringWriter();
        BristolFashion.Write(c, w);
        var again = BristolFashion.Read(new StringReader(w.ToString()));
        for (ulong x = 0; x < 4; x++) Assert.Equal(c.Evaluate(x), again.Evaluate(x));
    }

    [Theory]
    [InlineData("", "line 1: the file is empty")]
    [InlineData("1 2\n1 2\n1 1\n2 1 0 1 2 XOR", "line 3: 2 input and 1 output wires exceed")]
    [InlineData("1 3\n1 2\n1 1\n2 1 0 1 2 NAND", "line 4: unknown operation 'NAND'")]
    [InlineData("1 3\n1 2\n1 1\n2 1 0 1 2 INV", "line 4: INV takes 1 inputs and 1 outputs, found 2 and 1")]
    [InlineData("1 3\n1 2\n1 1\n2 1 0 1 2 3 XOR", "line 4: 'XOR' with 2 inputs and 1 outputs needs 6 fields, found 7")]
    [InlineData("1 3\n1 2\n1 1\n2 1 0 7 2 XOR", "line 4: wire 7 is outside 0..2")]
    [InlineData("2 4\n1 2\n1 1\n2 1 0 2 3 AND\n1 1 0 2 INV", "line 4: AND reads wire 2 before it is defined")]
    [InlineData("1 3\n1 2\n1 1\n2 1 0 1 1 XOR", "line 4: XOR writes wire 1, which is already defined")]
    [InlineData("2 3\n1 2\n1 1\n2 1 0 1 2 XOR", "line 5: the header declares 2 gates but the file ends after 1")]
    [InlineData("1 3\n1 2\n1 1\n2 1 0 1 2 XOR\n1 1 0 2 INV", "line 5: the header declares 1 gates, but the file has more lines")]
    [InlineData("1 3\n2 2\n1 1\n2 1 0 1 2 XOR", "line 2: 2 input values declared but 1 widths given")]
    [InlineData("1 x\n1 2\n1 1\n2 1 0 1 2 XOR", "line 1: wire count 'x' is not a non-negative integer")]
    [InlineData("1 4\n1 2\n1 1\n2 1 0 1 2 XOR", "output wire 3 (bit 0 of output 0) is never assigned")]
    [InlineData("1 3\n1 2\n1 1\n1 1 5 2 EQ", "line 4: EQ assigns the constant 0 or 1, found '5'")]
    [InlineData("1 4\n1 2\n1 2\n3 1 0 1 1 2 MAND", "line 4: MAND needs 2m inputs and m outputs, found 3 and 1")]
    public void MalformedFilesAreRejectedNamingTheLine(string text, string message)
    {
        var e = Assert.Throws<FormatException>(() => BristolFashion.Read(new StringReader(text)));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void WriterRenumbersBuilderCircuitsAndRoundTrips()
    {
        // Outputs that are inputs, constants, and repeats: all need EQW copies so the outputs are distinct last wires.
        var cb = new CircuitBuilder();
        var a = cb.Input("a", "g", 3);
        var b = cb.Input("b", "e", 3);
        var t = cb.And(a[0], b[0]);
        cb.Output("o1", "e", [t, a[1], Bit.One, t]);
        cb.Output("o2", "e", [cb.Xor(a[2], b[2]), cb.Or(b[1], t)]);
        var c = cb.Build();
        var w = new StringWriter();
        BristolFashion.Write(c, w);
        var again = BristolFashion.Read(new StringReader(w.ToString()));
        Assert.Equal(c.Statistics.AndCount, again.Statistics.AndCount);
        Assert.Equal([4, 2], again.Outputs.Select(g => g.Width));
        var rows = w.ToString().Split('\n');
        int wires = int.Parse(rows[0].Split(' ')[1]);
        // The last 6 wires are written exactly once each.
        var written = rows.Skip(4).Where(r => r.Length > 0).Select(r => int.Parse(r.Split(' ')[^2])).ToList();
        Assert.Equal(Enumerable.Range(wires - 6, 6), written.Where(x => x >= wires - 6).Order());
        for (ulong x = 0; x < 8; x++)
            for (ulong y = 0; y < 8; y++)
                Assert.Equal(c.Evaluate(x, y), again.Evaluate(x, y));
    }
}
