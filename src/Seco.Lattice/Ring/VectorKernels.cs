using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Seco.Lattice.Ring;

/// <summary>
/// Vector kernels for the coefficient-wise modular operations of <see cref="RnsPoly"/>, chosen at run time: 512-bit
/// (AVX-512 F/DQ) when available, else 256-bit (AVX2) for the operations that need no 64×64 product. Each returns how
/// many leading elements it processed, and the caller's scalar loop does the rest (all of them on hardware without
/// the instructions, or for moduli a kernel does not cover). Every result is fully reduced, so it is the same word
/// the scalar code computes. Residues are below 2^61, so signed 64-bit compares are exact.
/// <para>
/// Products use the two ways of <see cref="NegacyclicNtt"/>'s AVX-512 kernels to estimate a quotient without a
/// 64×64 → 128-bit multiply: in double precision for q &lt; 2^49 (every BFV coefficient prime up to n = 16384), and
/// for Shoup multiplication by a precomputed ⌊w·2^64/q⌋ from three 32×32-bit <c>vpmuludq</c> products for larger q.
/// General products of two residues modulo a larger q (the 60-bit auxiliary primes) use a Barrett reduction of the
/// full 128-bit product (<see cref="BarrettConstants"/>).
/// </para>
/// </summary>
internal static class VectorKernels
{
    /// <summary>Moduli below this bound (2^49) get the floating-point quotient estimate.</summary>
    public const ulong FloatQuotientBound = 1UL << 49;

