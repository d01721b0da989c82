using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Lattice.Tests.Bfv;

namespace Seco.Lattice.Tests.Linear;

/// <summary>
/// The mat-vec's intermediates live on the evaluator's scratch pool (issue 19). These tests pin that this changes no
/// bit of the result: against an allocating reference built from the public operations, across repeated calls on a
/// warm (reused) pool, and with several threads sharing one evaluator. A pool that handed out dirty or shared arrays
/// would change residues even where decryption happens to survive.
/// </summary>
public sealed class PooledMatVecTests(Keys4096Fixture fixture) : IClassFixture<Keys4096Fixture>
{
    private readonly BfvKeys _k = fixture.Keys;

    [Theory]
    [InlineData(10, 128)] // wide: fold rotations
    [InlineData(128, 10)] // tall
    [InlineData(100, 256)]
    [InlineData(64, 64)]
    public void Plain_product_equals_the_unpooled_reference_bit_for_bit(int rows, int columns)
    {
        (PlainDiagonalMatrix m, Ciphertext x, GaloisKeys keys) = Problem(rows, columns, seed: rows + columns);
        CiphertextBits.AssertIdentical(Reference(m, x, keys), MatVec.Multiply(_k.Evaluator, m, x, keys));
    }

    [Fact]
    public void Plain_product_with_empty_giant_steps_equals_the_reference()
    {
        // 64×64 with one non-zero generalised diagonal, 20: h = 32, B = 8, so it sits in giant step 2 and giant steps
        // 0 and 1 are empty — the first non-empty giant step is not the first one.
        const int size = 64;
        var matrix = new ulong[size * size];
        var random = new Random(20);
        for (int r = 0; r < size; r++)
        {
            matrix[(r * size) + ((r + 20) % size)] = (ulong)random.NextInt64((long)_k.T);
        }

        PlainDiagonalMatrix m = PlainDiagonalMatrix.Encode(_k.Context, matrix, size, size);
        Assert.Null(m.Diagonals[0]);
        GaloisKeys keys = _k.KeyGenerator.CreateGaloisKeysFromElements(MatVec.GaloisElements(m.Layout, _k.N));
        ulong[] xs = Enumerable.Range(0, size).Select(_ => (ulong)random.NextInt64((long)_k.T)).ToArray();
        Ciphertext x = _k.Encrypt(m.Layout.PackInput(xs, _k.T));

        Ciphertext product = MatVec.Multiply(_k.Evaluator, m, x, keys);
        CiphertextBits.AssertIdentical(Reference(m, x, keys), product);
        Assert.Equal(MatVecTests.Reference(matrix, size, size, xs, _k.T), m.Layout.UnpackOutput(_k.Decrypt(product)));
    }

    [Fact]
    public void Encrypted_product_equals_the_unpooled_reference_bit_for_bit()
    {
        const int rows = 20, columns = 40;
        var random = new Random(41);
        ulong[] f = Enumerable.Range(0, rows * columns).Select(_ => (ulong)random.NextInt64((long)_k.T)).ToArray();
        EncryptedDiagonalMatrix m = EncryptedDiagonalMatrix.Encrypt(_k.Context, _k.Encryptor, f, rows, columns);
        GaloisKeys keys = _k.KeyGenerator.CreateGaloisKeysFromElements(MatVec.GaloisElements(m.Layout, _k.N));
        ulong[] xs = Enumerable.Range(0, columns).Select(_ => (ulong)random.NextInt64((long)_k.T)).ToArray();
        Ciphertext x = _k.Encrypt(m.Layout.PackInput(xs, _k.T));

        Ciphertext product = MatVec.Multiply(_k.Evaluator, m, x, _k.RelinKeys, keys);
        CiphertextBits.AssertIdentical(Reference(m, x, keys), product);
        CiphertextBits.AssertIdentical(product, MatVec.Multiply(_k.Evaluator, m, x, _k.RelinKeys, keys)); // warm pool
        Assert.Equal(MatVecTests.Reference(f, rows, columns, xs, _k.T), m.Layout.UnpackOutput(_k.Decrypt(product)));
    }

