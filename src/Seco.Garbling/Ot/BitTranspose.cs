using System.Buffers.Binary;
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
        var output = MemoryMarshal.AsBytes(rows);
        Span<Vector256<byte>> a = stackalloc Vector256<byte>[16];
        Span<Vector256<byte>> b = stackalloc Vector256<byte>[16];
        int rowBase0 = 128 * wb, rowBase1 = 128 * (wb + 1);
        for (int g = 0; g < 8; g++)
        {
            for (int l = 0; l < 16; l++)
            {
                int at = (16 * g + l) * w + wb;
                a[l] = Vector256.Create(columns[at].Vector, columns[at + 1].Vector);
            }
            for (int round = 0; round < 2; round++)
            {
                Interleave(a, b);
                Interleave(b, a);
            }
            for (int byteIndex = 0; byteIndex < 16; byteIndex++)
            {
                var v = a[byteIndex];
                int offset0 = (rowBase0 + 8 * byteIndex + 7) * Block.Size + 2 * g;
                int offset1 = (rowBase1 + 8 * byteIndex + 7) * Block.Size + 2 * g;
                for (int k = 0; k < 8; k++, offset0 -= Block.Size, offset1 -= Block.Size)
                {
                    uint mask = (uint)Avx2.MoveMask(v);
                    BinaryPrimitives.WriteUInt16LittleEndian(output.Slice(offset0, 2), (ushort)mask);
                    BinaryPrimitives.WriteUInt16LittleEndian(output.Slice(offset1, 2), (ushort)(mask >> 16));
                    v = Avx2.ShiftLeftLogical(v.AsUInt64(), 1).AsByte();
                }
            }
        }
    }

    private static void Interleave(ReadOnlySpan<Vector256<byte>> from, Span<Vector256<byte>> to)
    {
        for (int i = 0; i < 8; i++)
        {
            to[2 * i] = Avx2.UnpackLow(from[i], from[i + 8]);
            to[2 * i + 1] = Avx2.UnpackHigh(from[i], from[i + 8]);
        }
    }
}
