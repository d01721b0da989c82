using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Seco.Lattice.Ring;

public static partial class NegacyclicNtt
{
    /// <summary>
    /// The AVX-512 transforms: the scalar butterflies of <see cref="ForwardScalar"/> / <see cref="InverseScalar"/>
    /// (Harvey 2014, Alg. 4 and its Gentleman–Sande counterpart) on 8 lanes, laid out like Intel HEXL's AVX-512 NTT
    /// (hexl/ntt/fwd-ntt-avx512.hpp, inv-ntt-avx512.hpp):
    /// <list type="bullet">
    /// <item>layers whose butterfly gap is ≥ 8 take X and Y as whole vectors, one broadcast twiddle per group;</item>
    /// <item>the three layers with gap 4, 2, 1 work on blocks of 16 values held in two registers, regrouped by
    /// permutes between the layers so every butterfly again has an X vector and a Y vector; the per-lane twiddles
    /// of those layers are contiguous in the bit-reversed tables (gap 1) or expanded from 2 or 4 of them by one
    /// permute (gaps 4 and 2). The forward transform does the three layers in one pass over memory, the inverse
    /// likewise; HEXL makes one pass per layer.</item>
    /// </list>
    /// Without AVX-512 IFMA (which .NET does not expose) a 64×64 → 128-bit product has no single instruction: the low
    /// half is <c>vpmullq</c> (AVX-512 DQ) and the high half, needed for Shoup's quotient, is assembled exactly from
    /// four 32×32 → 64-bit <c>vpmuludq</c> products, as HEXL's <c>_mm512_hexl_mulhi_epi&lt;64&gt;</c> does. The
    /// conditional subtractions are unsigned <c>vpminuq</c>(x, x − m): when x &lt; m the difference wraps above x.
    /// All of it is data-independent: no branch or memory address depends on a coefficient.
    /// </summary>
    private static class Avx512Kernels
    {
        /// <summary>Smallest n the vector code handles (one 16-value block); smaller transforms run the scalar code.</summary>
        private const int MinN = 16;