    [Fact]
    public void Repeated_products_on_a_reused_pool_equal_a_fresh_evaluators()
    {
        (PlainDiagonalMatrix wide, Ciphertext x1, GaloisKeys k1) = Problem(10, 128, seed: 1);
        (PlainDiagonalMatrix tall, Ciphertext x2, GaloisKeys k2) = Problem(256, 32, seed: 2);
        Ciphertext expected1 = MatVec.Multiply(new Evaluator(_k.Context), wide, x1, k1);
        Ciphertext expected2 = MatVec.Multiply(new Evaluator(_k.Context), tall, x2, k2);

        // Interleaved shapes: each call rents arrays the other left behind, in other roles.
        var evaluator = new Evaluator(_k.Context);
        for (int round = 0; round < 3; round++)
        {
            CiphertextBits.AssertIdentical(expected1, MatVec.Multiply(evaluator, wide, x1, k1));
            CiphertextBits.AssertIdentical(expected2, MatVec.Multiply(evaluator, tall, x2, k2));
        }

        // What the products gave back is zeroed: the pool holds no ciphertext material between calls.
        int length = 2 * x1.Level * _k.N;
        int retained = evaluator.Scratch.Retained(length);
        Assert.True(retained > 0, "the products returned nothing to the pool");
        for (int i = 0; i < retained; i++)
        {
            Assert.All(evaluator.Scratch.Rent(length), word => Assert.Equal(0UL, word));
        }
    }

    [Fact]
    public void Threads_sharing_one_evaluator_get_the_sequential_results()
    {
        var problems = new[] { Problem(10, 128, seed: 3), Problem(128, 128, seed: 4), Problem(300, 20, seed: 5) };
        Ciphertext[] expected = problems.Select(p => MatVec.Multiply(new Evaluator(_k.Context), p.Matrix, p.X, p.Keys)).ToArray();

        var shared = new Evaluator(_k.Context);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        Parallel.For(0, 6, new ParallelOptions { MaxDegreeOfParallelism = 6 }, worker =>
        {
            for (int round = 0; round < 3; round++)
            {
                int which = (worker + round) % problems.Length;
                (PlainDiagonalMatrix m, Ciphertext x, GaloisKeys keys) = problems[which];
                Ciphertext product = MatVec.Multiply(shared, m, x, keys);
                if (!product.Data.AsSpan().SequenceEqual(expected[which].Data))
                {
                    failures.Enqueue($"worker {worker}, round {round}, problem {which}");
                }
            }
        });

        Assert.Empty(failures);
    }

    [Fact]
    public void A_warm_product_allocates_little_more_than_its_result()
    {
        (PlainDiagonalMatrix m, Ciphertext x, GaloisKeys keys) = Problem(100, 256, seed: 6);
        var evaluator = new Evaluator(_k.Context);
        MatVec.Multiply(evaluator, m, x, keys); // fills the pool (and JIT-compiles)
        MatVec.Multiply(evaluator, m, x, keys);

        long before = GC.GetAllocatedBytesForCurrentThread();
        MatVec.Multiply(evaluator, m, x, keys);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Before pooling this shape allocated B + G + 1 + folds ≈ 17 ciphertexts; now the result and small change.
        long ciphertext = 2L * x.Level * _k.N * sizeof(ulong);
        Assert.InRange(allocated, ciphertext, ciphertext + (ciphertext / 4));
    }

    private (PlainDiagonalMatrix Matrix, Ciphertext X, GaloisKeys Keys) Problem(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        ulong[] matrix = Enumerable.Range(0, rows * columns).Select(_ => (ulong)random.NextInt64((long)_k.T)).ToArray();
        ulong[] xs = Enumerable.Range(0, columns).Select(_ => (ulong)random.NextInt64((long)_k.T)).ToArray();
        PlainDiagonalMatrix m = PlainDiagonalMatrix.Encode(_k.Context, matrix, rows, columns);
        GaloisKeys keys = _k.KeyGenerator.CreateGaloisKeysFromElements(MatVec.GaloisElements(m.Layout, _k.N));
        return (m, _k.Encrypt(m.Layout.PackInput(xs, _k.T)), keys);
    }

