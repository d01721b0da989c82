using FsCheck;
using FsCheck.Fluent;
using Seco.Lattice.Bfv;

namespace Seco.Lattice.Tests.Bfv;

/// <summary>
/// FsCheck properties: every homomorphic operation agrees with the same operation on the slot vectors mod t, for
/// random vectors plus the edge vectors 0, t − 1 and alternating extremes, at n = 4096 and n = 8192 (SEAL's default
/// moduli) and for the SECO preset (t = 2061584302081).
/// </summary>
public abstract class BfvPropertyTests(BfvKeys k)
{
    private const int Cases = 12;
    private static readonly Config Run = Config.QuickThrowOnFailure.WithMaxTest(Cases);

    /// <summary>A slot vector: kind 0 random, 1 all zero, 2 all t − 1, 3 alternating 0 / t − 1 / 1.</summary>
    private Gen<ulong[]> Vector => Gen.Choose(0, 9).SelectMany(kind => Gen.Choose(0, int.MaxValue).Select(seed => kind switch
    {
        1 => new ulong[k.N],
        2 => Enumerable.Repeat(k.T - 1, k.N).ToArray(),
        3 => Enumerable.Range(0, k.N).Select(i => (ulong)(i % 3 == 0 ? 0 : i % 3 == 1 ? k.T - 1 : 1)).ToArray(),
        _ => k.RandomVector(seed),
    }));

    private Arbitrary<(ulong[] A, ulong[] B)> Pair => Vector.Two().Select(p => (p.Item1, p.Item2)).ToArbitrary();

    [Fact]
    public void Decrypt_of_encrypt_is_identity_for_public_key_symmetric_and_seeded_encryption() =>
        Prop.ForAll(Vector.ToArbitrary(), m =>
        {
            Plaintext p = k.Encoder.Encode(m);
            SeededCiphertext seeded = k.Encryptor.EncryptSymmetricSeeded(p);
            return k.Decrypt(k.Encryptor.Encrypt(p)).SequenceEqual(m)
                && k.Decrypt(k.Encryptor.EncryptSymmetric(p)).SequenceEqual(m)
                && k.Decrypt(seeded.Expand()).SequenceEqual(m);
        }).Check(Run);

    [Fact]
    public void Add_sub_negate_agree_with_slot_arithmetic() =>
        Prop.ForAll(Pair, v =>
        {
            Ciphertext a = k.Encrypt(v.A), b = k.Encrypt(v.B);
            return k.Decrypt(k.Evaluator.Add(a, b)).SequenceEqual(SlotMath.Add(v.A, v.B, k.T))
                && k.Decrypt(k.Evaluator.Sub(a, b)).SequenceEqual(SlotMath.Sub(v.A, v.B, k.T))
                && k.Decrypt(k.Evaluator.Negate(a)).SequenceEqual(SlotMath.Negate(v.A, k.T));
        }).Check(Run);

    [Fact]
    public void Add_plain_and_sub_plain_agree_with_slot_arithmetic() =>
        Prop.ForAll(Pair, v =>
        {
            Ciphertext a = k.Encrypt(v.A);
            Plaintext b = k.Encoder.Encode(v.B);
            return k.Decrypt(k.Evaluator.AddPlain(a, b)).SequenceEqual(SlotMath.Add(v.A, v.B, k.T))
                && k.Decrypt(k.Evaluator.SubPlain(a, b)).SequenceEqual(SlotMath.Sub(v.A, v.B, k.T));
        }).Check(Run);

    [Fact]
    public void Multiply_plain_agrees_in_coefficient_and_ntt_forms() =>
        Prop.ForAll(Pair, v =>
        {
            ulong[] expected = SlotMath.Mul(v.A, v.B, k.T);
            Ciphertext a = k.Encrypt(v.A);
            Plaintext b = k.Encoder.Encode(v.B);
            Plaintext bNtt = k.Evaluator.TransformToNtt(b);
            Ciphertext aNtt = a.Clone();
            k.Evaluator.TransformToNtt(aNtt);
            k.Evaluator.MultiplyPlainInplace(aNtt, bNtt);
            k.Evaluator.TransformFromNtt(aNtt);
            return k.Decrypt(k.Evaluator.MultiplyPlain(a, b)).SequenceEqual(expected)
                && k.Decrypt(k.Evaluator.MultiplyPlain(a, bNtt)).SequenceEqual(expected)
                && k.Decrypt(aNtt).SequenceEqual(expected);
        }).Check(Run);

    [Fact]
    public void Multiply_and_relinearize_agree_with_slot_products() =>
        Prop.ForAll(Pair, v =>
        {
            ulong[] expected = SlotMath.Mul(v.A, v.B, k.T);
            Ciphertext product = k.Evaluator.Multiply(k.Encrypt(v.A), k.Encrypt(v.B));
            Ciphertext relinearized = k.Evaluator.Relinearize(product, k.RelinKeys);
            return product.Size == 3 && relinearized.Size == 2
                && k.Decrypt(product).SequenceEqual(expected)
                && k.Decrypt(relinearized).SequenceEqual(expected);
        }).Check(Run);

    [Fact]
    public void Rotations_agree_with_slot_rotations() =>
        Prop.ForAll(Vector.ToArbitrary(), Gen.Elements(1, -1, 5, 100).ToArbitrary(), (v, step) =>
        {
            Ciphertext a = k.Encrypt(v);
            return k.Decrypt(k.Evaluator.RotateRows(a, step, k.GaloisKeys)).SequenceEqual(SlotMath.RotateRows(v, step))
                && k.Decrypt(k.Evaluator.RotateColumns(a, k.GaloisKeys)).SequenceEqual(SlotMath.SwapRows(v));
        }).Check(Run);

    [Fact]
    public void Mod_switching_keeps_the_plaintext_down_to_the_last_level() =>
        Prop.ForAll(Pair, v =>
        {
            Ciphertext a = k.Evaluator.MultiplyPlain(k.Encrypt(v.A), k.Encoder.Encode(v.B));
            ulong[] expected = SlotMath.Mul(v.A, v.B, k.T);
            bool ok = true;
            while (a.Level > 1 && k.Decryptor.InvariantNoiseBudget(a) > 2 * k.Context.PlainModulus.BitCount)
            {
                k.Evaluator.ModSwitchToNextInplace(a);
                ok &= k.Decrypt(a).SequenceEqual(expected);
            }

            return ok;
        }).Check(Run);

    [Fact]
    public void Evaluated_ciphertexts_compose_multiply_plain_then_rotate_then_add()
    {
        ulong[] a = k.RandomVector(1), b = k.RandomVector(2), c = k.RandomVector(3);
        Ciphertext x = k.Evaluator.MultiplyPlain(k.Encrypt(a), k.Encoder.Encode(b));
        k.Evaluator.RotateRowsInplace(x, 5, k.GaloisKeys);
        k.Evaluator.AddInplace(x, k.Encrypt(c));
        Assert.Equal(SlotMath.Add(SlotMath.RotateRows(SlotMath.Mul(a, b, k.T), 5), c, k.T), k.Decrypt(x));
    }
}

public sealed class BfvProperties4096(Keys4096Fixture f) : BfvPropertyTests(f.Keys), IClassFixture<Keys4096Fixture>;

public sealed class BfvProperties8192(Keys8192Fixture f) : BfvPropertyTests(f.Keys), IClassFixture<Keys8192Fixture>;

public sealed class BfvPropertiesSeco(KeysSecoFixture f) : BfvPropertyTests(f.Keys), IClassFixture<KeysSecoFixture>;
