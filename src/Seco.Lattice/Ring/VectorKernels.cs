using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Seco.Lattice.Ring;

/// <summary>
/// Vector256 kernels for the modular operations that need no 64×64→128 product (add, sub, negate), chosen at run
/// time when 256-bit vectors are hardware-accelerated (AVX2 here); each returns how many leading elements it
/// processed, and the caller's scalar loop does the rest (all of them on hardware without vectors). Products stay
/// scalar: AVX2 has no 64-bit high multiply, and emulating one costs more than <c>mulx</c>.
/// Residues are below 2^61, so signed 64-bit compares are exact.
/// </summary>
internal static class VectorKernels
{
    public static int Add(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> dest, ulong q)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            return 0;
        }

        var qv = Vector256.Create(q);
        ref ulong ra = ref MemoryMarshal.GetReference(a);
        ref ulong rb = ref MemoryMarshal.GetReference(b);
        ref ulong rd = ref MemoryMarshal.GetReference(dest);
        int last = dest.Length - Vector256<ulong>.Count;
        int i = 0;
        for (; i <= last; i += Vector256<ulong>.Count)
        {
            Vector256<ulong> s = Vector256.LoadUnsafe(ref ra, (nuint)i) + Vector256.LoadUnsafe(ref rb, (nuint)i);
            Vector256<ulong> ge = Vector256.GreaterThanOrEqual(s.AsInt64(), qv.AsInt64()).AsUInt64();
            (s - (qv & ge)).StoreUnsafe(ref rd, (nuint)i);
        }

        return i;
    }

    public static int Sub(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> dest, ulong q)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            return 0;
        }

        var qv = Vector256.Create(q);
        ref ulong ra = ref MemoryMarshal.GetReference(a);
        ref ulong rb = ref MemoryMarshal.GetReference(b);
        ref ulong rd = ref MemoryMarshal.GetReference(dest);
        int last = dest.Length - Vector256<ulong>.Count;
        int i = 0;
        for (; i <= last; i += Vector256<ulong>.Count)
        {
            Vector256<ulong> x = Vector256.LoadUnsafe(ref ra, (nuint)i), y = Vector256.LoadUnsafe(ref rb, (nuint)i);
            Vector256<ulong> borrow = Vector256.GreaterThan(y.AsInt64(), x.AsInt64()).AsUInt64();
            (x - y + (qv & borrow)).StoreUnsafe(ref rd, (nuint)i);
        }

        return i;
    }

    public static int Negate(ReadOnlySpan<ulong> a, Span<ulong> dest, ulong q)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            return 0;
        }

        var qv = Vector256.Create(q);
        ref ulong ra = ref MemoryMarshal.GetReference(a);
        ref ulong rd = ref MemoryMarshal.GetReference(dest);
        int last = dest.Length - Vector256<ulong>.Count;
        int i = 0;
        for (; i <= last; i += Vector256<ulong>.Count)
        {
            Vector256<ulong> x = Vector256.LoadUnsafe(ref ra, (nuint)i);
            Vector256<ulong> nonZero = ~Vector256.Equals(x, Vector256<ulong>.Zero);
            ((qv - x) & nonZero).StoreUnsafe(ref rd, (nuint)i);
        }

        return i;
    }
}
