using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Seco.Lattice.Ring;

public static partial class NegacyclicNtt
{
    /// <summary>
    /// The AVX-512 transforms: the Harvey butterflies of <see cref="ForwardScalar"/> / <see cref="InverseScalar"/>
    /// (Harvey 2014, Alg. 4 and its Gentleman–Sande counterpart) on 8 lanes, laid out like Intel HEXL's AVX-512 NTT
    /// (hexl/ntt/fwd-ntt-avx512.hpp, inv-ntt-avx512.hpp):
    /// <list type="bullet">
    /// <item>layers whose butterfly gap is ≥ 8 take X and Y as whole vectors, one broadcast twiddle per group;</item>
    /// <item>the three layers with gap 4, 2, 1 work on blocks of 16 values held in two registers, regrouped by
    /// permutes between the layers so every butterfly again has an X vector and a Y vector; the per-lane twiddles
    /// of those layers are contiguous in the bit-reversed tables (gap 1) or expanded from 2 or 4 of them by one
    /// permute (gaps 4 and 2). Unlike HEXL, the three layers share one pass over memory, and two blocks are
    /// interleaved so the out-of-order core always has independent work next to each block's long dependency
    /// chain (measured 6 % faster than one block at a time).</item>
    /// </list>
    /// Without AVX-512 IFMA (which .NET does not expose) a 64×64 → 128-bit product has no single instruction: the low
    /// half is <c>vpmullq</c> (AVX-512 DQ), and the Shoup quotient ⌊y·w/q⌋ — the multiplier-bound part of every
    /// butterfly — is estimated in one of two ways, chosen per modulus: in double precision for q &lt; 2^49
    /// (<see cref="FloatQuotient"/>: every BFV coefficient prime up to n = 16384) or from 32×32 → 64-bit
    /// <c>vpmuludq</c> products (<see cref="IntegerQuotient"/>: the 60-bit primes). The conditional subtractions are
    /// unsigned <c>vpminuq</c>(x, x − m). All of it is data-independent: no branch or memory address depends on a
    /// coefficient (the strategy depends on the public modulus only).
    /// </summary>
    private static class Avx512Kernels
    {
        /// <summary>Smallest n the vector code handles (two 16-value blocks); smaller transforms run the scalar code.</summary>
        private const int MinN = 32;

        public static unsafe void Forward(ulong* a, int n, NttTables tables)
        {
            if (n < MinN)
            {
                ForwardScalar(a, n, tables);
            }
            else if (tables.Modulus.Value < FloatQuotient.ModulusBound)
            {
                Forward<FloatQuotient>(a, n, tables, tables.RootsOverQArray);
            }
            else
            {
                Forward<IntegerQuotient>(a, n, tables, tables.RootsShoupArray);
            }
        }

        public static unsafe void Inverse(ulong* a, int n, NttTables tables)
        {
            if (n < MinN)
            {
                InverseScalar(a, n, tables);
            }
            else if (tables.Modulus.Value < FloatQuotient.ModulusBound)
            {
                Inverse<FloatQuotient>(a, n, tables, tables.InvRootsOverQArray);
            }
            else
            {
                Inverse<IntegerQuotient>(a, n, tables, tables.InvRootsShoupArray);
            }
        }

