using Seco.Lattice.Parameters;
using Seco.Lattice.Ring;

namespace Seco.Lattice.Bfv;

/// <summary>
/// Homomorphic operations on BFV ciphertexts (SEAL's <c>Evaluator</c>): linear operations here, the ciphertext
/// product in <c>Evaluator.Multiply.cs</c>, relinearization and rotations in <c>Evaluator.KeySwitching.cs</c>.
/// Methods returning a ciphertext leave their inputs untouched; <c>…Inplace</c> variants overwrite the first operand.
/// Stateless apart from the context and a thread-safe pool of scratch ciphertext storage, so one instance may be shared
/// by threads.
/// </summary>
public sealed partial class Evaluator
{
    private readonly BfvContext _context;

    /// <summary>
    /// Storage for intermediate ciphertexts of composite operations (the mat-vec's baby rotations and giant-step sums):
    /// per evaluator, so it lives as long as the party that uses it.
    /// </summary>
    internal ScratchPool Scratch { get; } = new();

    /// <summary>Creates an evaluator for <paramref name="context"/>.</summary>
    public Evaluator(BfvContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
    }

    /// <summary>a + b.</summary>
    public Ciphertext Add(Ciphertext a, Ciphertext b)
    {
        Ciphertext result = a.Clone();
        AddInplace(result, b);
        return result;
    }

    /// <summary>a ← a + b (sizes may differ; the result has the larger size).</summary>
    public void AddInplace(Ciphertext a, Ciphertext b) => AddOrSub(a, b, subtract: false);

    /// <summary>a − b.</summary>
    public Ciphertext Sub(Ciphertext a, Ciphertext b)
    {
        Ciphertext result = a.Clone();
        SubInplace(result, b);
        return result;
    }

    /// <summary>a ← a − b.</summary>
    public void SubInplace(Ciphertext a, Ciphertext b) => AddOrSub(a, b, subtract: true);

    /// <summary>−a.</summary>
    public Ciphertext Negate(Ciphertext a)
    {
        Ciphertext result = a.Clone();
        NegateInplace(result);
        return result;
    }

    /// <summary>a ← −a.</summary>
    public void NegateInplace(Ciphertext a)
    {
        LevelContext level = Check(a, "ciphertext");
        for (int k = 0; k < a.Size; k++)
        {
            RnsPoly.Negate(a.Poly(k), a.Poly(k), level.Moduli, _context.N);
        }
    }

    /// <summary>a + Δ·m.</summary>
    public Ciphertext AddPlain(Ciphertext a, Plaintext plain)
    {
        Ciphertext result = a.Clone();
        AddPlainInplace(result, plain);
        return result;
    }

    /// <summary>a ← a + Δ·m (coefficient-form ciphertext and plaintext, as in SEAL).</summary>
    public void AddPlainInplace(Ciphertext a, Plaintext plain) => AddOrSubPlain(a, plain, subtract: false);

    /// <summary>a − Δ·m.</summary>
    public Ciphertext SubPlain(Ciphertext a, Plaintext plain)
    {
        Ciphertext result = a.Clone();
        SubPlainInplace(result, plain);
        return result;
    }

    /// <summary>a ← a − Δ·m.</summary>
    public void SubPlainInplace(Ciphertext a, Plaintext plain) => AddOrSubPlain(a, plain, subtract: true);

    /// <summary>a · m.</summary>
    public Ciphertext MultiplyPlain(Ciphertext a, Plaintext plain)
    {
        Ciphertext result = a.Clone();
        MultiplyPlainInplace(result, plain);
        return result;
    }

