using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Seco.Lattice.Ring;

public static partial class NegacyclicNtt
{
    /// <summary>
    /// The AVX2 transforms: the scalar Harvey butterflies on 4 lanes. AVX2 has neither a 64-bit low multiply nor
    /// unsigned 64-bit compares, so every 64×64 product is assembled from 32×32 → 64-bit <c>vpmuludq</c> products
    /// (Shoup's quotient from three of them as in the AVX-512 IntegerQuotient, the low halves as
    /// lo·lo + (lo·hi + hi·lo) &lt;&lt; 32), and conditional subtractions use signed compares, exact because every
    /// value stays below 4q &lt; 2^63. Layers with gap ≥ 4 take whole vectors with a broadcast twiddle; the gap-2 and
    /// gap-1 layers run together on blocks of 8 values in two registers regrouped by permutes (the 256-bit version
    /// of the AVX-512 last pass). Nothing branches on or indexes by a coefficient.
    /// </summary>
    private static class Avx2Kernels
    {
        /// <summary>Smallest n the vector code handles (one 8-value block); smaller transforms run the scalar code.</summary>
        private const int MinN = 8;

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static unsafe void Forward(ulong* a, int n, NttTables tables)
        {
            if (n < MinN)
            {
                ForwardScalar(a, n, tables);
                return;
            }

            ulong q = tables.Modulus.Value;
            var c = new Constants(q);

            fixed (ulong* w = tables.RootsArray)
            fixed (ulong* ws = tables.RootsShoupArray)
            {
                int m = 1;
                for (int gap = n >> 1; gap >= 4; m <<= 1, gap >>= 1)
                {
                    ulong* x = a;
                    for (int i = 0; i < m; i++, x += gap)
                    {
                        var tw = new Twiddle(Vector256.Create(w[m + i]), Vector256.Create(ws[m + i]));
                        ulong* y = x + gap;
                        for (ulong* end = y; x < end; x += 4, y += 4)
                        {
                            Vector256<ulong> vx = Vector256.Load(x), vy = Vector256.Load(y);
                            ForwardButterfly(ref vx, ref vy, tw, c);
                            vx.Store(x);
                            vy.Store(y);
                        }
                    }
                }

                // Gap 2 (n/4 groups) and gap 1 (n/2 groups) on blocks of 8: block b holds groups 2b, 2b+1 of the
                // gap-2 layer and 4b … 4b+3 of the last one.
                ulong* w2 = w + (n >> 2), ws2 = ws + (n >> 2);
                ulong* w1 = w + (n >> 1), ws1 = ws + (n >> 1);
                for (int b = 0, blocks = n >> 3; b < blocks; b++, a += 8)
                {
                    Vector256<ulong> v0 = Vector256.Load(a), v1 = Vector256.Load(a + 4);

                    // Gap 2: X = values {0,1,4,5}, Y = {2,3,6,7}; twiddles (w[2b], w[2b], w[2b+1], w[2b+1]).
                    Vector256<ulong> vx = Avx2.Permute2x128(v0, v1, 0x20);
                    Vector256<ulong> vy = Avx2.Permute2x128(v0, v1, 0x31);
                    ForwardButterfly(ref vx, ref vy, new Twiddle(Pairs(w2 + (2 * b)), Pairs(ws2 + (2 * b))), c);

                    // Gap 1: X = even values, Y = odd values; twiddles w[4b … 4b+3].
                    Vector256<ulong> x1 = Avx2.UnpackLow(vx, vy);
                    vy = Avx2.UnpackHigh(vx, vy);
                    vx = x1;
                    ForwardButterfly(ref vx, ref vy, new Twiddle(Vector256.Load(w1 + (4 * b)), Vector256.Load(ws1 + (4 * b))), c);

                    // Final correction [0, 4q) → [0, q), then back to natural order.
                    vx = Reduce(Reduce(vx, c.TwoQ), c.Q);
                    vy = Reduce(Reduce(vy, c.TwoQ), c.Q);
                    Vector256<ulong> lo = Avx2.UnpackLow(vx, vy), hi = Avx2.UnpackHigh(vx, vy);
                    Avx2.Permute2x128(lo, hi, 0x20).Store(a);
                    Avx2.Permute2x128(lo, hi, 0x31).Store(a + 4);
                }
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        public static unsafe void Inverse(ulong* a, int n, NttTables tables)
        {
            if (n < MinN)
            {
                InverseScalar(a, n, tables);
                return;
            }

            ulong q = tables.Modulus.Value;
            var c = new Constants(q);

            fixed (ulong* w = tables.InvRootsArray)
            fixed (ulong* ws = tables.InvRootsShoupArray)
            {
                // Gap 1 and gap 2 on blocks of 8 values.
                ulong* w1 = w + (n >> 1), ws1 = ws + (n >> 1);
                ulong* w2 = w + (n >> 2), ws2 = ws + (n >> 2);
                ulong* p = a;
                for (int b = 0, blocks = n >> 3; b < blocks; b++, p += 8)
                {
                    Vector256<ulong> v0 = Vector256.Load(p), v1 = Vector256.Load(p + 4);

                    // Gap 1: X = even values, Y = odd values; twiddles w[4b … 4b+3].
                    Vector256<ulong> lo = Avx2.Permute2x128(v0, v1, 0x20), hi = Avx2.Permute2x128(v0, v1, 0x31);
                    Vector256<ulong> vx = Avx2.UnpackLow(lo, hi);
                    Vector256<ulong> vy = Avx2.UnpackHigh(lo, hi);
                    InverseButterfly(ref vx, ref vy, new Twiddle(Vector256.Load(w1 + (4 * b)), Vector256.Load(ws1 + (4 * b))), c);

                    // Gap 2: X = values {0,1,4,5}, Y = {2,3,6,7}.
                    Vector256<ulong> x2 = Avx2.UnpackLow(vx, vy);
                    vy = Avx2.UnpackHigh(vx, vy);
                    vx = x2;
                    InverseButterfly(ref vx, ref vy, new Twiddle(Pairs(w2 + (2 * b)), Pairs(ws2 + (2 * b))), c);

                    Avx2.Permute2x128(vx, vy, 0x20).Store(p);
                    Avx2.Permute2x128(vx, vy, 0x31).Store(p + 4);
                }

                // Layers with gap 4 … n/4 (m = n/8 … 2 groups).
                int halfN = n >> 1;
                int gap = 4;
                for (int m = n >> 3; m > 1; m >>= 1, gap <<= 1)
                {
                    ulong* x = a;
                    for (int i = 0; i < m; i++, x += gap)
                    {
                        var tw = new Twiddle(Vector256.Create(w[m + i]), Vector256.Create(ws[m + i]));
                        ulong* y = x + gap;
                        for (ulong* end = y; x < end; x += 4, y += 4)
                        {
                            Vector256<ulong> vx = Vector256.Load(x), vy = Vector256.Load(y);
                            InverseButterfly(ref vx, ref vy, tw, c);
                            vx.Store(x);
                            vy.Store(y);
                        }
                    }
                }

                // Last layer (one group, gap n/2) merged with the 1/n scaling, outputs reduced to [0, q).
                var invN = new Twiddle(Vector256.Create(tables.InvN), Vector256.Create(tables.InvNShoup));
                var wl = new Twiddle(Vector256.Create(tables.LastInvRootTimesInvN), Vector256.Create(tables.LastInvRootTimesInvNShoup));
                for (ulong* x = a, y = a + halfN, end = a + halfN; x < end; x += 4, y += 4)
                {
                    Vector256<ulong> vx = Vector256.Load(x), vy = Vector256.Load(y);
                    Vector256<ulong> s = Avx2.Add(vx, vy); // < 4q: any 64-bit operand is fine for Shoup
                    Vector256<ulong> d = Avx2.Add(Avx2.Subtract(vx, vy), c.TwoQ);
                    Reduce(MulShoupLazy(s, invN, c), c.Q).Store(x);
                    Reduce(MulShoupLazy(d, wl, c), c.Q).Store(y);
                }
            }
        }

        /// <summary>Harvey's forward butterfly on 4 lanes (see <see cref="Avx512Kernels"/>): X ∈ [0, 4q) → outputs in [0, 4q).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void ForwardButterfly(ref Vector256<ulong> x, ref Vector256<ulong> y, in Twiddle w, in Constants c)
        {
            Vector256<ulong> xv = Reduce(x, c.TwoQ);
            Vector256<ulong> t = MulShoupLazy(y, w, c);
            x = Avx2.Add(xv, t);
            y = Avx2.Add(Avx2.Subtract(xv, t), c.TwoQ);
        }

        /// <summary>Harvey's inverse butterfly on 4 lanes: inputs in [0, 2q), outputs in [0, 2q).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void InverseButterfly(ref Vector256<ulong> x, ref Vector256<ulong> y, in Twiddle w, in Constants c)
        {
            Vector256<ulong> xv = x, yv = y;
            x = Reduce(Avx2.Add(xv, yv), c.TwoQ);
            y = MulShoupLazy(Avx2.Add(Avx2.Subtract(xv, yv), c.TwoQ), w, c);
        }

        /// <summary>
        /// y·w mod q in [0, 2q) for y &lt; 4q (Shoup). The quotient q̂ = y₁ws₁ + ⌊y₀ws₁ / 2^32⌋ + ⌊y₁ws₀ / 2^32⌋
        /// (₀/₁ the low/high 32-bit halves) drops one partial product and two carries of y·ws, so it is at most 3
        /// below ⌊y·w/q⌋ (see the AVX-512 IntegerQuotient) and r = y·w − q̂·q lies in [0, 4q); one conditional
        /// subtraction of 2q gives the scalar code's range. Both low products are only needed modulo 2^64, so their
        /// difference is taken column-wise: (y·w − q̂·q) mod 2^64 = y₀w₀ − q̂₀q₀ + ((y₁w₀ + y₀w₁ − q̂₁q₀ − q̂₀q₁) &lt;&lt; 32).
        /// Nine <c>vpmuludq</c> per 4 butterflies; the exact quotient would take ten (measured 3–5 % slower).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<ulong> MulShoupLazy(Vector256<ulong> y, in Twiddle w, in Constants c)
        {
            Vector256<ulong> yHi = Avx2.ShiftRightLogical(y, 32);
            Vector256<ulong> qHat = Avx2.Add(
                Mul32(yHi, w.ShoupHi),
                Avx2.Add(Avx2.ShiftRightLogical(Mul32(y, w.ShoupHi), 32), Avx2.ShiftRightLogical(Mul32(yHi, w.Shoup), 32)));
            Vector256<ulong> qHatHi = Avx2.ShiftRightLogical(qHat, 32);
            Vector256<ulong> low = Avx2.Subtract(Mul32(y, w.Value), Mul32(qHat, c.Q));
            Vector256<ulong> cross = Avx2.Subtract(
                Avx2.Add(Mul32(yHi, w.Value), Mul32(y, w.ValueHi)),
                Avx2.Add(Mul32(qHatHi, c.Q), Mul32(qHat, c.QHi)));
            return Reduce(Avx2.Add(low, Avx2.ShiftLeftLogical(cross, 32)), c.TwoQ);
        }

        /// <summary>low32(a) · low32(b) as 64-bit lanes (<c>vpmuludq</c>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<ulong> Mul32(Vector256<ulong> a, Vector256<ulong> b) => Avx2.Multiply(a.AsUInt32(), b.AsUInt32());

        /// <summary>v ≥ m ? v − m : v per lane, for v, m &lt; 2^63 (signed compare).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static Vector256<ulong> Reduce(Vector256<ulong> v, Vector256<ulong> m)
        {
            Vector256<ulong> below = Avx2.CompareGreaterThan(m.AsInt64(), v.AsInt64()).AsUInt64();
            return Avx2.Subtract(v, Avx2.AndNot(below, m));
        }

        /// <summary>(t[0], t[0], t[1], t[1]): one 128-bit load and one <c>vpermq</c>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static unsafe Vector256<ulong> Pairs(ulong* t) => Avx2.Permute4x64(Vector128.Load(t).ToVector256Unsafe(), 0b01_01_00_00);

        /// <summary>A twiddle w (per lane) with its Shoup quotient and both high 32-bit halves.</summary>
        private readonly struct Twiddle(Vector256<ulong> value, Vector256<ulong> shoup)
        {
            public readonly Vector256<ulong> Value = value;
            public readonly Vector256<ulong> ValueHi = Avx2.ShiftRightLogical(value, 32);
            public readonly Vector256<ulong> Shoup = shoup;
            public readonly Vector256<ulong> ShoupHi = Avx2.ShiftRightLogical(shoup, 32);
        }

        /// <summary>q, its high 32-bit half and 2q, broadcast.</summary>
        private readonly struct Constants(ulong q)
        {
            public readonly Vector256<ulong> Q = Vector256.Create(q);
            public readonly Vector256<ulong> QHi = Vector256.Create(q >> 32);
            public readonly Vector256<ulong> TwoQ = Vector256.Create(q << 1);
        }
    }
}
