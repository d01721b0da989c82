using Seco.Lattice.Bfv;
using Seco.Lattice.Serialization;
using Seco.Lattice.Tests.Bfv;

namespace Seco.Lattice.Tests.Serialization;

/// <summary>
/// serialize → load → re-serialize gives identical bytes, <see cref="BfvSerializer.SerializedSize(Ciphertext)"/> and
/// friends equal the actual length, and every loaded object still works (decrypts, encrypts, relinearizes, rotates).
/// </summary>
public class SerializationRoundTripTests(Keys4096Fixture fixture) : IClassFixture<Keys4096Fixture>
{
    private readonly BfvKeys _k = fixture.Keys;

    [Fact]
    public void Plaintext_coefficient_form()
    {
        Plaintext p = _k.Encoder.Encode(_k.RandomVector(10));
        byte[] bytes = BfvSerializer.Serialize(p);
        Assert.Equal(BfvSerializer.SerializedSize(p), bytes.Length);
        Plaintext loaded = BfvSerializer.LoadPlaintext(_k.Context, bytes);
        Assert.False(loaded.IsNttForm);
        Assert.Equal(p.Coefficients.ToArray(), loaded.Coefficients.ToArray());
        Assert.Equal(bytes, BfvSerializer.Serialize(loaded));
    }

    [Fact]
    public void Plaintext_ntt_form_multiplies_like_the_original()
    {
        ulong[] a = _k.RandomVector(11), b = _k.RandomVector(12);
        Plaintext ntt = _k.Evaluator.TransformToNtt(_k.Encoder.Encode(b));
        byte[] bytes = BfvSerializer.Serialize(ntt);
        Assert.Equal(BfvSerializer.SerializedSize(ntt), bytes.Length);
        Plaintext loaded = BfvSerializer.LoadPlaintext(_k.Context, bytes);
        Assert.Equal(ntt.NttLevel, loaded.NttLevel);
        Assert.Equal(bytes, BfvSerializer.Serialize(loaded));

        Ciphertext c = _k.Encrypt(a);
        _k.Evaluator.TransformToNtt(c);
        Ciphertext product = _k.Evaluator.MultiplyPlain(c, loaded);
        _k.Evaluator.TransformFromNtt(product);
        Assert.Equal(SlotMath.Mul(a, b, _k.T), _k.Decrypt(product));
    }

    [Fact]
    public void Ciphertext_fresh()
    {
        ulong[] v = _k.RandomVector(13);
        Ciphertext c = _k.Encrypt(v);
        Ciphertext loaded = RoundTrip(c);
        Assert.Equal(v, _k.Decrypt(loaded));
    }

    [Fact]
    public void Ciphertext_into_a_supplied_dirty_array_gives_the_same_bytes()
    {
        Ciphertext c = _k.Encrypt(_k.RandomVector(16));
        byte[] expected = BfvSerializer.Serialize(c);
        var dirty = new byte[expected.Length];
        dirty.AsSpan().Fill(0xFF); // e.g. a pooled array that held another message (issue 19)
        byte[] written = BfvSerializer.Serialize(c, length => length == dirty.Length ? dirty : throw new InvalidOperationException($"asked {length}"));
        Assert.Same(dirty, written);
        Assert.Equal(expected, written);
        Assert.Throws<InvalidOperationException>(() => BfvSerializer.Serialize(c, length => new byte[length + 1]));
    }

    [Fact]
    public void Ciphertext_size3_product_ntt_form_and_mod_switched()
    {
        ulong[] a = _k.RandomVector(14), b = _k.RandomVector(15);
        Ciphertext product = _k.Evaluator.Multiply(_k.Encrypt(a), _k.Encrypt(b));
        Assert.Equal(3, product.Size);
        Assert.Equal(SlotMath.Mul(a, b, _k.T), _k.Decrypt(RoundTrip(product)));

        Ciphertext switched = _k.Evaluator.ModSwitchToNext(_k.Encrypt(a));
        Assert.Equal(1, switched.Level);
        Assert.Equal(a, _k.Decrypt(RoundTrip(switched)));

        Ciphertext ntt = _k.Encrypt(a);
        _k.Evaluator.TransformToNtt(ntt);
        Ciphertext loadedNtt = RoundTrip(ntt);
        Assert.True(loadedNtt.IsNttForm);
        _k.Evaluator.TransformFromNtt(loadedNtt);
        Assert.Equal(a, _k.Decrypt(loadedNtt));
    }