        /// <summary>
        /// The forward transform; <paramref name="operands"/> holds what <typeparamref name="TQ"/> needs per twiddle
        /// of tables.RootsArray (and is indexed like it).
        /// </summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static unsafe void Forward<TQ>(ulong* a, int n, NttTables tables, ulong[] operands)
            where TQ : struct, IQuotient
        {
            ulong q = tables.Modulus.Value;
            Vector512<ulong> vq = Vector512.Create(q);
            Vector512<ulong> v2q = Vector512.Create(q << 1);

            fixed (ulong* w = tables.RootsArray)
            fixed (ulong* ws = operands)
            {
                // Layers with gap ≥ 8: m groups of span 2·gap, twiddle ψ^bitrev(m+i) for group i (as in the scalar code).
                int m = 1;
                for (int gap = n >> 1; gap >= 8; m <<= 1, gap >>= 1)
                {
                    ulong* x = a;
                    for (int i = 0; i < m; i++, x += gap)
                    {
                        var tw = new Twiddle(Vector512.Create(w[m + i]), Vector512.Create(ws[m + i]));
                        ulong* y = x + gap;
                        for (ulong* end = y; x < end; x += 8, y += 8)
                        {
                            Vector512<ulong> vx = Vector512.Load(x), vy = Vector512.Load(y);
                            ForwardButterfly<TQ>(ref vx, ref vy, tw, vq, v2q);
                            vx.Store(x);
                            vy.Store(y);
                        }
                    }
                }

                // Now m = n/8: the gap-4 layer has n/8 groups, gap 2 n/4, gap 1 n/2. Block b (values 16b … 16b+15)
                // holds groups 2b, 2b+1 of the gap-4 layer, 4b … 4b+3 of the gap-2 layer and 8b … 8b+7 of the last.
                // Blocks b (registers *0) and b + 1 (registers *1) go through the three layers side by side.
                ulong* w4 = w + (n >> 3), ws4 = ws + (n >> 3);
                ulong* w2 = w + (n >> 2), ws2 = ws + (n >> 2);
                ulong* w1 = w + (n >> 1), ws1 = ws + (n >> 1);
                Vector512<ulong> dup4 = Vector512.Create(0UL, 0, 0, 0, 1, 1, 1, 1);
                Vector512<ulong> dup2 = Vector512.Create(0UL, 0, 1, 1, 2, 2, 3, 3);
                Vector512<ulong> pairLow = Vector512.Create(0UL, 1, 8, 9, 4, 5, 12, 13);
                Vector512<ulong> pairHigh = Vector512.Create(2UL, 3, 10, 11, 6, 7, 14, 15);
                Vector512<ulong> zipLow = Vector512.Create(0UL, 8, 1, 9, 2, 10, 3, 11);
                Vector512<ulong> zipHigh = Vector512.Create(4UL, 12, 5, 13, 6, 14, 7, 15);
                for (int b = 0, blocks = n >> 4; b < blocks; b += 2, a += 32)
                {
                    // Gap 4: X = values 0–3 and 8–11, Y = 4–7 and 12–15; twiddles (w[2b] ×4, w[2b+1] ×4).
                    Vector512<ulong> v0 = Vector512.Load(a), v1 = Vector512.Load(a + 8);
                    Vector512<ulong> u0 = Vector512.Load(a + 16), u1 = Vector512.Load(a + 24);
                    Vector512<ulong> x0 = Avx512F.Shuffle4x128(v0, v1, 0b01_00_01_00);
                    Vector512<ulong> y0 = Avx512F.Shuffle4x128(v0, v1, 0b11_10_11_10);
                    Vector512<ulong> x1 = Avx512F.Shuffle4x128(u0, u1, 0b01_00_01_00);
                    Vector512<ulong> y1 = Avx512F.Shuffle4x128(u0, u1, 0b11_10_11_10);
                    ForwardButterflies<TQ>(
                        ref x0, ref y0, Expand(w4 + (2 * b), ws4 + (2 * b), dup4),
                        ref x1, ref y1, Expand(w4 + (2 * b) + 2, ws4 + (2 * b) + 2, dup4),
                        vq,
                        v2q);

                    // Gap 2: X = values {0,1,4,5,8,9,12,13}, Y = {2,3,6,7,10,11,14,15}; twiddles w[4b+k] twice each.
                    (x0, y0) = (Avx512F.PermuteVar8x64x2(x0, pairLow, y0), Avx512F.PermuteVar8x64x2(x0, pairHigh, y0));
                    (x1, y1) = (Avx512F.PermuteVar8x64x2(x1, pairLow, y1), Avx512F.PermuteVar8x64x2(x1, pairHigh, y1));
                    ForwardButterflies<TQ>(
                        ref x0, ref y0, Expand(w2 + (4 * b), ws2 + (4 * b), dup2),
                        ref x1, ref y1, Expand(w2 + (4 * b) + 4, ws2 + (4 * b) + 4, dup2),
                        vq,
                        v2q);

                    // Gap 1: X = even values, Y = odd values (unpack pairs lanes 2k of X and Y); twiddles w[8b … 8b+7].
                    (x0, y0) = (Avx512F.UnpackLow(x0, y0), Avx512F.UnpackHigh(x0, y0));
                    (x1, y1) = (Avx512F.UnpackLow(x1, y1), Avx512F.UnpackHigh(x1, y1));
                    ForwardButterflies<TQ>(
                        ref x0, ref y0, Load(w1 + (8 * b), ws1 + (8 * b)),
                        ref x1, ref y1, Load(w1 + (8 * b) + 8, ws1 + (8 * b) + 8),
                        vq,
                        v2q);

                    // Final correction [0, 4q) → [0, q), then interleave X and Y back into natural order.
                    x0 = Reduce(Reduce(x0, v2q), vq);
                    y0 = Reduce(Reduce(y0, v2q), vq);
                    x1 = Reduce(Reduce(x1, v2q), vq);
                    y1 = Reduce(Reduce(y1, v2q), vq);
                    Avx512F.PermuteVar8x64x2(x0, zipLow, y0).Store(a);
                    Avx512F.PermuteVar8x64x2(x0, zipHigh, y0).Store(a + 8);
                    Avx512F.PermuteVar8x64x2(x1, zipLow, y1).Store(a + 16);
                    Avx512F.PermuteVar8x64x2(x1, zipHigh, y1).Store(a + 24);
                }
            }
        }