    /// <summary>
    /// a ← a · m. With a coefficient-form plaintext, m is lifted centred to the ciphertext primes and transformed on
    /// every call (SEAL <c>multiply_plain_normal</c>). With an NTT-form plaintext of the ciphertext's level
    /// (<see cref="TransformToNtt(Plaintext, int)"/>) only the pointwise product remains; an NTT-form ciphertext
    /// (<see cref="TransformToNtt(Ciphertext)"/>) then costs no transform at all (SEAL <c>multiply_plain_ntt</c>).
    /// The ciphertext keeps its form.
    /// </summary>
    public void MultiplyPlainInplace(Ciphertext a, Plaintext plain)
    {
        LevelContext level = Check(a, "ciphertext");
        CheckPlain(plain);
        int n = _context.N;
        using var lifted = new PooledBuffer(plain.IsNttForm ? 0 : level.PolyLength); // only a coefficient-form m is lifted
        ReadOnlySpan<ulong> m;
        if (plain.IsNttForm)
        {
            if (plain.NttLevel != a.Level)
            {
                throw new ArgumentException(
                    $"The NTT-form plaintext is at level {plain.NttLevel} but the ciphertext at level {a.Level}.", nameof(plain));
            }

            m = plain.Data;
        }
        else
        {
            PlainScaling.LiftCentered(level, plain.Data, lifted.Span);
            RnsPoly.ForwardNtt(lifted.Span, level.Ntt, level.Count);
            m = lifted.Span;
        }

        ulong[]? shoup = plain.IsNttForm ? plain.NttShoup(level.Moduli) : null;
        for (int k = 0; k < a.Size; k++)
        {
            Span<ulong> c = a.Poly(k);
            if (!a.IsNttForm)
            {
                RnsPoly.ForwardNtt(c, level.Ntt, level.Count);
            }

            if (shoup is null)
            {
                RnsPoly.MultiplyPointwise(c, m, c, level.Moduli, n);
            }
            else
            {
                RnsPoly.MultiplyPointwiseShoup(c, m, shoup, c, level.Moduli, n);
            }

            if (!a.IsNttForm)
            {
                RnsPoly.InverseNtt(c, level.Ntt, level.Count);
            }
        }
    }

    /// <summary>
    /// The centred lift of <paramref name="plain"/> to the primes of <paramref name="level"/> (default: the top data
    /// level), NTT-transformed: reuse it for many multiply_plain calls.
    /// </summary>
    public Plaintext TransformToNtt(Plaintext plain, int level = 0)
    {
        CheckPlain(plain);
        if (plain.IsNttForm)
        {
            throw new ArgumentException("The plaintext is already in NTT form.", nameof(plain));
        }

        LevelContext ctx = _context.Level(level == 0 ? _context.MaxLevel : level);
        var data = new ulong[ctx.PolyLength];
        PlainScaling.LiftCentered(ctx, plain.Data, data);
        RnsPoly.ForwardNtt(data, ctx.Ntt, ctx.Count);
        return new Plaintext(_context, data, ctx.Count);
    }

    /// <summary>
    /// <see cref="TransformToNtt(Plaintext, int)"/> into caller-owned storage of <c>level × n</c> words (a pooled buffer),
    /// for plaintexts made, used once and dropped (the convolution kernels encode theirs per product).
    /// </summary>
    internal void TransformToNtt(Plaintext plain, int level, Span<ulong> destination)
    {
        CheckPlain(plain);
        LevelContext ctx = _context.Level(level);
        if (plain.IsNttForm || destination.Length != ctx.PolyLength)
        {
            throw new ArgumentException("Expected a coefficient-form plaintext and a destination of one polynomial at the level.");
        }

        PlainScaling.LiftCentered(ctx, plain.Data, destination);
        RnsPoly.ForwardNtt(destination, ctx.Ntt, ctx.Count);
    }

    /// <summary>Transforms every polynomial of <paramref name="a"/> to NTT form, in place.</summary>
    public void TransformToNtt(Ciphertext a)
    {
        LevelContext level = Check(a, "ciphertext");
        if (a.IsNttForm)
        {
            throw new ArgumentException("The ciphertext is already in NTT form.", nameof(a));
        }

        for (int k = 0; k < a.Size; k++)
        {
            RnsPoly.ForwardNtt(a.Poly(k), level.Ntt, level.Count);
        }

        a.IsNttForm = true;
    }

    /// <summary>Transforms every polynomial of <paramref name="a"/> back to coefficient form, in place.</summary>
    public void TransformFromNtt(Ciphertext a)
    {
        LevelContext level = Check(a, "ciphertext");
        if (!a.IsNttForm)
        {
            throw new ArgumentException("The ciphertext is not in NTT form.", nameof(a));
        }

        for (int k = 0; k < a.Size; k++)
        {
            RnsPoly.InverseNtt(a.Poly(k), level.Ntt, level.Count);
        }

        a.IsNttForm = false;
    }

