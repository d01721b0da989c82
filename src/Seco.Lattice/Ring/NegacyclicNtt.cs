using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Seco.Lattice.Ring;

/// <summary>
/// The negacyclic number-theoretic transform over Z_q[X]/(X^n + 1).
/// <para>
/// <see cref="Forward(Span{ulong}, NttTables)"/> maps coefficients (natural order) to the evaluations
/// a(ψ^(2·bitrev(i)+1)) stored at index i (bit-reversed order, SEAL's convention). The ψ twist that turns the cyclic
/// NTT into a negacyclic one is merged into the twiddles (Longa &amp; Naehrig 2016), so no separate pre/post
/// multiplication pass is needed and the pointwise product of two transforms is the transform of the product
/// mod X^n + 1.
/// </para>
/// <para>
/// Butterflies follow Harvey 2014 ("Faster arithmetic for number-theoretic transforms"): operands stay lazily
/// reduced (forward: [0, 4q), inverse: [0, 2q)) and each twiddle product is a Shoup multiplication, so the inner
/// loop has one high and two low 64×64 multiplies, no division, and only branch-free conditional subtractions.
/// </para>
/// <para>
/// Three implementations compute the same butterflies: AVX-512 (8 lanes, NegacyclicNtt.Avx512.cs), AVX2 (4 lanes,
/// NegacyclicNtt.Avx2.cs) and portable scalar code (this file). <see cref="Forward(Span{ulong}, NttTables)"/> and
/// <see cref="Inverse(Span{ulong}, NttTables)"/> use the widest one the machine supports (<see cref="Isa"/>). The
/// outputs are fully reduced and therefore bit-identical whichever path ran: every path keeps each intermediate value
/// a representative of the same residue inside the same lazy bounds ([0, 4q) forward, [0, 2q) inverse), so only
/// those intermediate representatives may differ (the vector paths estimate Shoup quotients more cheaply), never
/// the results.
/// </para>
/// <para>
/// The kernels (the methods with the loops) are compiled fully optimized on first use
/// (<see cref="MethodImplOptions.AggressiveOptimization"/>) and never inlined (<see cref="MethodImplOptions.NoInlining"/>).
/// Under tiered compilation a kernel first runs tier-0 and on-stack-replacement code (a standalone loop kept the
/// AVX2 forward kernel in its OSR version, 2.2× slower, for 1600 calls), and dynamic PGO then inlined the AVX2
/// kernel into the <see cref="Forward(Span{ulong}, NttTables, NttIsa)"/> dispatcher, where it ran 2–2.5× slower
/// than on its own (BenchmarkDotNet). The kernels gain nothing from PGO: their loops are branch-free.
/// </para>
/// </summary>
public static partial class NegacyclicNtt
{
    /// <summary>The implementation <see cref="Forward(Span{ulong}, NttTables)"/> and <see cref="Inverse(Span{ulong}, NttTables)"/> use on this machine.</summary>
    public static NttIsa SelectedIsa { get; } =
        IsSupported(NttIsa.Avx512) ? NttIsa.Avx512 : IsSupported(NttIsa.Avx2) ? NttIsa.Avx2 : NttIsa.Scalar;

    /// <summary>Name of <see cref="SelectedIsa"/>: "AVX-512", "AVX2" or "scalar".</summary>
    public static string Isa => Name(SelectedIsa);

    /// <summary>Whether this machine (and runtime) can run <paramref name="isa"/>.</summary>
    public static bool IsSupported(NttIsa isa) => isa switch
    {
        NttIsa.Scalar => true,
        NttIsa.Avx2 => Avx2.IsSupported && Vector256.IsHardwareAccelerated,
        NttIsa.Avx512 => Avx512DQ.IsSupported && Vector512.IsHardwareAccelerated,
        _ => false,
    };

    /// <summary>"AVX-512", "AVX2" or "scalar".</summary>
    public static string Name(NttIsa isa) => isa switch
    {
        NttIsa.Avx512 => "AVX-512",
        NttIsa.Avx2 => "AVX2",
        NttIsa.Scalar => "scalar",
        _ => throw new ArgumentOutOfRangeException(nameof(isa)),
    };

    /// <summary>
    /// In-place forward transform (Cooley–Tukey, decimation in time). Input coefficients must be in [0, 4q)
    /// (normally [0, q)); output is in [0, q), bit-reversed order.
    /// </summary>
    public static unsafe void Forward(Span<ulong> values, NttTables tables)
    {
        int n = CheckLength(values, tables);
        fixed (ulong* a = values)
        {
            // The IsSupported checks are JIT-time constants, so only one branch survives in the compiled code.
            if (Avx512DQ.IsSupported && Vector512.IsHardwareAccelerated)
            {
                Avx512Kernels.Forward(a, n, tables);
            }
            else if (Avx2.IsSupported && Vector256.IsHardwareAccelerated)
            {
                Avx2Kernels.Forward(a, n, tables);
            }
            else
            {
                ForwardScalar(a, n, tables);
            }
        }
    }

