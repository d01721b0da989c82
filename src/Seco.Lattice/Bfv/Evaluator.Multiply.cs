using Seco.Lattice.Ring;

namespace Seco.Lattice.Bfv;

public sealed partial class Evaluator
{
    /// <summary>a · b, of size a.Size + b.Size − 1 (3 for two fresh ciphertexts); relinearize afterwards.</summary>
    public Ciphertext Multiply(Ciphertext a, Ciphertext b)
    {
        (LevelContext level, int size) = CheckMultiplyOperands(a, b);
        var result = new Ciphertext(_context, size, level.Count);
        MultiplyInto(a, b, result, level);
        return result;
    }

    /// <summary>Validates the operands of a product and returns their level and the product's size.</summary>
    private (LevelContext Level, int Size) CheckMultiplyOperands(Ciphertext a, Ciphertext b)
    {
        LevelContext level = Check(a, "first ciphertext");
        Check(b, "second ciphertext");
        RequireCoefficientForm(a, "multiply");
        RequireCoefficientForm(b, "multiply");
        if (a.Level != b.Level)
        {
            throw new ArgumentException($"The ciphertexts are at different levels ({a.Level} and {b.Level}); mod-switch the higher one first.");
        }

        int size = a.Size + b.Size - 1;
        if (size > Ciphertext.MaxSize)
        {
            throw new ArgumentException($"The product would have {size} polynomials; at most {Ciphertext.MaxSize} are supported.");
        }

        return (level, size);
    }

    /// <summary>a ← a · b.</summary>
    public void MultiplyInplace(Ciphertext a, Ciphertext b) => a.CopyFrom(Multiply(a, b));

    /// <summary>
    /// HPS multiplication (Halevi, Polyakov &amp; Shoup 2018, Alg. 2, with the "scale in Q first" order of Kim,
    /// Polyakov &amp; Zucca 2021): lift every polynomial exactly from Q to Q ∪ P, form the tensor product in the NTT
    /// domain, then for each output polynomial d compute round(t·d/Q) = (t·d − [t·d]_Q)/Q modulo P and extend it
    /// back to Q. P is sized so that every intermediate is represented exactly (see <see cref="MultiplyConstants"/>).
    /// </summary>
    private void MultiplyInto(Ciphertext a, Ciphertext b, Ciphertext result, LevelContext level)
    {
        MultiplyConstants mc = level.Multiply;
        int extLen = (level.Count + mc.Aux.Length) * _context.N;
        using var aExt = new PooledBuffer(a.Size * extLen);
        using var bExt = new PooledBuffer(b.Size * extLen);
        Lift(a, aExt.Span, mc, level);
        Lift(b, bExt.Span, mc, level);
        using var acc = new PooledBuffer(result.Size * extLen);
        Tensor(aExt.Span, a.Size, bExt.Span, b.Size, acc.Span, mc, level);
        ScaleDown(acc.Span, result, mc, level);
    }

    /// <summary>
    /// Σ_i left_i · right_i of size-2 ciphertexts as one size-3 ciphertext (relinearize afterwards). The tensors are
    /// summed in Q ∪ P and scaled down once per <see cref="MultiplyConstants.MaxAccumulated"/> terms, so a dot product
    /// of k pairs costs 2k lifts and one rounding instead of k full products (the inner loop of an encrypted-matrix ×
    /// encrypted-vector product). The rounding error is that of one product, not k.
    /// </summary>
    public Ciphertext DotProduct(IReadOnlyList<Ciphertext> left, IReadOnlyList<Ciphertext> right)
    {
        ArgumentNullException.ThrowIfNull(right);
        return DotProduct(left, right.Count, null, (i, ext, mc, level) =>
        {
            CheckDotTerm(left[0], right[i], i);
            Lift(right[i], ext, mc, level);
        });
    }

    /// <summary>
    /// <see cref="DotProduct(IReadOnlyList{Ciphertext}, IReadOnlyList{Ciphertext})"/> with right operands lifted once
    /// (<see cref="LiftForDotProduct"/>) for reuse across many dot products, as the baby steps of a ct×ct mat-vec are.
    /// </summary>
    internal Ciphertext DotProductLifted(IReadOnlyList<Ciphertext> left, IReadOnlyList<LiftedCiphertext> right) =>
        DotProductLifted(left, right, null);

