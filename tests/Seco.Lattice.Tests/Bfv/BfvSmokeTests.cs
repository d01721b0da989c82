using Seco.Lattice.Bfv;

namespace Seco.Lattice.Tests.Bfv;

public class BfvSmokeTests(Keys4096Fixture fixture) : IClassFixture<Keys4096Fixture>
{
    private readonly BfvKeys _k = fixture.Keys;

    [Fact]
    public void Encrypt_decrypt_round_trips()
    {
        ulong[] v = _k.RandomVector(1);
        Assert.Equal(v, _k.Decrypt(_k.Encrypt(v)));
        Assert.Equal(v, _k.Decrypt(_k.Encryptor.EncryptSymmetric(_k.Encoder.Encode(v))));
    }

    [Fact]
    public void Multiply_relinearize()
    {
        ulong[] a = _k.RandomVector(2), b = _k.RandomVector(3);
        Ciphertext p = _k.Evaluator.Multiply(_k.Encrypt(a), _k.Encrypt(b));
        Assert.Equal(SlotMath.Mul(a, b, _k.T), _k.Decrypt(p));
        Assert.Equal(SlotMath.Mul(a, b, _k.T), _k.Decrypt(_k.Evaluator.Relinearize(p, _k.RelinKeys)));
    }

    [Fact]
    public void Rotate()
    {
        ulong[] a = _k.RandomVector(4);
        Assert.Equal(SlotMath.RotateRows(a, 1), _k.Decrypt(_k.Evaluator.RotateRows(_k.Encrypt(a), 1, _k.GaloisKeys)));
        Assert.Equal(SlotMath.SwapRows(a), _k.Decrypt(_k.Evaluator.RotateColumns(_k.Encrypt(a), _k.GaloisKeys)));
    }

    [Fact]
    public void Multiply_plain_and_mod_switch()
    {
        ulong[] a = _k.RandomVector(5), b = _k.RandomVector(6);
        Ciphertext c = _k.Evaluator.MultiplyPlain(_k.Encrypt(a), _k.Encoder.Encode(b));
        Assert.Equal(SlotMath.Mul(a, b, _k.T), _k.Decrypt(c));
        Assert.Equal(SlotMath.Mul(a, b, _k.T), _k.Decrypt(_k.Evaluator.ModSwitchToNext(c)));
    }
}