    /// <summary>
    /// In-place inverse transform (Gentleman–Sande, decimation in frequency), including the 1/n scaling. Input in
    /// bit-reversed order with values in [0, 2q) (normally [0, q)); output coefficients in natural order, in [0, q).
    /// </summary>
    public static unsafe void Inverse(Span<ulong> values, NttTables tables)
    {
        int n = CheckLength(values, tables);
        fixed (ulong* a = values)
        {
            if (Avx512DQ.IsSupported && Vector512.IsHardwareAccelerated)
            {
                Avx512Kernels.Inverse(a, n, tables);
            }
            else if (Avx2.IsSupported && Vector256.IsHardwareAccelerated)
            {
                Avx2Kernels.Inverse(a, n, tables);
            }
            else
            {
                InverseScalar(a, n, tables);
            }
        }
    }

    /// <summary>
    /// <see cref="Forward(Span{ulong}, NttTables)"/> on a chosen implementation (tests and benchmarks compare the
    /// paths); throws <see cref="PlatformNotSupportedException"/> if this machine cannot run it.
    /// </summary>
    public static unsafe void Forward(Span<ulong> values, NttTables tables, NttIsa isa)
    {
        int n = CheckLength(values, tables);
        CheckSupported(isa);
        fixed (ulong* a = values)
        {
            switch (isa)
            {
                case NttIsa.Avx512: Avx512Kernels.Forward(a, n, tables); break;
                case NttIsa.Avx2: Avx2Kernels.Forward(a, n, tables); break;
                default: ForwardScalar(a, n, tables); break;
            }
        }
    }

    /// <summary>
    /// <see cref="Inverse(Span{ulong}, NttTables)"/> on a chosen implementation; throws
    /// <see cref="PlatformNotSupportedException"/> if this machine cannot run it.
    /// </summary>
    public static unsafe void Inverse(Span<ulong> values, NttTables tables, NttIsa isa)
    {
        int n = CheckLength(values, tables);
        CheckSupported(isa);
        fixed (ulong* a = values)
        {
            switch (isa)
            {
                case NttIsa.Avx512: Avx512Kernels.Inverse(a, n, tables); break;
                case NttIsa.Avx2: Avx2Kernels.Inverse(a, n, tables); break;
                default: InverseScalar(a, n, tables); break;
            }
        }
    }

    /// <summary>Scalar forward transform of the n values at <paramref name="a"/> (any n ≥ 2).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe void ForwardScalar(ulong* a, int n, NttTables tables)
    {
        ulong q = tables.Modulus.Value;
        ulong twoQ = q << 1;

        fixed (ulong* w = tables.RootsArray)
        fixed (ulong* ws = tables.RootsShoupArray)
        {
            // Layer with m groups of span 2·gap uses twiddles ψ^bitrev(m+i), i < m. All but the last layer here.
            int half = n >> 1;
            int gap = half;
            for (int m = 1; m < (half >> 1); m <<= 1, gap >>= 1)
            {
                ulong* x = a;
                for (int i = 0; i < m; i++, x += gap)
                {
                    ulong wi = w[m + i], wsi = ws[m + i];
                    ulong* y = x + gap;
                    for (ulong* end = y; x < end; x++, y++)
                    {
                        // Harvey forward butterfly: X ∈ [0,4q) → [0,2q); T = W·Y ∈ [0,2q); outputs in [0,4q).
                        ulong xv = *x;
                        xv = SubIfGreaterOrEqual(xv, twoQ);
                        ulong yv = *y;
                        ulong t = yv * wi - MulHigh(yv, wsi) * q;
                        *x = xv + t;
                        *y = xv - t + twoQ;
                    }
                }
            }

            // Layer with gap 2 (n/4 groups of two butterflies), unrolled: the generic loop's per-group overhead would
            // cost as much as its two butterflies.
            int quarter = n >> 2;
            for (int i = 0; i < quarter; i++)
            {
                ulong* x = a + (4 * i);
                ulong wi = w[quarter + i], wsi = ws[quarter + i];
                ulong x0 = SubIfGreaterOrEqual(x[0], twoQ), x1 = SubIfGreaterOrEqual(x[1], twoQ);
                ulong y0 = x[2], y1 = x[3];
                ulong t0 = y0 * wi - MulHigh(y0, wsi) * q;
                ulong t1 = y1 * wi - MulHigh(y1, wsi) * q;
                x[0] = x0 + t0;
                x[1] = x1 + t1;
                x[2] = x0 - t0 + twoQ;
                x[3] = x1 - t1 + twoQ;
            }

            // Last layer (gap 1, n/2 groups) fused with the final correction [0, 4q) → [0, q).
            for (int i = 0; i < half; i++)
            {
                ulong* x = a + (2 * i);
                ulong wi = w[half + i], wsi = ws[half + i];
                ulong xv = x[0];
                xv = SubIfGreaterOrEqual(xv, twoQ);
                ulong yv = x[1];
                ulong t = yv * wi - MulHigh(yv, wsi) * q;
                ulong u = xv + t, v = xv - t + twoQ;
                u = SubIfGreaterOrEqual(u, twoQ);
                v = SubIfGreaterOrEqual(v, twoQ);
                x[0] = SubIfGreaterOrEqual(u, q);
                x[1] = SubIfGreaterOrEqual(v, q);
            }
        }
    }