    /// <summary>
    /// <see cref="DotProductLifted(IReadOnlyList{Ciphertext}, IReadOnlyList{LiftedCiphertext})"/> written into
    /// <paramref name="destination"/> (reshaped to size 3; a fresh ciphertext when null), which must not be an operand.
    /// </summary>
    internal Ciphertext DotProductLifted(IReadOnlyList<Ciphertext> left, IReadOnlyList<LiftedCiphertext> right, Ciphertext? destination)
    {
        ArgumentNullException.ThrowIfNull(right);
        return DotProduct(left, right.Count, destination, (i, ext, _, _) =>
        {
            if (right[i].Level != left[0].Level)
            {
                throw new ArgumentException($"Dot-product term {i}: the lifted operand is at level {right[i].Level}, not {left[0].Level}.");
            }

            right[i].Data.CopyTo(ext);
        });
    }

    /// <summary>A size-2 coefficient-form ciphertext lifted to Q ∪ P in NTT form, for repeated dot products.</summary>
    internal LiftedCiphertext LiftForDotProduct(Ciphertext ct)
    {
        Check(ct, "ciphertext");
        return LiftForDotProduct(ct, new ulong[LiftedLength(ct.Level)]);
    }

    /// <summary>
    /// <see cref="LiftForDotProduct(Ciphertext)"/> into caller-owned <paramref name="data"/> of exactly
    /// <see cref="LiftedLength"/> words (e.g. rented from <see cref="Scratch"/>); every word is overwritten.
    /// </summary>
    internal LiftedCiphertext LiftForDotProduct(Ciphertext ct, ulong[] data)
    {
        LevelContext level = Check(ct, "ciphertext");
        CheckDotTerm(ct, ct, 0);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != LiftedLength(ct.Level))
        {
            throw new ArgumentException($"A lifted ciphertext at level {ct.Level} takes {LiftedLength(ct.Level)} words, not {data.Length}.", nameof(data));
        }

