using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Seco.Garbling.Crypto;

namespace Seco.Garbling.Ot;

/// <summary>
/// Transposes IKNP's 128 × m bit matrix from columns (one 128-bit-wide PRG stream per base OT) to rows (one
/// 128-bit value per extended OT). This is the hot spot of OT extension besides hashing.
/// </summary>
/// <remarks>
/// Layout: the input holds 128 columns of <c>w</c> blocks each, column i at blocks [i·w, (i+1)·w); bit j of a column
/// is bit j mod 8 of its byte j / 8. Output row j (j &lt; 128·w) has bit i = bit j of column i, with the same
/// bit-in-block convention. The SIMD path follows the "movemask" transpose of emp-tool (sse_trans): after a 16 × 16
/// byte transpose, byte lane l of register b holds byte b of column l, so the sign-bit mask of the register is 16
/// bits of one output row, and shifting left by one bit moves the next row's bits into the sign positions. The
/// byte transpose is four rounds of the same interleave (unpack rows i and i+8): each round rotates the 8-bit
/// (row, column) index left by one, so four rounds swap row and column. AVX2 runs two 128-row blocks per
/// instruction (the unpacks work per 128-bit lane, and the 32-bit mask covers both).
/// </remarks>
internal static class BitTranspose
{
    /// <summary>Transposes <paramref name="columns"/> (128 × w blocks) into <paramref name="rows"/> (128·w blocks).</summary>
    public static void Transpose(ReadOnlySpan<Block> columns, int w, Span<Block> rows)
    {
        if (columns.Length != 128 * w || rows.Length != 128 * w)
            throw new ArgumentException($"transpose of 128 × {w} blocks: got {columns.Length} column blocks and {rows.Length} rows");
        if (!Sse2.IsSupported)
        {
            TransposeScalar(columns, w, rows);
            return;
        }
        int wb = 0;
        if (Avx2.IsSupported)
            for (; wb + 2 <= w; wb += 2) TransposeAvx2Pair(columns, w, wb, rows);
        for (; wb < w; wb++) TransposeSse2(columns, w, wb, rows);
    }

    /// <summary>Bit-by-bit reference (and the path for processors without SSE2).</summary>
    internal static void TransposeScalar(ReadOnlySpan<Block> columns, int w, Span<Block> rows)
    {
        var input = MemoryMarshal.AsBytes(columns);
        var output = MemoryMarshal.AsBytes(rows);
        output.Clear();
        int m = 128 * w;
        for (int i = 0; i < 128; i++)
        {
            var column = input.Slice(i * w * Block.Size, w * Block.Size);
            for (int j = 0; j < m; j++)
            {
                int bit = (column[j >> 3] >> (j & 7)) & 1;
                output[j * Block.Size + (i >> 3)] |= (byte)(bit << (i & 7));
            }
        }
    }

