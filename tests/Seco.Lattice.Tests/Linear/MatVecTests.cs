using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Lattice.Tests.Bfv;
using Xunit;

namespace Seco.Lattice.Tests.Linear;

public sealed class MatVecTests(Keys4096Fixture fixture) : IClassFixture<Keys4096Fixture>
{
    private readonly BfvKeys _k = fixture.Keys;

    [Fact]
    public void Hoisted_rotations_equal_one_by_one_rotations()
    {
        ulong[] v = _k.RandomVector(1);
        Ciphertext ct = _k.Encrypt(v);
        int[] steps = [0, 1, -1, 5, 100];
        Ciphertext[] hoisted = _k.Evaluator.RotateRowsHoisted(ct, steps, _k.GaloisKeys);
        for (int i = 0; i < steps.Length; i++)
        {
            Assert.True(hoisted[i].IsNttForm);
            _k.Evaluator.TransformFromNtt(hoisted[i]);
            Assert.Equal(_k.Decrypt(_k.Evaluator.RotateRows(ct, steps[i], _k.GaloisKeys)), _k.Decrypt(hoisted[i]));
        }

        int budget = _k.Decryptor.InvariantNoiseBudget(_k.Evaluator.RotateRows(ct, 5, _k.GaloisKeys));
        Assert.InRange(_k.Decryptor.InvariantNoiseBudget(hoisted[3]), budget - 1, budget + 1);
    }

    [Fact]
    public void Hoisted_rotation_without_its_key_names_the_step()
    {
        Ciphertext ct = _k.Encrypt(_k.RandomVector(2));
        var e = Assert.Throws<ArgumentException>(() => _k.Evaluator.RotateRowsHoisted(ct, [1, 7], _k.GaloisKeys));
        Assert.Contains("step 7", e.Message);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 5)]
    [InlineData(10, 128)]
    [InlineData(16, 16)]
    [InlineData(100, 256)]
    [InlineData(128, 784)]
    [InlineData(300, 20)]
    [InlineData(1024, 1000)]
    [InlineData(2048, 37)]
    public void Plaintext_matrix_times_encrypted_vector_is_exact_mod_t(int rows, int columns)
    {
        var random = new Random((rows * 7919) + columns);
        ulong t = _k.T;
        ulong[] matrix = Enumerable.Range(0, rows * columns).Select(_ => (ulong)random.NextInt64((long)t)).ToArray();
        ulong[] x = Enumerable.Range(0, columns).Select(_ => (ulong)random.NextInt64((long)t)).ToArray();

        ulong[] y = Multiply(matrix, rows, columns, x, out PlainDiagonalMatrix encoded);

        Assert.Equal(Reference(matrix, rows, columns, x, t), y);
        Assert.Equal(encoded.Layout.Half, encoded.NonZeroCount);
    }

    [Fact]
    public void Zero_diagonals_are_skipped_and_the_result_stays_exact()
    {
        // A banded 64×64 matrix: only diagonals 0..2 (and their wrap-around) are non-zero.
        const int size = 64;
        ulong t = _k.T;
        var matrix = new ulong[size * size];
        var random = new Random(3);
        for (int r = 0; r < size; r++)
        {
            for (int d = 0; d < 3; d++)
            {
                matrix[(r * size) + ((r + d) % size)] = (ulong)random.NextInt64((long)t);
            }
        }

        ulong[] x = Enumerable.Range(0, size).Select(_ => (ulong)random.NextInt64((long)t)).ToArray();
        ulong[] y = Multiply(matrix, size, size, x, out PlainDiagonalMatrix encoded);

        Assert.Equal(Reference(matrix, size, size, x, t), y);
        Assert.Equal(3, encoded.NonZeroCount); // diagonals 0, 1, 2 in row 0; row 1's half (32..63) is all zero
    }

    [Fact]
    public void Misuse_is_reported()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MatVecLayout(4097, 10, 8192));
        Assert.Throws<ArgumentException>(() => PlainDiagonalMatrix.Encode(_k.Context, new ulong[5], 2, 3));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => PlainDiagonalMatrix.Encode(_k.Context, [0, _k.T], 1, 2));
        Assert.Contains("(0, 1)", e.Message);

        PlainDiagonalMatrix m = PlainDiagonalMatrix.Encode(_k.Context, new ulong[4], 2, 2);
        Ciphertext low = _k.Evaluator.ModSwitchToNext(_k.Encrypt(new ulong[_k.N]));
        Assert.Throws<ArgumentException>(() => MatVec.Multiply(_k.Evaluator, m, low, _k.GaloisKeys));
    }

    private ulong[] Multiply(ulong[] matrix, int rows, int columns, ulong[] x, out PlainDiagonalMatrix encoded)
    {
        encoded = PlainDiagonalMatrix.Encode(_k.Context, matrix, rows, columns);
        MatVecLayout layout = encoded.Layout;
        GaloisKeys keys = _k.KeyGenerator.CreateGaloisKeysFromElements(MatVec.GaloisElements(layout, _k.N));
        Ciphertext ct = _k.Encrypt(layout.PackInput(x, _k.T));
        Ciphertext product = MatVec.Multiply(_k.Evaluator, encoded, ct, keys);
        Assert.False(product.IsNttForm);
        return layout.UnpackOutput(_k.Decrypt(product));
    }

    internal static ulong[] Reference(ulong[] matrix, int rows, int columns, ulong[] x, ulong t)
    {
        var y = new ulong[rows];
        for (int r = 0; r < rows; r++)
        {
            UInt128 acc = 0;
            for (int c = 0; c < columns; c++)
            {
                acc += (UInt128)matrix[(r * columns) + c] * x[c];
            }

            y[r] = (ulong)(acc % t);
        }

        return y;
    }
}
