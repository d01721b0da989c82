using Seco.Lattice.Bfv;

namespace Seco.Lattice.Linear;

/// <summary>
/// The hoisted baby rotations rot(x, b) of a mat-vec (NTT form), indexed by baby step b and null for steps no giant
/// step uses. They live on the evaluator's scratch pool and go back to it on dispose, so they must not outlive the
/// product that made them.
/// </summary>
internal sealed class BabyRotations : IDisposable
{
    private readonly ScratchCiphertext[] _rented;
    private readonly Ciphertext?[] _byStep;
    private bool _disposed;

    public BabyRotations(Evaluator evaluator, MatVecLayout layout, Ciphertext x, GaloisKeys keys, Func<int, int, bool> present)
    {
        int[] steps = MatVec.UsedBabySteps(layout, present);
        _rented = new ScratchCiphertext[steps.Length];
        _byStep = new Ciphertext?[layout.BabySteps];
        var destinations = new Ciphertext[steps.Length];
        try
        {
            for (int k = 0; k < steps.Length; k++)
            {
                _rented[k] = evaluator.RentScratch(2, x.Level, isNttForm: true);
                destinations[k] = _rented[k].Value;
                _byStep[steps[k]] = destinations[k];
            }

            evaluator.RotateRowsHoisted(x, steps, keys, destinations);
        }
        catch
        {
            Dispose(); // e.g. a missing Galois key: the rented storage still goes back
            throw;
        }
    }

    /// <summary>The baby steps that were rotated, in increasing order.</summary>
    public IEnumerable<int> Steps => Enumerable.Range(0, _byStep.Length).Where(b => _byStep[b] is not null);

    /// <summary>rot(x, b) in NTT form, or null if no giant step uses baby step b.</summary>
    public Ciphertext? this[int b] => _byStep[b];

    public void Dispose()
    {
        // Returning an array twice would hand it to two renters at once.
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (ScratchCiphertext rented in _rented)
        {
            rented.Dispose();
        }
    }
}

/// <summary>
/// The baby rotations of x lifted to Q ∪ P for the ct×ct mat-vec (<see cref="Evaluator.LiftForDotProduct(Ciphertext)"/>;
/// each is used by every giant step), on the evaluator's scratch pool until dispose.
/// </summary>
internal sealed class LiftedBabyRotations : IDisposable
{
    private readonly Evaluator _evaluator;
    private readonly LiftedCiphertext?[] _byStep;
    private bool _disposed;

    public LiftedBabyRotations(Evaluator evaluator, MatVecLayout layout, Ciphertext x, GaloisKeys keys, Func<int, int, bool> present)
    {
        _evaluator = evaluator;
        _byStep = new LiftedCiphertext?[layout.BabySteps];
        using var rotations = new BabyRotations(evaluator, layout, x, keys, present);
        try
        {
            foreach (int b in rotations.Steps)
            {
                Ciphertext rotated = rotations[b]!;
                evaluator.TransformFromNtt(rotated);
                _byStep[b] = evaluator.LiftForDotProduct(rotated, evaluator.Scratch.Rent(evaluator.LiftedLength(x.Level)));
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>rot(x, b) lifted, or null if no giant step uses baby step b.</summary>
    public LiftedCiphertext? this[int b] => _byStep[b];

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (LiftedCiphertext? lifted in _byStep)
        {
            if (lifted is not null)
            {
                _evaluator.Scratch.Return(lifted.Data);
            }
        }
    }
}