    /// <summary>The ciphertext modulo one prime fewer, same plaintext (see <see cref="ModSwitchToNextInplace"/>).</summary>
    public Ciphertext ModSwitchToNext(Ciphertext a)
    {
        Ciphertext result = a.Clone();
        ModSwitchToNextInplace(result);
        return result;
    }

    /// <summary>
    /// Drops the last prime q_ℓ of the ciphertext's level: c ← round(c / q_ℓ) in the remaining primes (SEAL's
    /// <c>mod_switch_scale_to_next</c> / <c>divide_and_round_q_last_inplace</c>). The plaintext is unchanged, the
    /// ciphertext shrinks by one limb per polynomial, and the noise scales down with Q.
    /// </summary>
    public void ModSwitchToNextInplace(Ciphertext a)
    {
        LevelContext level = Check(a, "ciphertext");
        RequireCoefficientForm(a, "mod_switch_to_next");
        if (level.Count < 2)
        {
            throw new InvalidOperationException("The ciphertext is already at the last level (one prime); it cannot be switched further.");
        }

        int n = _context.N, l = level.Count, newLen = (l - 1) * n;
        var data = new ulong[a.Size * newLen];
        for (int k = 0; k < a.Size; k++)
        {
            RnsRounding.DivideAndRoundByLast(a.Poly(k), data.AsSpan(k * newLen, newLen), level.Moduli, level.LastInvModQi, n);
        }

        a.Data = data;
        a.Level = l - 1;
    }

    /// <summary>A zero ciphertext on pooled storage; dispose it (<c>using</c>) once the operation no longer needs it.</summary>
    internal ScratchCiphertext RentScratch(int size, int level, bool isNttForm = false) => new(Scratch, _context, size, level, isNttForm);

    private void AddOrSub(Ciphertext a, Ciphertext b, bool subtract)
    {
        LevelContext level = Check(a, "first ciphertext");
        Check(b, "second ciphertext");
        if (a.Level != b.Level)
        {
            throw new ArgumentException($"The ciphertexts are at different levels ({a.Level} and {b.Level}); mod-switch the higher one first.");
        }

        if (a.IsNttForm != b.IsNttForm)
        {
            throw new ArgumentException("One ciphertext is in NTT form and the other is not.");
        }

        if (b.Size > a.Size)
        {
            var grown = new ulong[b.Size * a.PolyLength];
            a.Data.CopyTo(grown, 0);
            a.Data = grown;
            a.Size = b.Size;
        }

        for (int k = 0; k < b.Size; k++)
        {
            if (subtract)
            {
                RnsPoly.Sub(a.Poly(k), b.Poly(k), a.Poly(k), level.Moduli, _context.N);
            }
            else
            {
                RnsPoly.Add(a.Poly(k), b.Poly(k), a.Poly(k), level.Moduli, _context.N);
            }
        }
    }

    private void AddOrSubPlain(Ciphertext a, Plaintext plain, bool subtract)
    {
        LevelContext level = Check(a, "ciphertext");
        CheckPlain(plain);
        RequireCoefficientForm(a, subtract ? "sub_plain" : "add_plain");
        if (plain.IsNttForm)
        {
            throw new ArgumentException("add_plain/sub_plain need a coefficient-form plaintext.", nameof(plain));
        }

        PlainScaling.AddScaled(level, plain.Data, a.Poly(0), subtract);
    }

    private LevelContext Check(Ciphertext a, string what)
    {
        ArgumentNullException.ThrowIfNull(a, what);
        Guard.SameContext(_context, a.Context, what);
        return _context.Level(a.Level);
    }

    private void CheckPlain(Plaintext plain)
    {
        ArgumentNullException.ThrowIfNull(plain);
        Guard.SameContext(_context, plain.Context, "plaintext");
        if (!plain.IsNttForm)
        {
            Guard.PlainCoefficients(plain.Data, _context.PlainModulus.Value);
        }
    }

    private static void RequireCoefficientForm(Ciphertext a, string operation)
    {
        if (a.IsNttForm)
        {
            throw new ArgumentException($"{operation} needs a coefficient-form ciphertext; call TransformFromNtt first.");
        }
    }
}
