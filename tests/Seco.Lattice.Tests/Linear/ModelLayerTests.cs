using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Lattice.Tests.Bfv;
using Seco.Nn.Data;
using Seco.Nn.FixedPoint;
using Seco.Nn.Onnx;
using Seco.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace Seco.Lattice.Tests.Linear;

/// <summary>
/// Every linear block of the shipped CNNs, evaluated homomorphically at the SECO preset (t = p), equals the fixed-point
/// reference's pre-truncation block output mod p — on the activations a real image produces.
/// </summary>
public sealed class ModelLayerTests(KeysSecoFixture fixture, ITestOutputHelper output) : IClassFixture<KeysSecoFixture>
{
    private readonly BfvKeys _k = fixture.Keys;

    [Theory]
    [InlineData("minionn.onnx")]
    [InlineData("lenet.onnx")]
    public void Every_block_computed_homomorphically_equals_the_reference_mod_p(string file)
    {
        var model = new FixedPointModel(OnnxImporter.Load(Path.Combine(TestHost.Root, "models", file)), FixedPointFormat.Default);
        ImageSet images = IdxFile.Load(Path.Combine(TestHost.Root, "models", "fashion-mnist-test-1000-images-idx3-ubyte"));
        double[] image = images.Input(0);
        long[] input = image.Select(model.Format.Encode).ToArray();
        FixedPointResult reference = FixedPointReference.Forward(model, input);
        ulong p = _k.T;

        for (int b = 0; b < model.Blocks.Count; b++)
        {
            FixedPointBlock block = model.Blocks[b];
            long[] x = b == 0 ? input : reference.BlockOutputs[b - 1];
            long[] expected = x;
            foreach (QuantizedLayer layer in block.Layers)
            {
                expected = layer.Apply(expected);
            }

            BlockMatrix matrix = BlockMatrix.Build(block);
            PlainDiagonalMatrix encoded = PlainDiagonalMatrix.Encode(_k.Context, PlainDiagonalMatrix.ToResidues(matrix.Weights, p), matrix.Rows, matrix.Columns);
            MatVecLayout layout = encoded.Layout;
            GaloisKeys keys = _k.KeyGenerator.CreateGaloisKeysFromElements(MatVec.GaloisElements(layout, _k.N));

            Ciphertext ct = _k.Encrypt(layout.PackInput(PlainDiagonalMatrix.ToResidues(x, p), p));
            Ciphertext y = MatVec.Multiply(_k.Evaluator, encoded, ct, keys);
            _k.Evaluator.AddPlainInplace(y, _k.Encoder.Encode(layout.PackOutput(PlainDiagonalMatrix.ToResidues(matrix.Bias, p), p)));

            int budget = _k.Decryptor.InvariantNoiseBudget(y);
            output.WriteLine($"{file} block {b}: {matrix.Rows}×{matrix.Columns}, {encoded.NonZeroCount} products, B={layout.BabySteps} G={layout.GiantSteps}, " +
                $"{layout.RotationSteps.Count + 1} Galois keys, noise budget left {budget} bits");
            Assert.Equal(PlainDiagonalMatrix.ToResidues(expected, p), layout.UnpackOutput(_k.Decrypt(y)));
            Assert.True(budget > 0);
        }
    }
}