    /// <summary>Scalar inverse transform of the n values at <paramref name="a"/> (any n ≥ 2).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static unsafe void InverseScalar(ulong* a, int n, NttTables tables)
    {
        ulong q = tables.Modulus.Value;
        ulong twoQ = q << 1;

        fixed (ulong* w = tables.InvRootsArray)
        fixed (ulong* ws = tables.InvRootsShoupArray)
        {
            // Undo the forward layers in reverse: m = n/2 … 2 groups, twiddles ψ^−bitrev(m+i).
            int halfN = n >> 1;

            // First layer (gap 1, n/2 groups) and second layer (gap 2, n/4 groups) unrolled.
            for (int i = 0; halfN > 1 && i < halfN; i++)
            {
                ulong* x = a + (2 * i);
                ulong wi = w[halfN + i], wsi = ws[halfN + i];
                ulong xv = x[0], yv = x[1];
                x[0] = SubIfGreaterOrEqual(xv + yv, twoQ);
                ulong d = xv - yv + twoQ;
                x[1] = d * wi - MulHigh(d, wsi) * q;
            }

            int quarterN = n >> 2;
            for (int i = 0; quarterN > 1 && i < quarterN; i++)
            {
                ulong* x = a + (4 * i);
                ulong wi = w[quarterN + i], wsi = ws[quarterN + i];
                ulong x0 = x[0], x1 = x[1], y0 = x[2], y1 = x[3];
                x[0] = SubIfGreaterOrEqual(x0 + y0, twoQ);
                x[1] = SubIfGreaterOrEqual(x1 + y1, twoQ);
                ulong d0 = x0 - y0 + twoQ, d1 = x1 - y1 + twoQ;
                x[2] = d0 * wi - MulHigh(d0, wsi) * q;
                x[3] = d1 * wi - MulHigh(d1, wsi) * q;
            }

            int gap = 4;
            for (int m = halfN >> 2; m > 1; m >>= 1, gap <<= 1)
            {
                ulong* x = a;
                for (int i = 0; i < m; i++, x += gap)
                {
                    ulong wi = w[m + i], wsi = ws[m + i];
                    ulong* y = x + gap;
                    for (ulong* end = y; x < end; x++, y++)
                    {
                        // Harvey inverse butterfly: inputs in [0,2q); X+Y folded to [0,2q); (X−Y+2q)·W ∈ [0,2q).
                        ulong xv = *x, yv = *y;
                        ulong s = xv + yv;
                        s = SubIfGreaterOrEqual(s, twoQ);
                        ulong d = xv - yv + twoQ;
                        *x = s;
                        *y = d * wi - MulHigh(d, wsi) * q;
                    }
                }
            }

            // Last layer (one group, gap n/2) merged with the 1/n scaling; exact Shoup products land in [0, q).
            ulong invN = tables.InvN, invNs = tables.InvNShoup;
            ulong wl = tables.LastInvRootTimesInvN, wls = tables.LastInvRootTimesInvNShoup;
            for (ulong* x = a, y = a + halfN, end = a + halfN; x < end; x++, y++)
            {
                ulong xv = *x, yv = *y;
                ulong s = xv + yv; // < 4q, fine for Shoup (any 64-bit operand)
                ulong d = xv - yv + twoQ;
                ulong r0 = s * invN - MulHigh(s, invNs) * q;
                ulong r1 = d * wl - MulHigh(d, wls) * q;
                *x = SubIfGreaterOrEqual(r0, q);
                *y = SubIfGreaterOrEqual(r1, q);
            }
        }
    }

    private static void CheckSupported(NttIsa isa)
    {
        if (!IsSupported(isa))
        {
            throw new PlatformNotSupportedException($"The {Name(isa)} NTT cannot run on this machine.");
        }
    }

    private static int CheckLength(Span<ulong> values, NttTables tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        if (values.Length != tables.N)
        {
            throw new ArgumentException($"Expected {tables.N} coefficients, got {values.Length}.", nameof(values));
        }

        return tables.N;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong MulHigh(ulong a, ulong b) =>
        System.Runtime.Intrinsics.X86.Bmi2.X64.IsSupported ? System.Runtime.Intrinsics.X86.Bmi2.X64.MultiplyNoFlags(a, b) : Math.BigMul(a, b, out _);

    /// <summary>
    /// v ≥ m ? v − m : v without a branch (the data are random, so a branch mispredicts half the time): the sign of
    /// v − m selects whether m is added back. Valid for v, m &lt; 2^63, which the 4q &lt; 2^64 bound guarantees.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong SubIfGreaterOrEqual(ulong v, ulong m)
    {
        // Not written as a ?: select: the JIT (.NET 10) turns that into a real branch here, not a cmov.
        ulong d = v - m;
        return d + (m & (ulong)((long)d >> 63));
    }
}
