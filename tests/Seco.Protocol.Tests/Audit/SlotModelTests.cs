using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Protocol.Crypto;
using Xunit;

namespace Seco.Protocol.Tests.Audit;

/// <summary>
/// The audit's slot model agrees with real encrypted products in all n slots, for the shapes the shipped models use
/// (tall, wide with folds that wrap the whole row, square), so what the audit calls "the unmasked Lin-OP slots" is
/// what a decryptor would really see.
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
}
