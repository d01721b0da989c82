using Seco.Lattice.Bfv;

namespace Seco.Lattice.Tests.Bfv;

/// <summary>
/// The destination overloads the pooled mat-vec uses (hoisted rotations, out-of-place rotations, the lifted dot
/// product) give the same bits as the allocating ones, whatever the destination held before and whatever its shape.
/// </summary>
public sealed class RotationDestinationTests(Keys4096Fixture fixture) : IClassFixture<Keys4096Fixture>
{
    private readonly BfvKeys _k = fixture.Keys;

    [Fact]
    public void Hoisted_rotations_into_dirty_destinations_equal_the_allocating_overload()
    {
        Ciphertext ct = _k.Encrypt(_k.RandomVector(31));
        int l = ct.Level;
        int[] steps = [0, 1, -1, 5, 100];
        Ciphertext[] expected = _k.Evaluator.RotateRowsHoisted(ct, steps, _k.GaloisKeys);

        // Right shape with junk, wrong size, wrong level, and the input itself.
        Ciphertext input = ct.Clone();
        Ciphertext[] destinations =
        [
            CiphertextBits.Garbage(_k, 2, l, 1), CiphertextBits.Garbage(_k, 3, l, 2), CiphertextBits.Garbage(_k, 2, l - 1, 3),
            input, CiphertextBits.Garbage(_k, 2, l, 4),
        ];
        _k.Evaluator.RotateRowsHoisted(input, steps, _k.GaloisKeys, destinations);

        for (int i = 0; i < steps.Length; i++)
        {
            CiphertextBits.AssertIdentical(expected[i], destinations[i]);
        }
    }

    [Fact]
    public void Hoisted_rotations_reject_shared_or_missing_destinations()
    {
        Ciphertext ct = _k.Encrypt(_k.RandomVector(32));
        var d = new Ciphertext(_k.Context);
        Assert.Contains("same ciphertext", Assert.Throws<ArgumentException>(
            () => _k.Evaluator.RotateRowsHoisted(ct, [1, -1], _k.GaloisKeys, [d, d])).Message);
        Assert.Contains("as many destinations", Assert.Throws<ArgumentException>(
            () => _k.Evaluator.RotateRowsHoisted(ct, [1, -1], _k.GaloisKeys, [d])).Message);
    }

    [Fact]
    public void Out_of_place_rotations_equal_the_allocating_ones_bit_for_bit()
    {
        Ciphertext ct = _k.Encrypt(_k.RandomVector(33));
        Ciphertext before = ct.Clone();

        Ciphertext columns = CiphertextBits.Garbage(_k, 3, ct.Level, 5);
        _k.Evaluator.RotateColumns(ct, _k.GaloisKeys, columns);
        CiphertextBits.AssertIdentical(_k.Evaluator.RotateColumns(ct, _k.GaloisKeys), columns);

        Ciphertext rows = CiphertextBits.Garbage(_k, 2, ct.Level, 6);
        _k.Evaluator.RotateRows(ct, 5, _k.GaloisKeys, rows);
        CiphertextBits.AssertIdentical(_k.Evaluator.RotateRows(ct, 5, _k.GaloisKeys), rows);
        _k.Evaluator.RotateRows(ct, 0, _k.GaloisKeys, rows);
        CiphertextBits.AssertIdentical(ct, rows);

        CiphertextBits.AssertIdentical(before, ct); // the source is left alone

        Ciphertext aliased = ct.Clone();
        _k.Evaluator.RotateColumns(aliased, _k.GaloisKeys, aliased);
        CiphertextBits.AssertIdentical(_k.Evaluator.RotateColumns(ct, _k.GaloisKeys), aliased);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(65)] // past MaxAccumulated: a second chunk is rounded on scratch and added
    public void Lifted_dot_product_into_a_dirty_destination_equals_the_public_dot_product(int terms)
    {
        Ciphertext[] left = Enumerable.Range(0, terms).Select(i => _k.Encrypt(_k.RandomVector(100 + i))).ToArray();
        Ciphertext[] right = Enumerable.Range(0, terms).Select(i => _k.Encrypt(_k.RandomVector(300 + i))).ToArray();
        Ciphertext expected = _k.Evaluator.DotProduct(left, right);

        var lifted = right.Select(c => _k.Evaluator.LiftForDotProduct(c)).ToList();
        Ciphertext destination = CiphertextBits.Garbage(_k, 2, left[0].Level, 7);
        _k.Evaluator.DotProductLifted(left, lifted, destination);
        CiphertextBits.AssertIdentical(expected, destination);

        ulong[] rented = _k.Evaluator.Scratch.Rent(_k.Evaluator.LiftedLength(right[0].Level));
        Array.Fill(rented, ulong.MaxValue);
        Assert.Equal(lifted[0].Data, _k.Evaluator.LiftForDotProduct(right[0], rented).Data); // every word overwritten
    }
}
