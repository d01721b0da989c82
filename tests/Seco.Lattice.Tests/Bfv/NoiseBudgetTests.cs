using Seco.Lattice.Bfv;

namespace Seco.Lattice.Tests.Bfv;

/// <summary>
/// The noise budget falls as operations accumulate noise, by the amounts BFV predicts, and decryption refuses loudly
/// (<see cref="NoiseBudgetExhaustedException"/>) instead of returning a wrong plaintext once it is gone.
/// </summary>
public abstract class NoiseBudgetTests(BfvKeys k)
{
    [Fact]
    public void Budget_decreases_with_each_operation_as_expected()
    {
        ulong[] a = k.RandomVector(11), b = k.RandomVector(12);
        Ciphertext fresh = k.Encrypt(a);
        int freshBudget = k.Decryptor.InvariantNoiseBudget(fresh);

        // A fresh public-key ciphertext has noise of a few bits on top of t·(Q mod t)·m: the budget is about
        // log2(Q) − 2·log2(t) − small (SEAL reports 45 bits at n = 4096 and 146 at n = 8192 with t ≈ 2^20).
        int qBits = k.Context.DataCoeffModulusBitCount, tBits = k.Context.PlainModulus.BitCount;
        Assert.InRange(freshBudget, qBits - (2 * tBits) - 12, qBits - tBits);

        int afterAdd = k.Decryptor.InvariantNoiseBudget(k.Evaluator.Add(fresh, k.Encrypt(b)));
        Assert.InRange(afterAdd, freshBudget - 2, freshBudget);

        // multiply_plain scales the noise by ‖m‖·n at most: about t·sqrt(n) typically.
        Ciphertext mp = k.Evaluator.MultiplyPlain(fresh, k.Encoder.Encode(b));
        int afterMultiplyPlain = k.Decryptor.InvariantNoiseBudget(mp);
        Assert.InRange(afterMultiplyPlain, freshBudget - tBits - int.Log2(k.N) - 2, freshBudget - tBits + 4);

        // A ciphertext product costs about log2(t·n) bits and more; relinearization almost nothing.
        Ciphertext product = k.Evaluator.Multiply(fresh, k.Encrypt(b));
        int afterMultiply = k.Decryptor.InvariantNoiseBudget(product);
        Assert.True(afterMultiply < freshBudget - tBits, $"fresh {freshBudget}, after multiply {afterMultiply}");
        int afterRelin = k.Decryptor.InvariantNoiseBudget(k.Evaluator.Relinearize(product, k.RelinKeys));
        Assert.InRange(afterRelin, afterMultiply - 2, afterMultiply);

        // Rotation adds key-switching noise of about log2(n·q_j·σ/P): a few bits at most.
        int afterRotate = k.Decryptor.InvariantNoiseBudget(k.Evaluator.RotateRows(fresh, 1, k.GaloisKeys));
        Assert.InRange(afterRotate, freshBudget - 6, freshBudget);
    }

    [Fact]
    public void Decryption_fails_loudly_once_repeated_squaring_exhausts_the_budget()
    {
        ulong[] v = k.RandomVector(13);
        ulong[] expected = v;
        Ciphertext x = k.Encrypt(v);
        int previous = k.Decryptor.InvariantNoiseBudget(x);
        for (int round = 0; round < 12 && previous > 0; round++)
        {
            x = k.Evaluator.Relinearize(k.Evaluator.Multiply(x, x), k.RelinKeys);
            expected = SlotMath.Mul(expected, expected, k.T);
            int budget = k.Decryptor.InvariantNoiseBudget(x);
            Assert.True(budget < previous, $"round {round}: budget {budget} did not fall below {previous}");
            if (budget >= 2)
            {
                Assert.Equal(expected, k.Decrypt(x));
            }

            previous = budget;
        }

        Assert.Equal(0, previous);
        var error = Assert.Throws<NoiseBudgetExhaustedException>(() => k.Decryptor.Decrypt(x));
        Assert.Contains("noise", error.Message, StringComparison.OrdinalIgnoreCase);
    }
}

public sealed class NoiseBudget4096(Keys4096Fixture f) : NoiseBudgetTests(f.Keys), IClassFixture<Keys4096Fixture>;

public sealed class NoiseBudget8192(Keys8192Fixture f) : NoiseBudgetTests(f.Keys), IClassFixture<Keys8192Fixture>;
