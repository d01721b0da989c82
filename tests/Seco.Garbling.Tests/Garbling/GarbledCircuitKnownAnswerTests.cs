using Seco.Garbling.Circuits;
using Seco.Garbling.Circuits.Gadgets;
using Seco.Garbling.Crypto;
using Seco.Garbling.Garbling;
using Xunit;
using static Seco.Garbling.Tests.Circuits.SecoReluCircuitsTests;
using static Seco.Garbling.Tests.Circuits.ZpArithmeticTests;

namespace Seco.Garbling.Tests.Garbling;

/// <summary>Garble + evaluate on the circuits that matter: AES-128 (FIPS-197) and the SECO ReLU circuits.</summary>
public class GarbledCircuitKnownAnswerTests
{
    [Theory]
    [InlineData("000102030405060708090a0b0c0d0e0f", "00112233445566778899aabbccddeeff", "69c4e0d86a7b0430d8cdb78070b4c55a", false)]
    [InlineData("2b7e151628aed2a6abf7158809cf4f3c", "3243f6a8885a308d313198a2e0370734", "3925841d02dc09fbdc118597196a0b32", false)]
    [InlineData("000102030405060708090a0b0c0d0e0f", "00112233445566778899aabbccddeeff", "69c4e0d86a7b0430d8cdb78070b4c55a", true)]
    public void Aes128BristolCircuitGarblesToTheFips197Ciphertext(string key, string plaintext, string ciphertext, bool softwareAes)
    {
        var circuit = BristolFashion.ReadFile(Circuits.BristolFashionTests.AesPath);
        var inputs = BristolAes.Encode(Convert.FromHexString(key), Convert.FromHexString(plaintext));
        var options = new GarblingOptions(ChunkAndGates: 1000) { SoftwareAes = softwareAes };
        var outputs = HalfGatesTests.GarbleAndEvaluate(circuit, inputs, options, BlockRandom.Os);
        Assert.Equal(ciphertext, Convert.ToHexStringLower(BristolAes.Decode(outputs[0])));
        Assert.Equal(6400, circuit.Statistics.AndCount);
    }

    /// <summary>
    /// Thousands of random share tuples in one garbling of a batched layer: every neuron decodes to exactly the
    /// plaintext reference mod p, for k = 2 and 3 providers, including the ±p/2 boundary, ±1, 0 and wrapping shares.
    /// </summary>
    [Theory]
    [InlineData(2, 10, 2000)]
    [InlineData(3, 10, 2000)]
    [InlineData(3, 0, 1000)]
    [InlineData(3, 16, 1000)]
    public void GarbledRemoteTierReluDecodesToTheReference(int k, int shift, int neurons)
    {
        string[] owners = k == 2 ? ["B", "C"] : ["A", "B", "C"];
        var single = SecoReluCircuits.RemoteTier(shift, owners);
        var layer = CircuitBatch.Replicate(single, neurons);
        var rng = new Random(1000 * k + shift);
        var e = new ulong[neurons][];
        var r = new ulong[neurons][];
        for (int n = 0; n < neurons; n++)
        {
            e[n] = SharesOf(Target(rng, P, shift), k, rng, P);
            r[n] = Enumerable.Range(0, k).Select(_ => Sample(rng, P)).ToArray();
        }
        var inputs = new bool[layer.Inputs.Count][];
        for (int j = 0; j < k; j++)
        {
            inputs[layer.Inputs.ToList().FindIndex(g => g.Name == $"E{j + 1}")] = Pack(e.Select(x => x[j]), layer.Input($"E{j + 1}").Width / neurons);
            inputs[layer.Inputs.ToList().FindIndex(g => g.Name == $"neg_r{j + 1}")] = Pack(r.Select(x => SecoReluCircuits.Negate(x[j])), layer.Input($"neg_r{j + 1}").Width / neurons);
        }
        var y = Unpack(HalfGatesTests.GarbleAndEvaluate(layer, inputs, random: BlockRandom.Os)[0], neurons);
        for (int n = 0; n < neurons; n++)
            Assert.True(SecoReluCircuits.Reference(e[n], r[n], shift) == y[n], $"neuron {n}: E = ({string.Join(", ", e[n])}), r = ({string.Join(", ", r[n])})");
    }

    [Theory]
    [InlineData(8)]
    [InlineData(10)]
    public void GarbledGatewayReluDecodesToTheReference(int shift)
    {
        const int neurons = 1500;
        var layer = CircuitBatch.Replicate(SecoReluCircuits.Gateway(shift), neurons);
        var rng = new Random(shift);
        var values = new ulong[4][];
        for (int i = 0; i < 4; i++) values[i] = new ulong[neurons];
        for (int n = 0; n < neurons; n++)
        {
            var s = SharesOf(Target(rng, P, shift), 2, rng, P);
            values[0][n] = s[0]; values[1][n] = Sample(rng, P); values[2][n] = s[1]; values[3][n] = Sample(rng, P); // u, r', a, d
        }
        int w = layer.Input("u").Width / neurons;
        bool[][] inputs =
        [
            Pack(values[0], w), Pack(values[1].Select(x => SecoReluCircuits.Negate(x)), w),
            Pack(values[2], w), Pack(values[3].Select(x => SecoReluCircuits.Negate(x)), w),
        ];
        Assert.Equal(["u", "neg_r_next", "a", "neg_d"], layer.Inputs.Select(g => g.Name));
        var y = Unpack(HalfGatesTests.GarbleAndEvaluate(layer, inputs, random: BlockRandom.Os)[0], neurons);
        for (int n = 0; n < neurons; n++)
            Assert.Equal(SecoReluCircuits.GatewayReference(values[0][n], values[2][n], values[1][n], values[3][n], shift), y[n]);
    }

    private static bool[] Pack(IEnumerable<ulong> values, int width) => values.SelectMany(v => Circuit.ToBits(v, width)).ToArray();

    private static ulong[] Unpack(bool[] bits, int count)
    {
        int width = bits.Length / count;
        return Enumerable.Range(0, count).Select(n => Circuit.FromBits(bits.AsSpan(n * width, width).ToArray())).ToArray();
    }
}