        Lift(ct, data, level.Multiply, level);
        return new LiftedCiphertext(ct.Level, data);
    }

    /// <summary>Words of a size-2 ciphertext at <paramref name="level"/> lifted to Q ∪ P.</summary>
    internal int LiftedLength(int level) => 2 * (level + _context.Level(level).Multiply.Aux.Length) * _context.N;

    private Ciphertext DotProduct(
        IReadOnlyList<Ciphertext> left, int rightCount, Ciphertext? destination, Action<int, Span<ulong>, MultiplyConstants, LevelContext> liftRight)
    {
        ArgumentNullException.ThrowIfNull(left);
        if (left.Count != rightCount || left.Count == 0)
        {
            throw new ArgumentException($"A dot product needs two equally long, non-empty lists, not {left.Count} and {rightCount} ciphertexts.");
        }

        LevelContext level = Check(left[0], "first ciphertext");
        for (int i = 0; i < left.Count; i++)
        {
            CheckDotTerm(left[0], left[i], i);
        }

        MultiplyConstants mc = level.Multiply;
        int extLen = (level.Count + mc.Aux.Length) * _context.N;
        using var aExt = new PooledBuffer(2 * extLen);
        using var bExt = new PooledBuffer(2 * extLen);
        using var acc = new PooledBuffer(3 * extLen);
        Ciphertext result = destination ?? new Ciphertext(_context, 3, left[0].Level);
        Guard.SameContext(_context, result.Context, "destination ciphertext");
        Reshape(result, 3, left[0].Level); // the first rounding overwrites every residue
        for (int start = 0; start < left.Count; start += MultiplyConstants.MaxAccumulated)
        {
            acc.Span.Clear();
            for (int i = start; i < Math.Min(left.Count, start + MultiplyConstants.MaxAccumulated); i++)
            {
                Lift(left[i], aExt.Span, mc, level);
                liftRight(i, bExt.Span, mc, level);
                Tensor(aExt.Span, 2, bExt.Span, 2, acc.Span, mc, level);
            }

            if (start == 0)
            {
                ScaleDown(acc.Span, result, mc, level);
                continue;
            }

            // Beyond MaxAccumulated terms the 128-bit lanes could overflow: round this chunk on its own and add it.
            using ScratchCiphertext part = RentScratch(3, left[0].Level);
            ScaleDown(acc.Span, part.Value, mc, level);
            AddInplace(result, part.Value);
        }

        return result;
    }

    private void CheckDotTerm(Ciphertext first, Ciphertext term, int i)
    {
        ArgumentNullException.ThrowIfNull(term);
        Check(term, $"dot-product term {i}");
        RequireCoefficientForm(term, "a dot product");
        if (term.Size != 2 || term.Level != first.Level)
        {
            throw new ArgumentException($"Dot-product term {i} is not a size-2 ciphertext at level {first.Level}.");
        }
    }

    /// <summary>acc_s += Σ_{i+j=s} a_i ⊙ b_j over Q ∪ P in the NTT domain (lifted operands, see <see cref="Lift"/>).</summary>
    private void Tensor(ReadOnlySpan<ulong> aExt, int aSize, ReadOnlySpan<ulong> bExt, int bSize, Span<ulong> acc, MultiplyConstants mc, LevelContext level)
    {
        int n = _context.N, extLen = (level.Count + mc.Aux.Length) * n;
        for (int s = 0; s < aSize + bSize - 1; s++)
        {
            for (int i = Math.Max(0, s - bSize + 1); i <= Math.Min(s, aSize - 1); i++)
            {
                RnsPoly.MultiplyAddPointwise(
                    aExt.Slice(i * extLen, extLen), bExt.Slice((s - i) * extLen, extLen), acc.Slice(s * extLen, extLen), mc.AllModuli, n);
            }
        }
    }

    /// <summary>
    /// result_s = round(t·acc_s/Q) mod Q for each tensor polynomial acc_s (NTT form over Q ∪ P; overwritten): with
    /// z = t·d mod Q and r its centred lift into P, y = (t·d − r)·Q^{-1} mod P = round(t·d/Q), extended back to Q.
    /// </summary>
    private void ScaleDown(Span<ulong> acc, Ciphertext result, MultiplyConstants mc, LevelContext level)
    {
        int n = _context.N, l = level.Count, k = mc.Aux.Length, total = l + k;
        int extLen = total * n, qLen = l * n;
        using var z = new PooledBuffer(qLen);
        using var r = new PooledBuffer(k * n);
        for (int s = 0; s < result.Size; s++)
        {
            Span<ulong> dSpan = acc.Slice(s * extLen, extLen);
            RnsPoly.InverseNtt(dSpan, mc.AllNtt, total);
            RnsPoly.MultiplyScalar(dSpan[..qLen], mc.TModQ, z.Span, level.Moduli, n);
            mc.QToAux.Convert(z.Span, r.Span, n);
            Span<ulong> y = dSpan.Slice(qLen, k * n);
            for (int c = 0; c < k; c++)
            {
                Modulus p = mc.Aux[c];
                ulong tp = mc.TModAux[c], tps = p.ShoupPrecompute(tp);
                ulong qi = mc.QInvModAux[c], qis = p.ShoupPrecompute(qi);
                Span<ulong> yl = y.Slice(c * n, n);
                ReadOnlySpan<ulong> rl = r.Span.Slice(c * n, n);
                for (int i = 0; i < n; i++)
                {
                    yl[i] = p.MultiplyShoup(p.Sub(p.MultiplyShoup(yl[i], tp, tps), rl[i]), qi, qis);
                }
            }

            mc.AuxToQ.Convert(y, result.Poly(s), n);
        }
    }

    /// <summary>Writes each polynomial of <paramref name="ct"/> lifted to Q ∪ P, in NTT form, into <paramref name="ext"/>.</summary>
    private void Lift(Ciphertext ct, Span<ulong> ext, MultiplyConstants mc, LevelContext level)
    {
        int n = _context.N, qLen = level.PolyLength, extLen = qLen + (mc.Aux.Length * n);
        for (int s = 0; s < ct.Size; s++)
        {
            Span<ulong> target = ext.Slice(s * extLen, extLen);
            ct.Poly(s).CopyTo(target);
            mc.QToAux.Convert(target[..qLen], target[qLen..], n);
            RnsPoly.ForwardNtt(target, mc.AllNtt, level.Count + mc.Aux.Length);
        }
    }
}

/// <summary>A ciphertext lifted to Q ∪ P in NTT form (see <see cref="Evaluator.LiftForDotProduct"/>).</summary>
internal sealed class LiftedCiphertext(int level, ulong[] data)
{
    public int Level { get; } = level;

    public ulong[] Data { get; } = data;
}