    private static bool Use512 => Avx512DQ.IsSupported && Vector512.IsHardwareAccelerated;

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see NegacyclicNtt
    public static int Add(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> dest, ulong q)
    {
        ref ulong ra = ref MemoryMarshal.GetReference(a);
        ref ulong rb = ref MemoryMarshal.GetReference(b);
        ref ulong rd = ref MemoryMarshal.GetReference(dest);
        int i = 0;
        if (Use512)
        {
            // a + b < 2q; the unsigned min with a + b − q subtracts q exactly when a + b ≥ q.
            var qv = Vector512.Create(q);
            for (int last = dest.Length - Vector512<ulong>.Count; i <= last; i += Vector512<ulong>.Count)
            {
                Vector512<ulong> s = Vector512.LoadUnsafe(ref ra, (nuint)i) + Vector512.LoadUnsafe(ref rb, (nuint)i);
                Vector512.Min(s, s - qv).StoreUnsafe(ref rd, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var qv = Vector256.Create(q);
            for (int last = dest.Length - Vector256<ulong>.Count; i <= last; i += Vector256<ulong>.Count)
            {
                Vector256<ulong> s = Vector256.LoadUnsafe(ref ra, (nuint)i) + Vector256.LoadUnsafe(ref rb, (nuint)i);
                Vector256<ulong> ge = Vector256.GreaterThanOrEqual(s.AsInt64(), qv.AsInt64()).AsUInt64();
                (s - (qv & ge)).StoreUnsafe(ref rd, (nuint)i);
            }
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see NegacyclicNtt
    public static int Sub(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> dest, ulong q)
    {
        ref ulong ra = ref MemoryMarshal.GetReference(a);
        ref ulong rb = ref MemoryMarshal.GetReference(b);
        ref ulong rd = ref MemoryMarshal.GetReference(dest);
        int i = 0;
        if (Use512)
        {
            // a − b wraps above 2^63 when a < b, and a − b + q is then the smaller of the two.
            var qv = Vector512.Create(q);
            for (int last = dest.Length - Vector512<ulong>.Count; i <= last; i += Vector512<ulong>.Count)
            {
                Vector512<ulong> d = Vector512.LoadUnsafe(ref ra, (nuint)i) - Vector512.LoadUnsafe(ref rb, (nuint)i);
                Vector512.Min(d, d + qv).StoreUnsafe(ref rd, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var qv = Vector256.Create(q);
            for (int last = dest.Length - Vector256<ulong>.Count; i <= last; i += Vector256<ulong>.Count)
            {
                Vector256<ulong> x = Vector256.LoadUnsafe(ref ra, (nuint)i), y = Vector256.LoadUnsafe(ref rb, (nuint)i);
                Vector256<ulong> borrow = Vector256.GreaterThan(y.AsInt64(), x.AsInt64()).AsUInt64();
                (x - y + (qv & borrow)).StoreUnsafe(ref rd, (nuint)i);
            }
        }

        return i;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see NegacyclicNtt
    public static int Negate(ReadOnlySpan<ulong> a, Span<ulong> dest, ulong q)
    {
        ref ulong ra = ref MemoryMarshal.GetReference(a);
        ref ulong rd = ref MemoryMarshal.GetReference(dest);
        int i = 0;
        if (Use512)
        {
            var qv = Vector512.Create(q);
            for (int last = dest.Length - Vector512<ulong>.Count; i <= last; i += Vector512<ulong>.Count)
            {
                Vector512<ulong> x = Vector512.LoadUnsafe(ref ra, (nuint)i);
                Vector512<ulong> nonZero = ~Vector512.Equals(x, Vector512<ulong>.Zero);
                ((qv - x) & nonZero).StoreUnsafe(ref rd, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var qv = Vector256.Create(q);
            for (int last = dest.Length - Vector256<ulong>.Count; i <= last; i += Vector256<ulong>.Count)
            {
                Vector256<ulong> x = Vector256.LoadUnsafe(ref ra, (nuint)i);
                Vector256<ulong> nonZero = ~Vector256.Equals(x, Vector256<ulong>.Zero);
                ((qv - x) & nonZero).StoreUnsafe(ref rd, (nuint)i);
            }
        }

        return i;
    }

    /// <summary>dest = a ⊙ b mod q for residues a, b &lt; q (0 elements without AVX-512 or for a power-of-two q ≥ 2^49).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see NegacyclicNtt
    public static int MultiplyPointwise(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> dest, ulong q)
    {
        if (!Use512)
        {
            return 0;
        }

        ref ulong ra = ref MemoryMarshal.GetReference(a);
        ref ulong rb = ref MemoryMarshal.GetReference(b);
        ref ulong rd = ref MemoryMarshal.GetReference(dest);
        var qv = Vector512.Create(q);
        int i = 0;
        if (q < FloatQuotientBound)
        {
            var invQ = Vector512.Create(1.0 / q);
            for (int last = dest.Length - Vector512<ulong>.Count; i <= last; i += Vector512<ulong>.Count)
            {
                Vector512<ulong> x = Vector512.LoadUnsafe(ref ra, (nuint)i), y = Vector512.LoadUnsafe(ref rb, (nuint)i);
                MulModFloat(x, y, qv, invQ).StoreUnsafe(ref rd, (nuint)i);
            }
        }
        else if (BarrettConstants.TryCreate(q, out BarrettConstants barrett))
        {
            for (int last = dest.Length - Vector512<ulong>.Count; i <= last; i += Vector512<ulong>.Count)
            {
                Vector512<ulong> x = Vector512.LoadUnsafe(ref ra, (nuint)i), y = Vector512.LoadUnsafe(ref rb, (nuint)i);
                MulModBarrett(x, y, qv, barrett).StoreUnsafe(ref rd, (nuint)i);
            }
        }

        return i;
    }

    /// <summary>dest = dest + a ⊙ b mod q for residues below q (0 elements where <see cref="MultiplyPointwise"/> does none).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see NegacyclicNtt
    public static int MultiplyAddPointwise(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> dest, ulong q)
    {
        if (!Use512)
        {
            return 0;
        }

        ref ulong ra = ref MemoryMarshal.GetReference(a);
        ref ulong rb = ref MemoryMarshal.GetReference(b);
        ref ulong rd = ref MemoryMarshal.GetReference(dest);
        var qv = Vector512.Create(q);
        int i = 0;
        if (q < FloatQuotientBound)
        {
            var invQ = Vector512.Create(1.0 / q);
            for (int last = dest.Length - Vector512<ulong>.Count; i <= last; i += Vector512<ulong>.Count)
            {
                Vector512<ulong> x = Vector512.LoadUnsafe(ref ra, (nuint)i), y = Vector512.LoadUnsafe(ref rb, (nuint)i);
                Vector512<ulong> s = Vector512.LoadUnsafe(ref rd, (nuint)i) + MulModFloat(x, y, qv, invQ);
                Vector512.Min(s, s - qv).StoreUnsafe(ref rd, (nuint)i);
            }
        }
        else if (BarrettConstants.TryCreate(q, out BarrettConstants barrett))
        {
            for (int last = dest.Length - Vector512<ulong>.Count; i <= last; i += Vector512<ulong>.Count)
            {
                Vector512<ulong> x = Vector512.LoadUnsafe(ref ra, (nuint)i), y = Vector512.LoadUnsafe(ref rb, (nuint)i);
                Vector512<ulong> s = Vector512.LoadUnsafe(ref rd, (nuint)i) + MulModBarrett(x, y, qv, barrett);
                Vector512.Min(s, s - qv).StoreUnsafe(ref rd, (nuint)i);
            }
        }

        return i;
    }

    /// <summary>
    /// dest = a ⊙ w mod q for a fixed operand w (residues below q) with Shoup quotients <paramref name="wShoup"/>, any
    /// q (the scalar <see cref="Modulus.MultiplyShoup"/>, 8 lanes at a time; 0 elements without AVX-512).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see NegacyclicNtt
    public static int MultiplyPointwiseShoup(
        ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> w, ReadOnlySpan<ulong> wShoup, Span<ulong> dest, ulong q)
    {
        if (!Use512)
        {
            return 0;
        }

        if (q < FloatQuotientBound)
        {
            // The double-precision estimate needs no quotient operand and fewer operations than Shoup's.
            return MultiplyPointwise(a, w, dest, q);
        }

        ref ulong ra = ref MemoryMarshal.GetReference(a);
        ref ulong rw = ref MemoryMarshal.GetReference(w);
        ref ulong rs = ref MemoryMarshal.GetReference(wShoup);
        ref ulong rd = ref MemoryMarshal.GetReference(dest);
        var qv = Vector512.Create(q);
        int i = 0;
        for (int last = dest.Length - Vector512<ulong>.Count; i <= last; i += Vector512<ulong>.Count)
        {
            Vector512<ulong> ws = Vector512.LoadUnsafe(ref rs, (nuint)i);
            Vector512<ulong> r = MulShoupInteger(Vector512.LoadUnsafe(ref ra, (nuint)i), Vector512.LoadUnsafe(ref rw, (nuint)i), ws, ws >>> 32, qv);
            r = Vector512.Min(r, r - (qv + qv));
            Vector512.Min(r, r - qv).StoreUnsafe(ref rd, (nuint)i);
        }

        return i;
    }

    /// <summary>dest = a · c mod q for one residue c &lt; q with Shoup quotient <paramref name="cShoup"/> (0 elements without AVX-512).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see NegacyclicNtt
    public static int MultiplyScalar(ReadOnlySpan<ulong> a, ulong c, ulong cShoup, Span<ulong> dest, ulong q)
    {
        if (!Use512)
        {
            return 0;
        }

        ref ulong ra = ref MemoryMarshal.GetReference(a);
        ref ulong rd = ref MemoryMarshal.GetReference(dest);
        var qv = Vector512.Create(q);
        var cv = Vector512.Create(c);
        int i = 0;
        if (q < FloatQuotientBound)
        {
            var cOverQ = Vector512.Create(c / (double)q);
            for (int last = dest.Length - Vector512<ulong>.Count; i <= last; i += Vector512<ulong>.Count)
            {
                Vector512<ulong> x = Vector512.LoadUnsafe(ref ra, (nuint)i);
                MulModFloatByRatio(x, cv, cOverQ, qv).StoreUnsafe(ref rd, (nuint)i);
            }
        }
        else
        {
            var cs = Vector512.Create(cShoup);
            Vector512<ulong> csHi = cs >>> 32;
            for (int last = dest.Length - Vector512<ulong>.Count; i <= last; i += Vector512<ulong>.Count)
            {
                Vector512<ulong> r = MulShoupInteger(Vector512.LoadUnsafe(ref ra, (nuint)i), cv, cs, csHi, qv);
                r = Vector512.Min(r, r - (qv + qv));
                Vector512.Min(r, r - qv).StoreUnsafe(ref rd, (nuint)i);
            }
        }

        return i;
    }

    /// <summary>
    /// (hi0:lo0, hi1:lo1) += d ⊙ (b, a) in 128-bit lanes, <paramref name="wide"/> = [hi0 | lo0 | hi1 | lo1] — exactly
    /// the words of the scalar <c>Evaluator.MultiplyAccumulateWide</c> (key switching and the plaintext MatVec
    /// accumulate up to 64 such products before one <see cref="ReduceWide"/>). Each 64×64 → 128-bit product is
    /// <c>vpmullq</c> for the low word and four <c>vpmuludq</c> for the exact high word; the carry out of the low word
    /// is an unsigned compare. Returns the number of leading coefficients done (0 without AVX-512).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see NegacyclicNtt
    public static int MultiplyAccumulateWide(ReadOnlySpan<ulong> d, ReadOnlySpan<ulong> b, ReadOnlySpan<ulong> a, Span<ulong> wide, int n)
    {
        if (!Use512)
        {
            return 0;
        }

        ref ulong rd = ref MemoryMarshal.GetReference(d);
        ref ulong rb = ref MemoryMarshal.GetReference(b);
        ref ulong ra = ref MemoryMarshal.GetReference(a);
        ref ulong hi0 = ref MemoryMarshal.GetReference(wide);
        ref ulong lo0 = ref Unsafe.Add(ref hi0, n);
        ref ulong hi1 = ref Unsafe.Add(ref hi0, 2 * n);
        ref ulong lo1 = ref Unsafe.Add(ref hi0, 3 * n);
        int i = 0;
        for (int last = n - Vector512<ulong>.Count; i <= last; i += Vector512<ulong>.Count)
        {
            Vector512<ulong> x = Vector512.LoadUnsafe(ref rd, (nuint)i);
            Vector512<ulong> xHi = x >>> 32;
            Accumulate(x, xHi, Vector512.LoadUnsafe(ref rb, (nuint)i), ref hi0, ref lo0, i);
            Accumulate(x, xHi, Vector512.LoadUnsafe(ref ra, (nuint)i), ref hi1, ref lo1, i);
        }

        return i;
    }

    /// <summary>
    /// s0 = (hi0:lo0) mod q and s1 = (hi1:lo1) mod q for the accumulators of <see cref="MultiplyAccumulateWide"/>, any
    /// 128-bit values — the scalar <c>Evaluator.ReduceWide</c> (<see cref="Modulus.Reduce(ulong, ulong)"/>), 8 lanes at
    /// a time. Returns the number of leading coefficients done (0 without AVX-512, for q &lt; 2^33 or a power of two).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)] // see NegacyclicNtt
    public static int ReduceWide(ReadOnlySpan<ulong> wide, Modulus q, Span<ulong> s0, Span<ulong> s1, int n)
    {
        if (!Use512 || !WideReduction.TryCreate(q, out WideReduction c))
        {
            return 0;
        }

        ref ulong hi0 = ref MemoryMarshal.GetReference(wide);
        ref ulong lo0 = ref Unsafe.Add(ref hi0, n);
        ref ulong hi1 = ref Unsafe.Add(ref hi0, 2 * n);
        ref ulong lo1 = ref Unsafe.Add(ref hi0, 3 * n);
        ref ulong r0 = ref MemoryMarshal.GetReference(s0);
        ref ulong r1 = ref MemoryMarshal.GetReference(s1);
        int i = 0;
        for (int last = n - Vector512<ulong>.Count; i <= last; i += Vector512<ulong>.Count)
        {
            Vector512<ulong> h0 = Vector512.LoadUnsafe(ref hi0, (nuint)i), l0 = Vector512.LoadUnsafe(ref lo0, (nuint)i);
            Vector512<ulong> h1 = Vector512.LoadUnsafe(ref hi1, (nuint)i), l1 = Vector512.LoadUnsafe(ref lo1, (nuint)i);
            Reduce128(h0, l0, c).StoreUnsafe(ref r0, (nuint)i);
            Reduce128(h1, l1, c).StoreUnsafe(ref r1, (nuint)i);
        }

        return i;
    }

    /// <summary>(hi:lo) at index i += x·y as 128-bit words (the scalar wrap-around semantics).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Accumulate(Vector512<ulong> x, Vector512<ulong> xHi, Vector512<ulong> y, ref ulong hi, ref ulong lo, int i)
    {
        Vector512<ulong> yHi = y >>> 32;
        Vector512<ulong> ll = Avx512F.Multiply(x.AsUInt32(), y.AsUInt32());
        Vector512<ulong> lh = Avx512F.Multiply(x.AsUInt32(), yHi.AsUInt32());
        Vector512<ulong> hl = Avx512F.Multiply(xHi.AsUInt32(), y.AsUInt32());
        Vector512<ulong> hh = Avx512F.Multiply(xHi.AsUInt32(), yHi.AsUInt32());
        Vector512<ulong> mid = lh + (ll >>> 32);
        Vector512<ulong> mid2 = hl + (mid & Vector512.Create(0xFFFF_FFFFUL));
        Vector512<ulong> pHi = hh + (mid >>> 32) + (mid2 >>> 32);
        Vector512<ulong> pLo = Avx512DQ.MultiplyLow(x, y);

        Vector512<ulong> sLo = Vector512.LoadUnsafe(ref lo, (nuint)i) + pLo;
        Vector512<ulong> carry = Vector512.LessThan(sLo, pLo); // all ones where the low word wrapped: subtract −1
        (Vector512.LoadUnsafe(ref hi, (nuint)i) + pHi - carry).StoreUnsafe(ref hi, (nuint)i);
        sLo.StoreUnsafe(ref lo, (nuint)i);
    }

    /// <summary>
    /// (hi·2^64 + lo) mod q in [0, q) for any 128-bit value and q of k bits, 33 ≤ k ≤ 61, not a power of two. First
    /// h = hi mod q (Barrett by ⌊2^64/q⌋ with the three-product high estimate: at most 3 below ⌊hi/q⌋, so hi − q̂·q
    /// ∈ [0, 4q), two conditional subtractions); then T = h·2^64 + lo &lt; q·2^64 has a quotient below 2^64, and with
    /// q₁ = ⌊T / 2^k⌋ &lt; 2^64 and μ = ⌊2^(k+64)/q⌋ ∈ (2^64, 2^65) the estimate q̂ = ⌊q₁·μ / 2^64⌋ =
    /// q₁ + ⌊q₁·(μ − 2^64) / 2^64⌋ is at most 3 below ⌊T/q⌋ (the argument of <see cref="MulModBarrett"/> with
    /// (A + M)/2^64 &lt; 3), and its three-product estimate at most 2 more: T − q̂·q ∈ [0, 6q) ⊂ [0, 2^64), reduced by
    /// conditional subtractions of 4q, 2q and q.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Reduce128(Vector512<ulong> hi, Vector512<ulong> lo, in WideReduction c)
    {
        Vector512<ulong> h = hi - Avx512DQ.MultiplyLow(MulHighEstimate(hi, c.Ratio, c.RatioHi), c.Q);
        h = Vector512.Min(h, h - c.TwoQ);
        h = Vector512.Min(h, h - c.Q);

        Vector512<ulong> q1 = Vector512.ShiftLeft(h, c.LeftShift) | Vector512.ShiftRightLogical(lo, c.RightShift);
        Vector512<ulong> qHat = q1 + MulHighEstimate(q1, c.MuLow, c.MuLowHi);
        Vector512<ulong> r = lo - Avx512DQ.MultiplyLow(qHat, c.Q);
        r = Vector512.Min(r, r - c.FourQ);
        r = Vector512.Min(r, r - c.TwoQ);
        return Vector512.Min(r, r - c.Q);
    }

    /// <summary>
    /// x·y mod q in [0, q) for x, y &lt; q &lt; 2^49. Both convert to doubles exactly, and fl(fl(x·y)·fl(1/q)) carries
    /// three roundings, so it is within 3·2^−53·(x·y/q) &lt; 3·2^−53·2^49 &lt; 0.19 of x·y/q; rounded to the nearest
    /// integer (<c>vcvtpd2uqq</c>, round-to-nearest as .NET keeps MXCSR), q̂ is ⌊x·y/q⌋ or one more. Hence
    /// r = x·y − q̂·q (two <c>vpmullq</c>, modulo 2^64) lies in [−q, q), and min(r, r + q) on unsigned words is
    /// x·y mod q: a negative r has wrapped above 2^63 while r + q is its true value.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> MulModFloat(Vector512<ulong> x, Vector512<ulong> y, Vector512<ulong> q, Vector512<double> invQ)
    {
        Vector512<double> p = Avx512DQ.ConvertToVector512Double(x) * Avx512DQ.ConvertToVector512Double(y) * invQ;
        Vector512<ulong> qHat = Avx512DQ.ConvertToVector512UInt64(p);
        Vector512<ulong> r = Avx512DQ.MultiplyLow(x, y) - Avx512DQ.MultiplyLow(qHat, q);
        return Vector512.Min(r, r + q);
    }

    /// <summary>
    /// x·y mod q in [0, q) for residues x, y &lt; q, q of k ≥ 50 bits, by Barrett reduction of T = x·y &lt; 2^(2k)
    /// (Menezes et al., Handbook of Applied Cryptography, Alg. 14.42, with the quotient shift aligned to 64 bits):
    /// q₁ = ⌊T / 2^(k−1)⌋ &lt; 2^(k+1) is taken from the exact 128-bit product (one <c>vpmullq</c>, four
    /// <c>vpmuludq</c>), and q̂ = ⌊q₁·μ / 2^64⌋ with μ = ⌊2^(k+63)/q⌋ &lt; 2^64 from three <c>vpmuludq</c>. Writing
    /// A = T/2^(k−1) and M = 2^(k+63)/q, q₁·μ/2^64 lies in (T/q − (A + M)/2^64, T/q] and (A + M)/2^64 &lt; 1.25, so the
    /// exact ⌊q₁·μ / 2^64⌋ is at most 2 below ⌊T/q⌋, and the three-product estimate (see <see cref="MulShoupInteger"/>)
    /// at most 2 below that: r = T − q̂·q (<c>vpmullq</c>, modulo 2^64) lies in [0, 5q) ⊂ [0, 2^64), and three
    /// conditional subtractions (4q, 2q, q) reduce it. (The bound is loose: in 2·10^7 sampled products of 60/61-bit
    /// residues q̂ was never more than 2 below ⌊T/q⌋, so tests cannot reach the 4q step; it is there for the proof.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> MulModBarrett(Vector512<ulong> x, Vector512<ulong> y, Vector512<ulong> q, in BarrettConstants c)
    {
        // T = x·y exactly: low word by vpmullq, high word from the four 32×32 partial products with carries.
        Vector512<ulong> xHi = x >>> 32, yHi = y >>> 32;
        Vector512<ulong> ll = Avx512F.Multiply(x.AsUInt32(), y.AsUInt32());
        Vector512<ulong> lh = Avx512F.Multiply(x.AsUInt32(), yHi.AsUInt32());
        Vector512<ulong> hl = Avx512F.Multiply(xHi.AsUInt32(), y.AsUInt32());
        Vector512<ulong> hh = Avx512F.Multiply(xHi.AsUInt32(), yHi.AsUInt32());
        Vector512<ulong> mid = lh + (ll >>> 32);
        Vector512<ulong> mid2 = hl + (mid & Vector512.Create(0xFFFF_FFFFUL));
        Vector512<ulong> tHi = hh + (mid >>> 32) + (mid2 >>> 32);
        Vector512<ulong> tLo = Avx512DQ.MultiplyLow(x, y);

        // q₁ = T >> (k − 1); T < 2^(2k) keeps it below 2^(k+1).
        Vector512<ulong> q1 = Vector512.ShiftLeft(tHi, c.LeftShift) | Vector512.ShiftRightLogical(tLo, c.RightShift);
        Vector512<ulong> qHat = MulHighEstimate(q1, c.Mu, c.MuHi);
        Vector512<ulong> r = tLo - Avx512DQ.MultiplyLow(qHat, q);
        r = Vector512.Min(r, r - (q << 2));
        r = Vector512.Min(r, r - (q + q));
        return Vector512.Min(r, r - q);
    }

    /// <summary>
    /// x·c mod q in [0, q) for x &lt; q &lt; 2^49 and the correctly rounded ratio c/q: as <see cref="MulModFloat"/> with
    /// two roundings (error below 2^−52·2^49 = 1/8).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> MulModFloatByRatio(Vector512<ulong> x, Vector512<ulong> c, Vector512<double> cOverQ, Vector512<ulong> q)
    {
        Vector512<ulong> qHat = Avx512DQ.ConvertToVector512UInt64(Avx512DQ.ConvertToVector512Double(x) * cOverQ);
        Vector512<ulong> r = Avx512DQ.MultiplyLow(x, c) - Avx512DQ.MultiplyLow(qHat, q);
        return Vector512.Min(r, r + q);
    }

    /// <summary>
    /// x·w mod q in [0, 4q) for any 64-bit x, given ws = ⌊w·2^64/q⌋ and wsHi = ws &gt;&gt; 32: the quotient from three of
    /// the four 32×32-bit partial products of x·ws is at most 3 below ⌊x·w/q⌋ (see NegacyclicNtt.Avx512.cs,
    /// IntegerQuotient).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> MulShoupInteger(
        Vector512<ulong> x, Vector512<ulong> w, Vector512<ulong> ws, Vector512<ulong> wsHi, Vector512<ulong> q) =>
        Avx512DQ.MultiplyLow(x, w) - Avx512DQ.MultiplyLow(MulHighEstimate(x, ws, wsHi), q);

    /// <summary>
    /// ⌊a·b / 2^64⌋ minus at most 2, from three of the four 32×32-bit partial products (the low·low product and the
    /// carries out of the middle column are dropped); <paramref name="bHi"/> = b &gt;&gt; 32.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> MulHighEstimate(Vector512<ulong> a, Vector512<ulong> b, Vector512<ulong> bHi)
    {
        Vector512<ulong> aHi = a >>> 32;
        return Avx512F.Multiply(aHi.AsUInt32(), bHi.AsUInt32())
            + (Avx512F.Multiply(a.AsUInt32(), bHi.AsUInt32()) >>> 32)
            + (Avx512F.Multiply(aHi.AsUInt32(), b.AsUInt32()) >>> 32);
    }

    /// <summary>The constants of <see cref="MulModBarrett"/> for a modulus of k bits: μ = ⌊2^(k+63)/q⌋ and the shifts of T.</summary>
    private readonly struct BarrettConstants
    {
        private BarrettConstants(ulong mu, int bits)
        {
            Mu = Vector512.Create(mu);
            MuHi = Vector512.Create(mu >> 32);
            LeftShift = 65 - bits;
            RightShift = bits - 1;
        }

        public Vector512<ulong> Mu { get; }

        public Vector512<ulong> MuHi { get; }

        public int LeftShift { get; }

        public int RightShift { get; }

        /// <summary>False for a power of two (μ = 2^64 would not fit) and for q below 2^32 (no need, shifts out of range).</summary>
        public static bool TryCreate(ulong q, out BarrettConstants constants)
        {
            int bits = 64 - System.Numerics.BitOperations.LeadingZeroCount(q);
            if (bits < 33 || System.Numerics.BitOperations.IsPow2(q))
            {
                constants = default;
                return false;
            }

            constants = new BarrettConstants((ulong)((UInt128.One << (bits + 63)) / q), bits);
            return true;
        }
    }

    /// <summary>Constants of <see cref="Reduce128"/>: ⌊2^64/q⌋, μ − 2^64 for μ = ⌊2^(k+64)/q⌋, the shifts, q, 2q, 4q.</summary>
    private readonly struct WideReduction
    {
        private WideReduction(ulong q, ulong ratio, ulong muLow, int bits)
        {
            Q = Vector512.Create(q);
            TwoQ = Vector512.Create(q << 1);
            FourQ = Vector512.Create(q << 2);
            Ratio = Vector512.Create(ratio);
            RatioHi = Vector512.Create(ratio >> 32);
            MuLow = Vector512.Create(muLow);
            MuLowHi = Vector512.Create(muLow >> 32);
            LeftShift = 64 - bits;
            RightShift = bits;
        }

        public Vector512<ulong> Q { get; }

        public Vector512<ulong> TwoQ { get; }

        public Vector512<ulong> FourQ { get; }

        public Vector512<ulong> Ratio { get; }

        public Vector512<ulong> RatioHi { get; }

        public Vector512<ulong> MuLow { get; }

        public Vector512<ulong> MuLowHi { get; }

        public int LeftShift { get; }

        public int RightShift { get; }

        public static bool TryCreate(Modulus modulus, out WideReduction constants)
        {
            ulong q = modulus.Value;
            int bits = modulus.BitCount;
            if (bits < 33 || System.Numerics.BitOperations.IsPow2(q))
            {
                constants = default;
                return false;
            }

            UInt128 mu = (UInt128.One << (bits + 64)) / q;
            constants = new WideReduction(q, modulus.ConstRatioHigh, (ulong)mu, bits);
            return true;
        }
    }
}
