using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Protocol.Crypto;
using Seco.Protocol.Model.Linear;
using Xunit;

namespace Seco.Protocol.Tests.Audit;

/// <summary>
/// The audit's slot models agree with real encrypted products in every slot, for the shapes the shipped models use —
/// the mat-vec's <see cref="SlotModel"/> (tall, wide with folds that wrap the whole row, square) and the channel-packed
/// convolution's output packing of W·x over all its output ciphertexts (<see cref="FormSlots.Unmasked"/>) — so what the
/// audit calls "the unmasked Lin-OP slots" is what a decryptor would really see.
/// </summary>
public class SlotModelTests
{
    [Theory]
    [InlineData(2304, 784)] // MiniONN block 1: tall
    [InlineData(256, 2304)] // MiniONN block 2: wide, the folds wrap the whole row (k' = n/2)
    [InlineData(128, 784)] // MLP block 1: wide, folds stop inside the row
    [InlineData(100, 256)] // MiniONN block 3: rows not a power of two
    [InlineData(10, 10)] // square, the smallest
    public void Model_matches_the_decrypted_product_in_every_slot(int rows, int columns)
    {
        var context = EndToEndTests.Context.Value;
        var layout = new MatVecLayout(rows, columns, context.N);
        using var keys = new KeyGenerator(context);
        using var encryptor = new Encryptor(context, keys.CreatePublicKey());
        var encoder = new BatchEncoder(context);
        ulong[] matrix = ZpRandom.Uniform(rows * columns), x = ZpRandom.Uniform(columns);

        Ciphertext product = MatVec.Multiply(new Evaluator(context), PlainDiagonalMatrix.Encode(context, matrix, rows, columns),
            encryptor.Encrypt(encoder.Encode(layout.PackInput(x, context.PlainModulus.Value))),
            keys.CreateGaloisKeysFromElements(MatVec.GaloisElements(layout, context.N)));
        ulong[] decrypted = encoder.Decode(new Decryptor(context, keys.SecretKey).Decrypt(product));

        ulong[] model = SlotModel.Slots(matrix, rows, columns, x, context.N);
        Assert.Equal(decrypted, model);
        Assert.Equal(ZpVector.MultiplyAdd(matrix, rows, columns, x), model[..rows]); // and slots 0..m−1 are M·x
    }

    [Theory]
    [InlineData(20)] // LeNet block 1 (5×5 conv + 2×2 pool composed: 6×6 stride 2): 20 channels over three output ciphertexts
    [InlineData(16)] // MiniONN block 1: 16 channels, two output ciphertexts
    public void Convolution_model_matches_the_decrypted_product_in_every_slot_of_every_ciphertext(int channels)
    {
        var context = EndToEndTests.Context.Value;
        var form = new ConvolutionForm(new ConvShape(1, 28, 28, channels, 6, 6, 2, 2), null, context.N);
        using var keys = new KeyGenerator(context);
        using var encryptor = new Encryptor(context, keys.CreatePublicKey());
        var encoder = new BatchEncoder(context);
        var decryptor = new Decryptor(context, keys.SecretKey);
        // Uniform weights, as a server's weight share is: the model must hold for any weights, not only a learned kernel's.
        ulong[] weights = ZpRandom.Uniform(form.WeightCount), x = ZpRandom.Uniform(form.Columns);

        Ciphertext[] product = form.Encode(context, weights).Multiply(new Evaluator(context), [.. form.PackInput(x).Select(s => encryptor.Encrypt(encoder.Encode(s)))],
            keys.CreateGaloisKeysFromElements(form.GaloisElements()));
        Assert.Equal(form.OutputCiphertexts, product.Length);
        ulong[] decrypted = FormSlots.Concat(product.Select(ct => encoder.Decode(decryptor.Decrypt(ct))));

        ulong[] model = FormSlots.Concat(form.PackOutput(form.Apply(weights, x)));
        Assert.Equal(decrypted, model);
        int[] outputs = FormSlots.OutputPositions(form);
        Assert.Equal(form.Apply(weights, x), FormSlots.At(decrypted, outputs));
        Assert.All(FormSlots.Except(decrypted, outputs), v => Assert.Equal(0UL, v)); // nothing but the outputs: every other slot exactly 0
    }
}