        public static unsafe void Forward(ulong* a, int n, NttTables tables)
        {
            if (n < MinN)
            {
                ForwardScalar(a, n, tables);
                return;
            }

            ulong q = tables.Modulus.Value;
            Vector512<ulong> vq = Vector512.Create(q);
            Vector512<ulong> v2q = Vector512.Create(q << 1);

            fixed (ulong* w = tables.RootsArray)
            fixed (ulong* ws = tables.RootsShoupArray)
            {
                // Layers with gap ≥ 8: m groups of span 2·gap, twiddle ψ^bitrev(m+i) for group i (as in the scalar code).
                int m = 1;
                for (int gap = n >> 1; gap >= 8; m <<= 1, gap >>= 1)
                {
                    ulong* x = a;
                    for (int i = 0; i < m; i++, x += gap)
                    {
                        Vector512<ulong> vw = Vector512.Create(w[m + i]);
                        Vector512<ulong> vws = Vector512.Create(ws[m + i]);
                        Vector512<ulong> vwsHi = Vector512.Create(ws[m + i] >> 32);
                        ulong* y = x + gap;
                        for (ulong* end = y; x < end; x += 8, y += 8)
                        {
                            Vector512<ulong> vx = Vector512.Load(x), vy = Vector512.Load(y);
                            ForwardButterfly(ref vx, ref vy, vw, vws, vwsHi, vq, v2q);
                            vx.Store(x);
                            vy.Store(y);
                        }
                    }
                }

                // Now m = n/8: the gap-4 layer has n/8 groups, gap 2 n/4, gap 1 n/2. Block b (values 16b … 16b+15)
                // holds groups 2b, 2b+1 of the gap-4 layer, 4b … 4b+3 of the gap-2 layer and 8b … 8b+7 of the last.
                ulong* w4 = w + (n >> 3), ws4 = ws + (n >> 3);
                ulong* w2 = w + (n >> 2), ws2 = ws + (n >> 2);
                ulong* w1 = w + (n >> 1), ws1 = ws + (n >> 1);
                Vector512<ulong> dup4 = Vector512.Create(0UL, 0, 0, 0, 1, 1, 1, 1);
                Vector512<ulong> dup2 = Vector512.Create(0UL, 0, 1, 1, 2, 2, 3, 3);
                Vector512<ulong> pairLow = Vector512.Create(0UL, 1, 8, 9, 4, 5, 12, 13);
                Vector512<ulong> pairHigh = Vector512.Create(2UL, 3, 10, 11, 6, 7, 14, 15);
                Vector512<ulong> zipLow = Vector512.Create(0UL, 8, 1, 9, 2, 10, 3, 11);
                Vector512<ulong> zipHigh = Vector512.Create(4UL, 12, 5, 13, 6, 14, 7, 15);
                for (int b = 0, blocks = n >> 4; b < blocks; b++, a += 16)
                {
                    Vector512<ulong> v0 = Vector512.Load(a), v1 = Vector512.Load(a + 8);

                    // Gap 4: X = values 0–3 and 8–11, Y = 4–7 and 12–15; twiddles (w[2b] ×4, w[2b+1] ×4).
                    Vector512<ulong> vx = Avx512F.Shuffle4x128(v0, v1, 0b01_00_01_00);
                    Vector512<ulong> vy = Avx512F.Shuffle4x128(v0, v1, 0b11_10_11_10);
                    Vector512<ulong> vw = Expand(w4 + (2 * b), dup4);
                    Vector512<ulong> vws = Expand(ws4 + (2 * b), dup4);
                    ForwardButterfly(ref vx, ref vy, vw, vws, vws >>> 32, vq, v2q);

                    // Gap 2: X = values {0,1,4,5,8,9,12,13}, Y = {2,3,6,7,10,11,14,15}; twiddles w[4b+k] twice each.
                    Vector512<ulong> x2 = Avx512F.PermuteVar8x64x2(vx, pairLow, vy);
                    vy = Avx512F.PermuteVar8x64x2(vx, pairHigh, vy);
                    vx = x2;
                    vw = Expand(w2 + (4 * b), dup2);
                    vws = Expand(ws2 + (4 * b), dup2);
                    ForwardButterfly(ref vx, ref vy, vw, vws, vws >>> 32, vq, v2q);

                    // Gap 1: X = even values, Y = odd values (unpack pairs lanes 2k of X and Y); twiddles w[8b … 8b+7].
                    Vector512<ulong> x1 = Avx512F.UnpackLow(vx, vy);
                    vy = Avx512F.UnpackHigh(vx, vy);
                    vx = x1;
                    vw = Vector512.Load(w1 + (8 * b));
                    vws = Vector512.Load(ws1 + (8 * b));
                    ForwardButterfly(ref vx, ref vy, vw, vws, vws >>> 32, vq, v2q);

                    // Final correction [0, 4q) → [0, q), then interleave X and Y back into natural order.
                    vx = Reduce(Reduce(vx, v2q), vq);
                    vy = Reduce(Reduce(vy, v2q), vq);
                    Avx512F.PermuteVar8x64x2(vx, zipLow, vy).Store(a);
                    Avx512F.PermuteVar8x64x2(vx, zipHigh, vy).Store(a + 8);
                }
            }
        }