    private static void TransposeSse2(ReadOnlySpan<Block> columns, int w, int wb, Span<Block> rows)
    {
        var output = MemoryMarshal.AsBytes(rows);
        Span<Vector128<byte>> a = stackalloc Vector128<byte>[16];
        Span<Vector128<byte>> b = stackalloc Vector128<byte>[16];
        int rowBase = 128 * wb;
        for (int g = 0; g < 8; g++)
        {
            for (int l = 0; l < 16; l++) a[l] = columns[(16 * g + l) * w + wb].Vector;
            for (int round = 0; round < 2; round++)
            {
                Interleave(a, b);
                Interleave(b, a);
            }
            for (int byteIndex = 0; byteIndex < 16; byteIndex++)
            {
                var v = a[byteIndex];
                int row = rowBase + 8 * byteIndex + 7;
                for (int k = 0; k < 8; k++, row--)
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(output.Slice(row * Block.Size + 2 * g, 2), (ushort)Sse2.MoveMask(v));
                    v = Sse2.ShiftLeftLogical(v.AsUInt64(), 1).AsByte();
                }
            }
        }
    }

    private static void Interleave(ReadOnlySpan<Vector128<byte>> from, Span<Vector128<byte>> to)
    {
        for (int i = 0; i < 8; i++)
        {
            to[2 * i] = Sse2.UnpackLow(from[i], from[i + 8]);
            to[2 * i + 1] = Sse2.UnpackHigh(from[i], from[i + 8]);
        }
    }

    private static void TransposeAvx2Pair(ReadOnlySpan<Block> columns, int w, int wb, Span<Block> rows)
    {
        // Byte-transpose each group of 16 columns (both 128-row blocks at once, one per 128-bit lane): afterwards
        // t[16g + b] holds, in lane l, byte b of column 16g + l (low lane: block wb, high lane: block wb + 1).
        Span<Vector256<byte>> t = stackalloc Vector256<byte>[128];
        for (int g = 0; g < 8; g++)
        {
            var a0 = Load(columns, (16 * g + 0) * w + wb);
            var a1 = Load(columns, (16 * g + 1) * w + wb);
            var a2 = Load(columns, (16 * g + 2) * w + wb);
            var a3 = Load(columns, (16 * g + 3) * w + wb);
            var a4 = Load(columns, (16 * g + 4) * w + wb);
            var a5 = Load(columns, (16 * g + 5) * w + wb);
            var a6 = Load(columns, (16 * g + 6) * w + wb);
            var a7 = Load(columns, (16 * g + 7) * w + wb);
            var a8 = Load(columns, (16 * g + 8) * w + wb);
            var a9 = Load(columns, (16 * g + 9) * w + wb);
            var a10 = Load(columns, (16 * g + 10) * w + wb);
            var a11 = Load(columns, (16 * g + 11) * w + wb);
            var a12 = Load(columns, (16 * g + 12) * w + wb);
            var a13 = Load(columns, (16 * g + 13) * w + wb);
            var a14 = Load(columns, (16 * g + 14) * w + wb);
            var a15 = Load(columns, (16 * g + 15) * w + wb);
            var b0 = Avx2.UnpackLow(a0, a8); var b1 = Avx2.UnpackHigh(a0, a8);
            var b2 = Avx2.UnpackLow(a1, a9); var b3 = Avx2.UnpackHigh(a1, a9);
            var b4 = Avx2.UnpackLow(a2, a10); var b5 = Avx2.UnpackHigh(a2, a10);
            var b6 = Avx2.UnpackLow(a3, a11); var b7 = Avx2.UnpackHigh(a3, a11);
            var b8 = Avx2.UnpackLow(a4, a12); var b9 = Avx2.UnpackHigh(a4, a12);
            var b10 = Avx2.UnpackLow(a5, a13); var b11 = Avx2.UnpackHigh(a5, a13);
            var b12 = Avx2.UnpackLow(a6, a14); var b13 = Avx2.UnpackHigh(a6, a14);
            var b14 = Avx2.UnpackLow(a7, a15); var b15 = Avx2.UnpackHigh(a7, a15);
            var c0 = Avx2.UnpackLow(b0, b8); var c1 = Avx2.UnpackHigh(b0, b8);
            var c2 = Avx2.UnpackLow(b1, b9); var c3 = Avx2.UnpackHigh(b1, b9);
            var c4 = Avx2.UnpackLow(b2, b10); var c5 = Avx2.UnpackHigh(b2, b10);
            var c6 = Avx2.UnpackLow(b3, b11); var c7 = Avx2.UnpackHigh(b3, b11);
            var c8 = Avx2.UnpackLow(b4, b12); var c9 = Avx2.UnpackHigh(b4, b12);
            var c10 = Avx2.UnpackLow(b5, b13); var c11 = Avx2.UnpackHigh(b5, b13);
            var c12 = Avx2.UnpackLow(b6, b14); var c13 = Avx2.UnpackHigh(b6, b14);
            var c14 = Avx2.UnpackLow(b7, b15); var c15 = Avx2.UnpackHigh(b7, b15);
            var d0 = Avx2.UnpackLow(c0, c8); var d1 = Avx2.UnpackHigh(c0, c8);
            var d2 = Avx2.UnpackLow(c1, c9); var d3 = Avx2.UnpackHigh(c1, c9);
            var d4 = Avx2.UnpackLow(c2, c10); var d5 = Avx2.UnpackHigh(c2, c10);
            var d6 = Avx2.UnpackLow(c3, c11); var d7 = Avx2.UnpackHigh(c3, c11);
            var d8 = Avx2.UnpackLow(c4, c12); var d9 = Avx2.UnpackHigh(c4, c12);
            var d10 = Avx2.UnpackLow(c5, c13); var d11 = Avx2.UnpackHigh(c5, c13);
            var d12 = Avx2.UnpackLow(c6, c14); var d13 = Avx2.UnpackHigh(c6, c14);
            var d14 = Avx2.UnpackLow(c7, c15); var d15 = Avx2.UnpackHigh(c7, c15);
            var e0 = Avx2.UnpackLow(d0, d8); var e1 = Avx2.UnpackHigh(d0, d8);
            var e2 = Avx2.UnpackLow(d1, d9); var e3 = Avx2.UnpackHigh(d1, d9);
            var e4 = Avx2.UnpackLow(d2, d10); var e5 = Avx2.UnpackHigh(d2, d10);
            var e6 = Avx2.UnpackLow(d3, d11); var e7 = Avx2.UnpackHigh(d3, d11);
            var e8 = Avx2.UnpackLow(d4, d12); var e9 = Avx2.UnpackHigh(d4, d12);
            var e10 = Avx2.UnpackLow(d5, d13); var e11 = Avx2.UnpackHigh(d5, d13);
            var e12 = Avx2.UnpackLow(d6, d14); var e13 = Avx2.UnpackHigh(d6, d14);
            var e14 = Avx2.UnpackLow(d7, d15); var e15 = Avx2.UnpackHigh(d7, d15);
            t[16 * g + 0] = e0;
            t[16 * g + 1] = e1;
            t[16 * g + 2] = e2;
            t[16 * g + 3] = e3;
            t[16 * g + 4] = e4;
            t[16 * g + 5] = e5;
            t[16 * g + 6] = e6;
            t[16 * g + 7] = e7;
            t[16 * g + 8] = e8;
            t[16 * g + 9] = e9;
            t[16 * g + 10] = e10;
            t[16 * g + 11] = e11;
            t[16 * g + 12] = e12;
            t[16 * g + 13] = e13;
            t[16 * g + 14] = e14;
            t[16 * g + 15] = e15;
        }
        // Row 8b + k takes bit k of byte b from all 128 columns: eight sign-bit masks, one per column group, assembled
        // into one 16-byte store per row (two rows per step: the low and high 16 bits of each mask).
        int rowBase0 = 128 * wb, rowBase1 = 128 * (wb + 1);
        for (int b = 0; b < 16; b++)
        {
            Vector256<byte> v0 = t[b], v1 = t[16 + b], v2 = t[32 + b], v3 = t[48 + b];
            Vector256<byte> v4 = t[64 + b], v5 = t[80 + b], v6 = t[96 + b], v7 = t[112 + b];
            for (int k = 7; k >= 0; k--)
            {
                ulong m0 = (uint)Avx2.MoveMask(v0), m1 = (uint)Avx2.MoveMask(v1), m2 = (uint)Avx2.MoveMask(v2), m3 = (uint)Avx2.MoveMask(v3);
                ulong m4 = (uint)Avx2.MoveMask(v4), m5 = (uint)Avx2.MoveMask(v5), m6 = (uint)Avx2.MoveMask(v6), m7 = (uint)Avx2.MoveMask(v7);
                rows[rowBase0 + 8 * b + k] = new Block(
                    (m0 & 0xffff) | (m1 & 0xffff) << 16 | (m2 & 0xffff) << 32 | (m3 & 0xffff) << 48,
                    (m4 & 0xffff) | (m5 & 0xffff) << 16 | (m6 & 0xffff) << 32 | (m7 & 0xffff) << 48);
                rows[rowBase1 + 8 * b + k] = new Block(
                    (m0 >> 16) | (m1 >> 16) << 16 | (m2 >> 16) << 32 | (m3 >> 16) << 48,
                    (m4 >> 16) | (m5 >> 16) << 16 | (m6 >> 16) << 32 | (m7 >> 16) << 48);
                v0 = Shift(v0); v1 = Shift(v1); v2 = Shift(v2); v3 = Shift(v3);
                v4 = Shift(v4); v5 = Shift(v5); v6 = Shift(v6); v7 = Shift(v7);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Load(ReadOnlySpan<Block> columns, int at) => Vector256.Create(columns[at].Vector, columns[at + 1].Vector);

    // A 64-bit shift is enough: only the sign bit of each byte is read, and the bits that cross into a byte from its
    // neighbour enter at bit 0 and cannot reach bit 7 within the seven shifts per byte.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> Shift(Vector256<byte> v) => Avx2.ShiftLeftLogical(v.AsUInt64(), 1).AsByte();
}