        /// <summary>The inverse transform; <paramref name="operands"/> as for <see cref="Forward{TQ}"/>, for the inverse roots.</summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private static unsafe void Inverse<TQ>(ulong* a, int n, NttTables tables, ulong[] operands)
            where TQ : struct, IQuotient
        {
            ulong q = tables.Modulus.Value;
            Vector512<ulong> vq = Vector512.Create(q);
            Vector512<ulong> v2q = Vector512.Create(q << 1);

            fixed (ulong* w = tables.InvRootsArray)
            fixed (ulong* ws = operands)
            {
                // Gaps 1, 2, 4 in one pass over pairs of 16-value blocks, the mirror image of the forward last pass.
                ulong* w1 = w + (n >> 1), ws1 = ws + (n >> 1);
                ulong* w2 = w + (n >> 2), ws2 = ws + (n >> 2);
                ulong* w4 = w + (n >> 3), ws4 = ws + (n >> 3);
                Vector512<ulong> dup4 = Vector512.Create(0UL, 0, 0, 0, 1, 1, 1, 1);
                Vector512<ulong> dup2 = Vector512.Create(0UL, 0, 1, 1, 2, 2, 3, 3);
                Vector512<ulong> evens = Vector512.Create(0UL, 2, 4, 6, 8, 10, 12, 14);
                Vector512<ulong> odds = Vector512.Create(1UL, 3, 5, 7, 9, 11, 13, 15);
                Vector512<ulong> pairLow = Vector512.Create(0UL, 1, 8, 9, 4, 5, 12, 13);
                Vector512<ulong> pairHigh = Vector512.Create(2UL, 3, 10, 11, 6, 7, 14, 15);
                ulong* p = a;
                for (int b = 0, blocks = n >> 4; b < blocks; b += 2, p += 32)
                {
                    // Gap 1: X = even values, Y = odd values; twiddles w[8b … 8b+7].
                    Vector512<ulong> v0 = Vector512.Load(p), v1 = Vector512.Load(p + 8);
                    Vector512<ulong> u0 = Vector512.Load(p + 16), u1 = Vector512.Load(p + 24);
                    Vector512<ulong> x0 = Avx512F.PermuteVar8x64x2(v0, evens, v1);
                    Vector512<ulong> y0 = Avx512F.PermuteVar8x64x2(v0, odds, v1);
                    Vector512<ulong> x1 = Avx512F.PermuteVar8x64x2(u0, evens, u1);
                    Vector512<ulong> y1 = Avx512F.PermuteVar8x64x2(u0, odds, u1);
                    InverseButterflies<TQ>(
                        ref x0, ref y0, Load(w1 + (8 * b), ws1 + (8 * b)),
                        ref x1, ref y1, Load(w1 + (8 * b) + 8, ws1 + (8 * b) + 8),
                        vq,
                        v2q);

                    // Gap 2: X = values {0,1,4,5,8,9,12,13}, Y = {2,3,6,7,10,11,14,15}.
                    (x0, y0) = (Avx512F.UnpackLow(x0, y0), Avx512F.UnpackHigh(x0, y0));
                    (x1, y1) = (Avx512F.UnpackLow(x1, y1), Avx512F.UnpackHigh(x1, y1));
                    InverseButterflies<TQ>(
                        ref x0, ref y0, Expand(w2 + (4 * b), ws2 + (4 * b), dup2),
                        ref x1, ref y1, Expand(w2 + (4 * b) + 4, ws2 + (4 * b) + 4, dup2),
                        vq,
                        v2q);

                    // Gap 4: X = values 0–3 and 8–11, Y = 4–7 and 12–15.
                    (x0, y0) = (Avx512F.PermuteVar8x64x2(x0, pairLow, y0), Avx512F.PermuteVar8x64x2(x0, pairHigh, y0));
                    (x1, y1) = (Avx512F.PermuteVar8x64x2(x1, pairLow, y1), Avx512F.PermuteVar8x64x2(x1, pairHigh, y1));
                    InverseButterflies<TQ>(
                        ref x0, ref y0, Expand(w4 + (2 * b), ws4 + (2 * b), dup4),
                        ref x1, ref y1, Expand(w4 + (2 * b) + 2, ws4 + (2 * b) + 2, dup4),
                        vq,
                        v2q);

                    Avx512F.Shuffle4x128(x0, y0, 0b01_00_01_00).Store(p);
                    Avx512F.Shuffle4x128(x0, y0, 0b11_10_11_10).Store(p + 8);
                    Avx512F.Shuffle4x128(x1, y1, 0b01_00_01_00).Store(p + 16);
                    Avx512F.Shuffle4x128(x1, y1, 0b11_10_11_10).Store(p + 24);
                }

                // Layers with gap 8 … n/4 (m = n/16 … 2 groups).
                int halfN = n >> 1;
                int gap = 8;
                for (int m = n >> 4; m > 1; m >>= 1, gap <<= 1)
                {
                    ulong* x = a;
                    for (int i = 0; i < m; i++, x += gap)
                    {
                        var tw = new Twiddle(Vector512.Create(w[m + i]), Vector512.Create(ws[m + i]));
                        ulong* y = x + gap;
                        for (ulong* end = y; x < end; x += 8, y += 8)
                        {
                            Vector512<ulong> vx = Vector512.Load(x), vy = Vector512.Load(y);
                            InverseButterfly<TQ>(ref vx, ref vy, tw, vq, v2q);
                            vx.Store(x);
                            vy.Store(y);
                        }
                    }
                }

                // Last layer (one group, gap n/2) merged with the 1/n scaling, outputs reduced to [0, q).
                var invN = new Twiddle(Vector512.Create(tables.InvN), Vector512.Create(TQ.Operand(tables.InvN, tables.InvNShoup, q)));
                var wl = new Twiddle(
                    Vector512.Create(tables.LastInvRootTimesInvN),
                    Vector512.Create(TQ.Operand(tables.LastInvRootTimesInvN, tables.LastInvRootTimesInvNShoup, q)));
                for (ulong* x = a, y = a + halfN, end = a + halfN; x < end; x += 8, y += 8)
                {
                    Vector512<ulong> vx = Vector512.Load(x), vy = Vector512.Load(y);
                    Vector512<ulong> s = vx + vy; // < 4q: any 64-bit operand is fine for Shoup
                    Vector512<ulong> d = vx - vy + v2q;
                    Reduce(TQ.MulShoup(s, invN, vq, v2q), vq).Store(x);
                    Reduce(TQ.MulShoup(d, wl, vq, v2q), vq).Store(y);
                }
            }
        }

