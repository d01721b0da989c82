using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Lattice.Tests.Bfv;
using Xunit;
using Xunit.Abstractions;

namespace Seco.Lattice.Tests.Linear;

/// <summary>
/// The two forms of SECO's Lin-OP on weights F = F² + F³ held as shares by two servers: ct×ct (encrypted shares,
/// added, times the encrypted mask) and decision D1 of docs/protocol-decisions.md (each server multiplies its plaintext share into the
/// encrypted mask; the products are added). Both must give F·r mod t.
/// </summary>
public sealed class EncryptedMatVecTests(KeysSecoFixture fixture, ITestOutputHelper output) : IClassFixture<KeysSecoFixture>
{
    private readonly BfvKeys _k = fixture.Keys;

    [Fact]
    public void Dot_product_equals_the_sum_of_products()
    {
        var left = Enumerable.Range(0, 5).Select(i => _k.RandomVector(10 + i)).ToArray();
        var right = Enumerable.Range(0, 5).Select(i => _k.RandomVector(20 + i)).ToArray();
        Ciphertext dot = _k.Evaluator.DotProduct(left.Select(_k.Encrypt).ToList(), right.Select(_k.Encrypt).ToList());
        Assert.Equal(3, dot.Size);

        ulong[] expected = new ulong[_k.N];
        for (int i = 0; i < left.Length; i++)
        {
            expected = SlotMath.Add(expected, SlotMath.Mul(left[i], right[i], _k.T), _k.T);
        }

        Assert.Equal(expected, _k.Decrypt(_k.Evaluator.Relinearize(dot, _k.RelinKeys)));
        Assert.Throws<ArgumentException>(() => _k.Evaluator.DotProduct([_k.Encrypt(left[0])], []));
    }

    [Theory]
    [InlineData(10, 128)]
    [InlineData(100, 256)]
    [InlineData(300, 20)]
    public void Shared_weights_times_encrypted_mask_both_ways(int rows, int columns)
    {
        ulong t = _k.T;
        var random = new Random(rows + (31 * columns));
        ulong[] f = Enumerable.Range(0, rows * columns).Select(_ => (ulong)random.NextInt64((long)t)).ToArray();
        ulong[] f2 = f.Select(_ => (ulong)random.NextInt64((long)t)).ToArray();
        ulong[] f3 = f.Zip(f2, (a, b) => (a + t - b) % t).ToArray();
        ulong[] r = Enumerable.Range(0, columns).Select(_ => (ulong)random.NextInt64((long)t)).ToArray();
        ulong[] expected = MatVecTests.Reference(f, rows, columns, r, t);

        var layout = new MatVecLayout(rows, columns, _k.N);
        GaloisKeys keys = _k.KeyGenerator.CreateGaloisKeysFromElements(MatVec.GaloisElements(layout, _k.N));
        Ciphertext mask = _k.Encrypt(layout.PackInput(r, t));

        // ct×ct: A adds ct(F²) and ct(F³), then multiplies by ct(r).
        EncryptedDiagonalMatrix sum = EncryptedDiagonalMatrix.Add(_k.Evaluator,
            EncryptedDiagonalMatrix.Encrypt(_k.Context, _k.Encryptor, f2, rows, columns),
            EncryptedDiagonalMatrix.Encrypt(_k.Context, _k.Encryptor, f3, rows, columns));
        Ciphertext ctct = MatVec.Multiply(_k.Evaluator, sum, mask, _k.RelinKeys, keys);
        Assert.Equal(expected, layout.UnpackOutput(_k.Decrypt(ctct)));

        // D1: B and C each multiply their plaintext share into ct(r); A adds the two results.
        Ciphertext d1 = _k.Evaluator.Add(
            MatVec.Multiply(_k.Evaluator, PlainDiagonalMatrix.Encode(_k.Context, f2, rows, columns), mask, keys),
            MatVec.Multiply(_k.Evaluator, PlainDiagonalMatrix.Encode(_k.Context, f3, rows, columns), mask, keys));
        Assert.Equal(expected, layout.UnpackOutput(_k.Decrypt(d1)));

        output.WriteLine($"{rows}×{columns}: noise budget left ct×ct {_k.Decryptor.InvariantNoiseBudget(ctct)} bits, D1 {_k.Decryptor.InvariantNoiseBudget(d1)} bits");
        Assert.True(_k.Decryptor.InvariantNoiseBudget(ctct) > 0);
    }
}