    /// <summary>
    /// The BSGS product from public, allocating operations only: hoisted rotations into fresh arrays, one
    /// multiply_plain and add per diagonal (exact mod q, so the same residues as the lazily reduced sum), out-of-place
    /// rotations in the finish.
    /// </summary>
    private Ciphertext Reference(PlainDiagonalMatrix m, Ciphertext x, GaloisKeys keys)
    {
        Evaluator ev = new(_k.Context);
        MatVecLayout layout = m.Layout;
        int babies = layout.BabySteps;
        Ciphertext?[] byStep = Babies(ev, layout, x, keys, (g, b) => m.Diagonals[(g * babies) + b] is not null);
        return GiantSteps(ev, layout, x, keys, (g, b) => m.Diagonals[(g * babies) + b] is { } p ? ev.MultiplyPlain(byStep[b]!, p) : null);
    }

    private Ciphertext Reference(EncryptedDiagonalMatrix m, Ciphertext x, GaloisKeys keys)
    {
        Evaluator ev = new(_k.Context);
        MatVecLayout layout = m.Layout;
        int babies = layout.BabySteps;
        Ciphertext?[] byStep = Babies(ev, layout, x, keys, (g, b) => m.Diagonals[(g * babies) + b] is not null);
        foreach (Ciphertext? c in byStep)
        {
            if (c is not null)
            {
                ev.TransformFromNtt(c);
            }
        }

        // One dot product per giant step (the terms of a giant step are summed before one rounding), relinearized.
        return GiantStepsCoefficient(ev, layout, x, keys, g =>
        {
            var left = new List<Ciphertext>();
            var right = new List<Ciphertext>();
            for (int b = 0; b < babies; b++)
            {
                if (m.Diagonals[(g * babies) + b] is { } d)
                {
                    left.Add(d);
                    right.Add(byStep[b]!);
                }
            }

            return left.Count == 0 ? null : ev.Relinearize(ev.DotProduct(left, right), _k.RelinKeys);
        });
    }

    private static Ciphertext?[] Babies(Evaluator ev, MatVecLayout layout, Ciphertext x, GaloisKeys keys, Func<int, int, bool> present)
    {
        int[] steps = Enumerable.Range(0, layout.BabySteps).Where(b => Enumerable.Range(0, layout.GiantSteps).Any(g => present(g, b))).ToArray();
        Ciphertext[] rotated = ev.RotateRowsHoisted(x, steps, keys);
        var byStep = new Ciphertext?[layout.BabySteps];
        for (int k = 0; k < steps.Length; k++)
        {
            byStep[steps[k]] = rotated[k];
        }

        return byStep;
    }

    /// <summary>Σ_g rot(Σ_b term(g, b), g·B) with NTT-form terms, then the finish.</summary>
    private static Ciphertext GiantSteps(Evaluator ev, MatVecLayout layout, Ciphertext x, GaloisKeys keys, Func<int, int, Ciphertext?> term) =>
        GiantStepsCoefficient(ev, layout, x, keys, g =>
        {
            Ciphertext? inner = null;
            for (int b = 0; b < layout.BabySteps; b++)
            {
                if (term(g, b) is { } t)
                {
                    inner = inner is null ? t : ev.Add(inner, t);
                }
            }

            if (inner is not null)
            {
                ev.TransformFromNtt(inner);
            }

            return inner;
        });

    private static Ciphertext GiantStepsCoefficient(Evaluator ev, MatVecLayout layout, Ciphertext x, GaloisKeys keys, Func<int, Ciphertext?> inner)
    {
        Ciphertext? result = null;
        for (int g = 0; g < layout.GiantSteps; g++)
        {
            if (inner(g) is not { } step)
            {
                continue;
            }

            Ciphertext rotated = ev.RotateRows(step, g * layout.BabySteps, keys);
            result = result is null ? rotated : ev.Add(result, rotated);
        }

        result ??= new Ciphertext(x.Context, 2, x.Level);
        result = ev.Add(result, ev.RotateColumns(result, keys));
        foreach (int fold in layout.FoldSteps)
        {
            result = ev.Add(result, ev.RotateRows(result, fold, keys));
        }

        return result;
    }
}