        /// <summary>
        /// Harvey's forward (Cooley–Tukey) butterfly on 8 lanes: X ∈ [0, 4q) is folded to [0, 2q), T = W·Y mod q is
        /// a Shoup product in [0, 2q), and the outputs X + T and X − T + 2q are in [0, 4q).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void ForwardButterfly<TQ>(
            ref Vector512<ulong> x, ref Vector512<ulong> y, in Twiddle w, Vector512<ulong> q, Vector512<ulong> twoQ)
            where TQ : struct, IQuotient
        {
            Vector512<ulong> xv = Reduce(x, twoQ);
            Vector512<ulong> t = TQ.MulShoup(y, w, q, twoQ);
            x = xv + t;
            y = xv - t + twoQ;
        }

        /// <summary>Two independent <see cref="ForwardButterfly{TQ}"/>s, written interleaved (see the class summary).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void ForwardButterflies<TQ>(
            ref Vector512<ulong> x0, ref Vector512<ulong> y0, in Twiddle w0,
            ref Vector512<ulong> x1, ref Vector512<ulong> y1, in Twiddle w1,
            Vector512<ulong> q,
            Vector512<ulong> twoQ)
            where TQ : struct, IQuotient
        {
            (Vector512<ulong> t0, Vector512<ulong> t1) = TQ.MulShoup(y0, w0, y1, w1, q, twoQ);
            Vector512<ulong> xv0 = Reduce(x0, twoQ), xv1 = Reduce(x1, twoQ);
            x0 = xv0 + t0;
            x1 = xv1 + t1;
            y0 = xv0 - t0 + twoQ;
            y1 = xv1 - t1 + twoQ;
        }

        /// <summary>
        /// Harvey's inverse (Gentleman–Sande) butterfly on 8 lanes: inputs in [0, 2q); X + Y is folded to [0, 2q) and
        /// (X − Y + 2q)·W mod q is a Shoup product in [0, 2q).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void InverseButterfly<TQ>(
            ref Vector512<ulong> x, ref Vector512<ulong> y, in Twiddle w, Vector512<ulong> q, Vector512<ulong> twoQ)
            where TQ : struct, IQuotient
        {
            Vector512<ulong> xv = x, yv = y;
            x = Reduce(xv + yv, twoQ);
            y = TQ.MulShoup(xv - yv + twoQ, w, q, twoQ);
        }

        /// <summary>Two independent <see cref="InverseButterfly{TQ}"/>s, written interleaved.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void InverseButterflies<TQ>(
            ref Vector512<ulong> x0, ref Vector512<ulong> y0, in Twiddle w0,
            ref Vector512<ulong> x1, ref Vector512<ulong> y1, in Twiddle w1,
            Vector512<ulong> q,
            Vector512<ulong> twoQ)
            where TQ : struct, IQuotient
        {
            Vector512<ulong> d0 = x0 - y0 + twoQ, d1 = x1 - y1 + twoQ;
            x0 = Reduce(x0 + y0, twoQ);
            x1 = Reduce(x1 + y1, twoQ);
            (y0, y1) = TQ.MulShoup(d0, w0, d1, w1, q, twoQ);
        }

        /// <summary>low32(a) · low32(b) in each 64-bit lane (<c>vpmuludq</c>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<ulong> Mul32(Vector512<ulong> a, Vector512<ulong> b) => Avx512F.Multiply(a.AsUInt32(), b.AsUInt32());

        /// <summary>
        /// v ≥ m ? v − m : v per lane (m &gt; 0), as the unsigned minimum of v and v − m: when v &lt; m the difference
        /// wraps to v − m + 2^64 &gt; v.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<ulong> Reduce(Vector512<ulong> v, Vector512<ulong> m) => Vector512.Min(v, v - m);

        /// <summary>Per-lane twiddles w[0 … 7] with their quotient operands.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe Twiddle Load(ulong* w, ulong* ws) => new(Vector512.Load(w), Vector512.Load(ws));

        /// <summary>
        /// Twiddles (w[k0], w[k1], …) for the index vector <paramref name="pattern"/>, from the 2 or 4 entries at
        /// <paramref name="w"/> and their operands at <paramref name="ws"/> (a 256-bit load and a <c>vpermq</c> each).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe Twiddle Expand(ulong* w, ulong* ws, Vector512<ulong> pattern) => new(
            Avx512F.PermuteVar8x64(Vector256.Load(w).ToVector512Unsafe(), pattern),
            Avx512F.PermuteVar8x64(Vector256.Load(ws).ToVector512Unsafe(), pattern));

        /// <summary>
        /// A twiddle w (per lane) and the operand its quotient strategy needs: the Shoup quotient ⌊w·2^64/q⌋
        /// (<see cref="IntegerQuotient"/>, which also uses its high 32 bits) or the bits of the double w/q
        /// (<see cref="FloatQuotient"/>).
        /// </summary>
        private readonly struct Twiddle(Vector512<ulong> value, Vector512<ulong> operand)
        {
            public readonly Vector512<ulong> Value = value;
            public readonly Vector512<ulong> Operand = operand;
            public readonly Vector512<ulong> OperandHi = operand >>> 32;
        }

        /// <summary>How the kernels compute y·w mod q in [0, 2q) (Shoup multiplication with a precomputed operand per w).</summary>
        private interface IQuotient
        {
            /// <summary>The per-twiddle operand for a scalar twiddle w with Shoup quotient <paramref name="shoup"/>.</summary>
            static abstract ulong Operand(ulong w, ulong shoup, ulong q);

            /// <summary>y·w mod q in [0, 2q) for y &lt; 4q.</summary>
            static abstract Vector512<ulong> MulShoup(Vector512<ulong> y, in Twiddle w, Vector512<ulong> q, Vector512<ulong> twoQ);

            /// <summary>Two independent products, written interleaved.</summary>
            static abstract (Vector512<ulong>, Vector512<ulong>) MulShoup(
                Vector512<ulong> y0, in Twiddle w0, Vector512<ulong> y1, in Twiddle w1, Vector512<ulong> q, Vector512<ulong> twoQ);
        }

        /// <summary>
        /// Shoup's multiplication by a fixed w with ws = ⌊w·2^64/q⌋ (Harvey 2014, §2), for any modulus. The quotient
        /// estimate is built from three of the four 32×32-bit partial products of y·ws:
        /// q̂ = y₁ws₁ + ⌊y₀ws₁ / 2^32⌋ + ⌊y₁ws₀ / 2^32⌋ (₀/₁ the low/high halves), which drops y₀ws₀ and two
        /// carries, so q̂ is at most 2 below ⌊y·ws / 2^64⌋, which is itself at most 1 below ⌊y·w/q⌋. Hence
        /// r = y·w − q̂·q (computed modulo 2^64 with two <c>vpmullq</c>) lies in [0, 4q) ⊂ [0, 2^63), and one
        /// conditional subtraction of 2q brings it to [0, 2q), the scalar code's range. The exact high product would
        /// cost a fourth <c>vpmuludq</c> and four more ALU operations (HEXL's <c>_mm512_hexl_mulhi_epi&lt;64&gt;</c>);
        /// the multiplier ports are the bottleneck, and this version was measured 9 % faster.
        /// </summary>
        private readonly struct IntegerQuotient : IQuotient
        {
            public static ulong Operand(ulong w, ulong shoup, ulong q) => shoup;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Vector512<ulong> MulShoup(Vector512<ulong> y, in Twiddle w, Vector512<ulong> q, Vector512<ulong> twoQ)
            {
                Vector512<ulong> yHi = y >>> 32;
                Vector512<ulong> qHat = Mul32(yHi, w.OperandHi) + (Mul32(y, w.OperandHi) >>> 32) + (Mul32(yHi, w.Operand) >>> 32);
                return Reduce(Avx512DQ.MultiplyLow(y, w.Value) - Avx512DQ.MultiplyLow(qHat, q), twoQ);
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static (Vector512<ulong>, Vector512<ulong>) MulShoup(
                Vector512<ulong> y0, in Twiddle w0, Vector512<ulong> y1, in Twiddle w1, Vector512<ulong> q, Vector512<ulong> twoQ)
            {
                Vector512<ulong> yHi0 = y0 >>> 32, yHi1 = y1 >>> 32;
                Vector512<ulong> hh0 = Mul32(yHi0, w0.OperandHi), hh1 = Mul32(yHi1, w1.OperandHi);
                Vector512<ulong> lh0 = Mul32(y0, w0.OperandHi), lh1 = Mul32(y1, w1.OperandHi);
                Vector512<ulong> hl0 = Mul32(yHi0, w0.Operand), hl1 = Mul32(yHi1, w1.Operand);
                Vector512<ulong> qHat0 = hh0 + (lh0 >>> 32) + (hl0 >>> 32);
                Vector512<ulong> qHat1 = hh1 + (lh1 >>> 32) + (hl1 >>> 32);
                Vector512<ulong> yw0 = Avx512DQ.MultiplyLow(y0, w0.Value), yw1 = Avx512DQ.MultiplyLow(y1, w1.Value);
                Vector512<ulong> r0 = yw0 - Avx512DQ.MultiplyLow(qHat0, q), r1 = yw1 - Avx512DQ.MultiplyLow(qHat1, q);
                return (Reduce(r0, twoQ), Reduce(r1, twoQ));
            }
        }

        /// <summary>
        /// Shoup-style multiplication whose quotient comes from double precision, for q &lt; 2^49: with y &lt; 4q &lt; 2^51
        /// (exactly representable) and the correctly rounded ratio w/q, the product p = fl(y · fl(w/q)) has relative
        /// error below 2^−52, so |p − y·w/q| &lt; 2^51 · 2^−52 = 1/2 and q̂ = trunc(p) is within 1 of ⌊y·w/q⌋
        /// (<c>vcvtuqq2pd</c>, <c>vmulpd</c>, <c>vcvttpd2uqq</c>). Then r = y·w − q̂·q (two <c>vpmullq</c>, modulo 2^64)
        /// lies in [−q, 2q), and min(r, r + q) on unsigned words maps it to [0, 2q): a negative r has wrapped above
        /// 2^63 while r + q is its true value. Three floating-point operations replace the three <c>vpmuludq</c>
        /// and five ALU operations of <see cref="IntegerQuotient"/>: measured 18–23 % faster per transform at
        /// n = 8192 / 4096. Every BFV coefficient prime up to n = 16384 (at most 49 bits) takes this path.
        /// </summary>
        private readonly struct FloatQuotient : IQuotient
        {
            /// <summary>Moduli below this bound (2^49) use the floating-point estimate.</summary>
            public const ulong ModulusBound = 1UL << 49;

            public static ulong Operand(ulong w, ulong shoup, ulong q) => BitConverter.DoubleToUInt64Bits(w / (double)q);

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static Vector512<ulong> MulShoup(Vector512<ulong> y, in Twiddle w, Vector512<ulong> q, Vector512<ulong> twoQ)
            {
                Vector512<double> p = Avx512DQ.ConvertToVector512Double(y) * w.Operand.AsDouble();
                Vector512<ulong> qHat = Avx512DQ.ConvertToVector512UInt64WithTruncation(p);
                Vector512<ulong> r = Avx512DQ.MultiplyLow(y, w.Value) - Avx512DQ.MultiplyLow(qHat, q);
                return Vector512.Min(r, r + q);
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public static (Vector512<ulong>, Vector512<ulong>) MulShoup(
                Vector512<ulong> y0, in Twiddle w0, Vector512<ulong> y1, in Twiddle w1, Vector512<ulong> q, Vector512<ulong> twoQ)
            {
                Vector512<double> p0 = Avx512DQ.ConvertToVector512Double(y0) * w0.Operand.AsDouble();
                Vector512<double> p1 = Avx512DQ.ConvertToVector512Double(y1) * w1.Operand.AsDouble();
                Vector512<ulong> qHat0 = Avx512DQ.ConvertToVector512UInt64WithTruncation(p0);
                Vector512<ulong> qHat1 = Avx512DQ.ConvertToVector512UInt64WithTruncation(p1);
                Vector512<ulong> yw0 = Avx512DQ.MultiplyLow(y0, w0.Value), yw1 = Avx512DQ.MultiplyLow(y1, w1.Value);
                Vector512<ulong> r0 = yw0 - Avx512DQ.MultiplyLow(qHat0, q), r1 = yw1 - Avx512DQ.MultiplyLow(qHat1, q);
                return (Vector512.Min(r0, r0 + q), Vector512.Min(r1, r1 + q));
            }
        }
    }
}