    [Fact]
    public void Seeded_ciphertext()
    {
        ulong[] v = _k.RandomVector(16);
        SeededCiphertext seeded = _k.Encryptor.EncryptSymmetricSeeded(_k.Encoder.Encode(v));
        byte[] bytes = BfvSerializer.Serialize(seeded);
        Assert.Equal(BfvSerializer.SerializedSize(seeded), bytes.Length);
        SeededCiphertext loaded = BfvSerializer.LoadSeededCiphertext(_k.Context, bytes);
        Assert.Equal(bytes, BfvSerializer.Serialize(loaded));
        Assert.Equal(v, _k.Decrypt(loaded.Expand()));
        Assert.Equal(v, _k.Decrypt(BfvSerializer.LoadCiphertextOrSeeded(_k.Context, bytes)));

        // The expanded form is byte-identical whichever way it was obtained.
        Assert.Equal(
            BfvSerializer.Serialize(seeded.Expand()),
            BfvSerializer.Serialize(BfvSerializer.LoadCiphertextOrSeeded(_k.Context, bytes)));
    }

    [Fact]
    public void LoadCiphertextOrSeeded_accepts_a_full_ciphertext()
    {
        ulong[] v = _k.RandomVector(17);
        byte[] bytes = BfvSerializer.Serialize(_k.Encrypt(v));
        Ciphertext loaded = BfvSerializer.LoadCiphertextOrSeeded(_k.Context, bytes);
        Assert.Equal(bytes, BfvSerializer.Serialize(loaded));
        Assert.Equal(v, _k.Decrypt(loaded));
    }

    [Fact]
    public void Public_key_encrypts()
    {
        byte[] bytes = BfvSerializer.Serialize(_k.PublicKey);
        Assert.Equal(BfvSerializer.SerializedSize(_k.PublicKey), bytes.Length);
        PublicKey loaded = BfvSerializer.LoadPublicKey(_k.Context, bytes);
        Assert.Equal(bytes, BfvSerializer.Serialize(loaded));
        Assert.Equal(_k.PublicKey.A, loaded.A);

        ulong[] v = _k.RandomVector(18);
        using var encryptor = new Encryptor(_k.Context, loaded);
        Assert.Equal(v, _k.Decrypt(encryptor.Encrypt(_k.Encoder.Encode(v))));
    }

    [Fact]
    public void Secret_key_decrypts()
    {
        SecretKey sk = _k.KeyGenerator.SecretKey;
        byte[] bytes = BfvSerializer.Serialize(sk);
        Assert.Equal(BfvSerializer.SerializedSize(sk), bytes.Length);
        Assert.Equal(BfvSerializer.HeaderSize + (_k.N / 4), bytes.Length);
        using SecretKey loaded = BfvSerializer.LoadSecretKey(_k.Context, bytes);
        Assert.Equal(sk.Data, loaded.Data);
        Assert.Equal(bytes, BfvSerializer.Serialize(loaded));

        ulong[] v = _k.RandomVector(19);
        var decryptor = new Decryptor(_k.Context, loaded);
        Assert.Equal(v, _k.Encoder.Decode(decryptor.Decrypt(_k.Encrypt(v))));
    }

    [Fact]
    public void Secret_key_that_is_not_ternary_is_refused()
    {
        var data = new ulong[_k.Context.KeyModuli.Count * _k.N];
        // The constant polynomial 2: its NTT is 2 in every slot, and 2 is not in {0, 1, q − 1}.
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = 2;
        }

