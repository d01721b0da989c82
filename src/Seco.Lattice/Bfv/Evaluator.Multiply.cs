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
        int n = _context.N, l = level.Count, k = mc.Aux.Length, total = l + k;
        int extLen = total * n, qLen = l * n;
        using var aExt = new PooledBuffer(a.Size * extLen);
        using var bExt = new PooledBuffer(b.Size * extLen);
        Lift(a, aExt.Span, mc, level);
        Lift(b, bExt.Span, mc, level);

        using var d = new PooledBuffer(extLen);
        using var z = new PooledBuffer(qLen);
        using var r = new PooledBuffer(k * n);
        for (int s = 0; s < result.Size; s++)
        {
            Span<ulong> dSpan = d.Span;
            dSpan.Clear();
            for (int i = Math.Max(0, s - b.Size + 1); i <= Math.Min(s, a.Size - 1); i++)
            {
                RnsPoly.MultiplyAddPointwise(
                    aExt.Span.Slice(i * extLen, extLen), bExt.Span.Slice((s - i) * extLen, extLen), dSpan, mc.AllModuli, n);
            }

            RnsPoly.InverseNtt(dSpan, mc.AllNtt, total);

            // z = t·d mod Q; r = centred lift of z into P; y = (t·d − r)·Q^{-1} mod P = round(t·d/Q) mod P.
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
