using Seco.Lattice.Bfv;

namespace Seco.Lattice.Tests.Bfv;

/// <summary>The destination overloads give the same plaintexts as the allocating ones, also when the destination aliases an operand.</summary>
public class DestinationOverloadTests(Keys4096Fixture fixture) : IClassFixture<Keys4096Fixture>
{
    private readonly BfvKeys _k = fixture.Keys;

    [Fact]
    public void Destination_overloads_match_and_tolerate_aliasing()
    {
        ulong[] a = _k.RandomVector(21), b = _k.RandomVector(22);
        Ciphertext ca = _k.Encrypt(a), cb = _k.Encrypt(b);
        var d = new Ciphertext(_k.Context);
        Evaluator ev = _k.Evaluator;

        ev.Add(ca, cb, d);
        Assert.Equal(SlotMath.Add(a, b, _k.T), _k.Decrypt(d));
        ev.Sub(ca, cb, d);
        Assert.Equal(SlotMath.Sub(a, b, _k.T), _k.Decrypt(d));
        ev.MultiplyPlain(ca, _k.Encoder.Encode(b), d);
        Assert.Equal(SlotMath.Mul(a, b, _k.T), _k.Decrypt(d));
        ev.RotateRows(ca, -1, _k.GaloisKeys, d);
        Assert.Equal(SlotMath.RotateRows(a, -1), _k.Decrypt(d));
        var d3 = new Ciphertext(_k.Context);
        ev.Multiply(ca, cb, d3);
        Assert.Equal(3, d3.Size);
        ev.Relinearize(d3, _k.RelinKeys, d);
        Assert.Equal(SlotMath.Mul(a, b, _k.T), _k.Decrypt(d));

        // Aliasing: destination is the second operand, then the first.
        Ciphertext cb2 = cb.Clone();
        ev.Sub(ca, cb2, cb2);
        Assert.Equal(SlotMath.Sub(a, b, _k.T), _k.Decrypt(cb2));
        Ciphertext ca2 = ca.Clone();
        ev.Multiply(ca2, cb, ca2);
        Assert.Equal(SlotMath.Mul(a, b, _k.T), _k.Decrypt(ca2));
        ev.Relinearize(ca2, _k.RelinKeys, ca2);
        Assert.Equal(2, ca2.Size);
        Assert.Equal(SlotMath.Mul(a, b, _k.T), _k.Decrypt(ca2));
    }

    [Fact]
    public void Mismatched_operands_are_rejected_with_reasons()
    {
        Ciphertext ca = _k.Encrypt(_k.RandomVector(23));
        Ciphertext low = _k.Evaluator.ModSwitchToNext(ca);
        Assert.Contains("different levels", Assert.Throws<ArgumentException>(() => _k.Evaluator.Add(ca, low)).Message);
        Assert.Contains("size-3", Assert.Throws<ArgumentException>(() => _k.Evaluator.Relinearize(ca, _k.RelinKeys)).Message);
        Assert.Contains("No Galois key", Assert.Throws<ArgumentException>(() => _k.Evaluator.RotateRows(ca, 2, _k.GaloisKeys)).Message);
        Ciphertext ntt = ca.Clone();
        _k.Evaluator.TransformToNtt(ntt);
        Assert.Contains("coefficient-form", Assert.Throws<ArgumentException>(() => _k.Evaluator.RotateRows(ntt, 1, _k.GaloisKeys)).Message);
        Assert.Throws<InvalidOperationException>(() => _k.Evaluator.ModSwitchToNext(low));
    }
}