        using var sk = new SecretKey(_k.Context, data);
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => BfvSerializer.Serialize(sk));
        Assert.Contains("not ternary", e.Message);
    }

    [Fact]
    public void Relin_keys_relinearize()
    {
        byte[] bytes = BfvSerializer.Serialize(_k.RelinKeys);
        Assert.Equal(BfvSerializer.SerializedSize(_k.RelinKeys), bytes.Length);
        RelinKeys loaded = BfvSerializer.LoadRelinKeys(_k.Context, bytes);
        Assert.Equal(bytes, BfvSerializer.Serialize(loaded));

        ulong[] a = _k.RandomVector(20), b = _k.RandomVector(21);
        Ciphertext product = _k.Evaluator.Multiply(_k.Encrypt(a), _k.Encrypt(b));
        Ciphertext relinearized = _k.Evaluator.Relinearize(product, loaded);
        Assert.Equal(2, relinearized.Size);
        Assert.Equal(SlotMath.Mul(a, b, _k.T), _k.Decrypt(relinearized));
    }

    [Fact]
    public void Galois_keys_rotate()
    {
        byte[] bytes = BfvSerializer.Serialize(_k.GaloisKeys);
        Assert.Equal(BfvSerializer.SerializedSize(_k.GaloisKeys), bytes.Length);
        GaloisKeys loaded = BfvSerializer.LoadGaloisKeys(_k.Context, bytes);
        Assert.Equal(_k.GaloisKeys.Elements, loaded.Elements);
        Assert.Equal(bytes, BfvSerializer.Serialize(loaded));

        ulong[] a = _k.RandomVector(22);
        Assert.Equal(SlotMath.RotateRows(a, 5), _k.Decrypt(_k.Evaluator.RotateRows(_k.Encrypt(a), 5, loaded)));
        Assert.Equal(SlotMath.RotateRows(a, -1), _k.Decrypt(_k.Evaluator.RotateRows(_k.Encrypt(a), -1, loaded)));
        Assert.Equal(SlotMath.SwapRows(a), _k.Decrypt(_k.Evaluator.RotateColumns(_k.Encrypt(a), loaded)));
    }

    [Fact]
    public void Empty_galois_keys_round_trip()
    {
        GaloisKeys none = _k.KeyGenerator.CreateGaloisKeysFromElements([]);
        byte[] bytes = BfvSerializer.Serialize(none);
        Assert.Equal(BfvSerializer.HeaderSize + 2, bytes.Length);
        Assert.Empty(BfvSerializer.LoadGaloisKeys(_k.Context, bytes).Elements);
    }

    private Ciphertext RoundTrip(Ciphertext c)
    {
        byte[] bytes = BfvSerializer.Serialize(c);
        Assert.Equal(BfvSerializer.SerializedSize(c), bytes.Length);
        Ciphertext loaded = BfvSerializer.LoadCiphertext(_k.Context, bytes);
        Assert.Equal(c.Size, loaded.Size);
        Assert.Equal(c.Level, loaded.Level);
        Assert.Equal(c.IsNttForm, loaded.IsNttForm);
        Assert.Equal(c.Data, loaded.Data);
        Assert.Equal(bytes, BfvSerializer.Serialize(loaded));
        return loaded;
    }
}

/// <summary>The same round trips at n = 8192 (one test per object type, sharing one key set).</summary>
public class SerializationRoundTrip8192Tests(Keys8192Fixture fixture) : IClassFixture<Keys8192Fixture>
{
    private readonly BfvKeys _k = fixture.Keys;

    [Fact]
    public void Ciphertext_and_keys_round_trip_at_8192()
    {
        ulong[] a = _k.RandomVector(30), b = _k.RandomVector(31);
        byte[] ctBytes = BfvSerializer.Serialize(_k.Encrypt(a));
        Assert.Equal(356_403, ctBytes.Length);
        Ciphertext ct = BfvSerializer.LoadCiphertext(_k.Context, ctBytes);
        Assert.Equal(ctBytes, BfvSerializer.Serialize(ct));
        Assert.Equal(a, _k.Decrypt(ct));

        byte[] seededBytes = BfvSerializer.Serialize(_k.Encryptor.EncryptSymmetricSeeded(_k.Encoder.Encode(b)));
        Assert.Equal(b, _k.Decrypt(BfvSerializer.LoadCiphertextOrSeeded(_k.Context, seededBytes)));

        byte[] skBytes = BfvSerializer.Serialize(_k.KeyGenerator.SecretKey);
        using SecretKey sk = BfvSerializer.LoadSecretKey(_k.Context, skBytes);
        Assert.Equal(_k.KeyGenerator.SecretKey.Data, sk.Data);

        byte[] pkBytes = BfvSerializer.Serialize(_k.PublicKey);
        PublicKey pk = BfvSerializer.LoadPublicKey(_k.Context, pkBytes);
        Assert.Equal(pkBytes, BfvSerializer.Serialize(pk));

        byte[] rkBytes = BfvSerializer.Serialize(_k.RelinKeys);
        RelinKeys rk = BfvSerializer.LoadRelinKeys(_k.Context, rkBytes);
        Assert.Equal(rkBytes, BfvSerializer.Serialize(rk));
        Ciphertext product = _k.Evaluator.Relinearize(_k.Evaluator.Multiply(ct, _k.Encrypt(b)), rk);
        Assert.Equal(SlotMath.Mul(a, b, _k.T), _k.Decrypt(product));

        byte[] gkBytes = BfvSerializer.Serialize(_k.GaloisKeys);
        GaloisKeys gk = BfvSerializer.LoadGaloisKeys(_k.Context, gkBytes);
        Assert.Equal(gkBytes, BfvSerializer.Serialize(gk));
        Assert.Equal(SlotMath.RotateRows(a, 1), _k.Decrypt(_k.Evaluator.RotateRows(ct, 1, gk)));
    }
}