        public static unsafe void Inverse(ulong* a, int n, NttTables tables)
        {
            if (n < MinN)
            {
                InverseScalar(a, n, tables);
                return;
            }

            ulong q = tables.Modulus.Value;
            Vector512<ulong> vq = Vector512.Create(q);
            Vector512<ulong> v2q = Vector512.Create(q << 1);

            fixed (ulong* w = tables.InvRootsArray)
            fixed (ulong* ws = tables.InvRootsShoupArray)
            {
                // Gaps 1, 2, 4 in one pass over blocks of 16, the mirror image of the forward transform's last pass.
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
                for (int b = 0, blocks = n >> 4; b < blocks; b++, p += 16)
                {
                    Vector512<ulong> v0 = Vector512.Load(p), v1 = Vector512.Load(p + 8);

                    // Gap 1: X = even values, Y = odd values; twiddles w[8b … 8b+7].
                    Vector512<ulong> vx = Avx512F.PermuteVar8x64x2(v0, evens, v1);
                    Vector512<ulong> vy = Avx512F.PermuteVar8x64x2(v0, odds, v1);
                    Vector512<ulong> vws = Vector512.Load(ws1 + (8 * b));
                    InverseButterfly(ref vx, ref vy, Vector512.Load(w1 + (8 * b)), vws, vws >>> 32, vq, v2q);

                    // Gap 2: X = values {0,1,4,5,8,9,12,13}, Y = {2,3,6,7,10,11,14,15}.
                    Vector512<ulong> x2 = Avx512F.UnpackLow(vx, vy);
                    vy = Avx512F.UnpackHigh(vx, vy);
                    vx = x2;
                    vws = Expand(ws2 + (4 * b), dup2);
                    InverseButterfly(ref vx, ref vy, Expand(w2 + (4 * b), dup2), vws, vws >>> 32, vq, v2q);

                    // Gap 4: X = values 0–3 and 8–11, Y = 4–7 and 12–15.
                    Vector512<ulong> x4 = Avx512F.PermuteVar8x64x2(vx, pairLow, vy);
                    vy = Avx512F.PermuteVar8x64x2(vx, pairHigh, vy);
                    vx = x4;
                    vws = Expand(ws4 + (2 * b), dup4);
                    InverseButterfly(ref vx, ref vy, Expand(w4 + (2 * b), dup4), vws, vws >>> 32, vq, v2q);

                    Avx512F.Shuffle4x128(vx, vy, 0b01_00_01_00).Store(p);
                    Avx512F.Shuffle4x128(vx, vy, 0b11_10_11_10).Store(p + 8);
                }

                // Layers with gap 8 … n/4 (m = n/16 … 2 groups).
                int halfN = n >> 1;
                int gap = 8;
                for (int m = n >> 4; m > 1; m >>= 1, gap <<= 1)
                {
                    ulong* x = a;
                    for (int i = 0; i < m; i++, x += gap)
                    {
                        Vector512<ulong> vw = Vector512.Create(w[m + i]);
                        Vector512<ulong> vws = Vector512.Create(ws[m + i]);
                        Vector512<ulong> vwsHi = Vector512.Create(ws[m + i] >> 32);
                        ulong* y = x + gap;
                        for (ulong* end = y; x < end; x += 8, y += 8)
                        {
                            Vector512<ulong> vx = Vector512.Load(x), vy = Vector512.Load(y);
                            InverseButterfly(ref vx, ref vy, vw, vws, vwsHi, vq, v2q);
                            vx.Store(x);
                            vy.Store(y);
                        }
                    }
                }

                // Last layer (one group, gap n/2) merged with the 1/n scaling, outputs reduced to [0, q).
                Vector512<ulong> invN = Vector512.Create(tables.InvN);
                Vector512<ulong> invNs = Vector512.Create(tables.InvNShoup);
                Vector512<ulong> invNsHi = invNs >>> 32;
                Vector512<ulong> wl = Vector512.Create(tables.LastInvRootTimesInvN);
                Vector512<ulong> wls = Vector512.Create(tables.LastInvRootTimesInvNShoup);
                Vector512<ulong> wlsHi = wls >>> 32;
                for (ulong* x = a, y = a + halfN, end = a + halfN; x < end; x += 8, y += 8)
                {
                    Vector512<ulong> vx = Vector512.Load(x), vy = Vector512.Load(y);
                    Vector512<ulong> s = vx + vy; // < 4q: any 64-bit operand is fine for Shoup
                    Vector512<ulong> d = vx - vy + v2q;
                    Reduce(MulShoupLazy(s, invN, invNs, invNsHi, vq), vq).Store(x);
                    Reduce(MulShoupLazy(d, wl, wls, wlsHi, vq), vq).Store(y);
                }
            }
        }

        /// <summary>
        /// Harvey's forward (Cooley–Tukey) butterfly on 8 lanes: X ∈ [0, 4q) is folded to [0, 2q), T = W·Y mod q is
        /// a lazy Shoup product in [0, 2q), and the outputs X + T and X − T + 2q are in [0, 4q).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void ForwardButterfly(
            ref Vector512<ulong> x, ref Vector512<ulong> y, Vector512<ulong> w, Vector512<ulong> ws, Vector512<ulong> wsHi,
            Vector512<ulong> q, Vector512<ulong> twoQ)
        {
            Vector512<ulong> xv = Reduce(x, twoQ);
            Vector512<ulong> t = MulShoupLazy(y, w, ws, wsHi, q);
            x = xv + t;
            y = xv - t + twoQ;
        }

