namespace Seco.Lattice.Bfv;

/// <summary>
/// SEAL-style overloads that write into a caller-owned <c>destination</c> (reusing its storage when the shape
/// matches), so steady-state evaluation allocates no ciphertext memory. The destination may alias the first operand.
/// </summary>
public sealed partial class Evaluator
{
    /// <summary>destination = a + b.</summary>
    public void Add(Ciphertext a, Ciphertext b, Ciphertext destination) =>
        Into(a, b, destination, (d, other) => AddInplace(d, other));

    /// <summary>destination = a − b.</summary>
    public void Sub(Ciphertext a, Ciphertext b, Ciphertext destination) =>
        Into(a, b, destination, (d, other) => SubInplace(d, other));

    /// <summary>destination = a · m.</summary>
    public void MultiplyPlain(Ciphertext a, Plaintext plain, Ciphertext destination)
    {
        PrepareDestination(a, destination);
        MultiplyPlainInplace(destination, plain);
    }

    /// <summary>destination = a rotated by <paramref name="steps"/> (SEAL <c>rotate_rows</c>).</summary>
    public void RotateRows(Ciphertext a, int steps, GaloisKeys keys, Ciphertext destination)
    {
        if (steps == 0)
        {
            PrepareDestination(a, destination);
            return;
        }

        // Straight into the destination: copying a there first would cost a ciphertext's worth of memory traffic.
        ApplyGalois(a, GaloisTool.ElementFromStep(steps, _context.N), keys, destination);
    }

    /// <summary>destination = a · b (size a.Size + b.Size − 1).</summary>
    public void Multiply(Ciphertext a, Ciphertext b, Ciphertext destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        Guard.SameContext(_context, destination.Context, "destination ciphertext");
        if (ReferenceEquals(destination, a) || ReferenceEquals(destination, b))
        {
            destination.CopyFrom(Multiply(a, b));
            return;
        }

        (LevelContext level, int size) = CheckMultiplyOperands(a, b);
        Reshape(destination, size, level.Count);
        MultiplyInto(a, b, destination, level);
    }

    /// <summary>destination = the relinearization of the size-3 <paramref name="a"/>.</summary>
    public void Relinearize(Ciphertext a, RelinKeys keys, Ciphertext destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (ReferenceEquals(destination, a))
        {
            RelinearizeInplace(a, keys);
            return;
        }

        LevelContext level = Check(a, "ciphertext");
        ArgumentNullException.ThrowIfNull(keys);
        Guard.SameContext(_context, keys.Context, "relinearization keys");
        Guard.SameContext(_context, destination.Context, "destination ciphertext");
        RequireCoefficientForm(a, "relinearize");
        if (a.Size != 3)
        {
            throw new ArgumentException($"Relinearization takes a size-3 ciphertext; this one has size {a.Size}.", nameof(a));
        }

        Reshape(destination, 2, a.Level);
        a.Data.AsSpan(0, 2 * a.PolyLength).CopyTo(destination.Data);
        SwitchKey(a.Poly(2), keys.Key, level, destination.Poly(0), destination.Poly(1));
    }

    private void Into(Ciphertext a, Ciphertext b, Ciphertext destination, Action<Ciphertext, Ciphertext> inplace)
    {
        ArgumentNullException.ThrowIfNull(b);
        if (ReferenceEquals(destination, b) && !ReferenceEquals(destination, a))
        {
            b = b.Clone();
        }

        PrepareDestination(a, destination);
        inplace(destination, b);
    }

    private void PrepareDestination(Ciphertext a, Ciphertext destination)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(destination);
        Guard.SameContext(_context, destination.Context, "destination ciphertext");
        if (!ReferenceEquals(a, destination))
        {
            destination.CopyFrom(a);
        }
    }

    private static void Reshape(Ciphertext destination, int size, int level)
    {
        int length = size * level * destination.Context.N;
        if (destination.Data.Length != length)
        {
            destination.Data = new ulong[length];
        }

        destination.Size = size;
        destination.Level = level;
        destination.IsNttForm = false;
    }
}