        /// <summary>
        /// Harvey's inverse (Gentleman–Sande) butterfly on 8 lanes: inputs in [0, 2q); X + Y is folded to [0, 2q) and
        /// (X − Y + 2q)·W mod q is a lazy Shoup product in [0, 2q).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void InverseButterfly(
            ref Vector512<ulong> x, ref Vector512<ulong> y, Vector512<ulong> w, Vector512<ulong> ws, Vector512<ulong> wsHi,
            Vector512<ulong> q, Vector512<ulong> twoQ)
        {
            Vector512<ulong> xv = x, yv = y;
            x = Reduce(xv + yv, twoQ);
            y = MulShoupLazy(xv - yv + twoQ, w, ws, wsHi, q);
        }

        /// <summary>
        /// y·w mod q in [0, 2q) for any 64-bit y, given ws = floor(w·2^64/q) and wsHi = ws &gt;&gt; 32 (Shoup; Harvey 2014,
        /// Alg. 2): the quotient estimate hi(y·ws) is exact as in the scalar code, so the result is the same word.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<ulong> MulShoupLazy(
            Vector512<ulong> y, Vector512<ulong> w, Vector512<ulong> ws, Vector512<ulong> wsHi, Vector512<ulong> q)
        {
            Vector512<ulong> qHat = MulHigh(y, ws, wsHi);
            return Avx512DQ.MultiplyLow(y, w) - Avx512DQ.MultiplyLow(qHat, q);
        }

        /// <summary>
        /// The high 64 bits of the 128-bit products a·b, exactly, from four 32×32 → 64 <c>vpmuludq</c> products
        /// (schoolbook on 32-bit halves, carries propagated through the middle column; HEXL's
        /// <c>_mm512_hexl_mulhi_epi&lt;64&gt;</c>). <paramref name="bHi"/> = b &gt;&gt; 32 is passed in because b is
        /// usually a twiddle quotient shared by many products.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<ulong> MulHigh(Vector512<ulong> a, Vector512<ulong> b, Vector512<ulong> bHi)
        {
            Vector512<ulong> aHi = a >>> 32;
            Vector512<ulong> ll = Avx512F.Multiply(a.AsUInt32(), b.AsUInt32());     // vpmuludq reads the low 32 bits
            Vector512<ulong> lh = Avx512F.Multiply(a.AsUInt32(), bHi.AsUInt32());
            Vector512<ulong> hl = Avx512F.Multiply(aHi.AsUInt32(), b.AsUInt32());
            Vector512<ulong> hh = Avx512F.Multiply(aHi.AsUInt32(), bHi.AsUInt32());

            // Middle column: lh + (ll >> 32) and hl + low32(that) are each below 2^64, so nothing is lost.
            Vector512<ulong> mid = lh + (ll >>> 32);
            Vector512<ulong> mid2 = hl + (mid & Vector512.Create(0xFFFF_FFFFUL));
            return hh + (mid >>> 32) + (mid2 >>> 32);
        }

        /// <summary>
        /// v ≥ m ? v − m : v per lane (m &gt; 0), as the unsigned minimum of v and v − m: when v &lt; m the difference
        /// wraps to v − m + 2^64 &gt; v.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector512<ulong> Reduce(Vector512<ulong> v, Vector512<ulong> m) => Vector512.Min(v, v - m);

        /// <summary>
        /// Lanes (t[k0], t[k1], …) for the index vector <paramref name="pattern"/>, from the 2 or 4 twiddles at
        /// <paramref name="t"/> (one load and one <c>vpermq</c>).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe Vector512<ulong> Expand(ulong* t, Vector512<ulong> pattern) =>
            Avx512F.PermuteVar8x64(Vector256.Load(t).ToVector512Unsafe(), pattern);
    }
}
