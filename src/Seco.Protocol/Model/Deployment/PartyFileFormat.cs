using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using Seco.MessagePack;
using Seco.Nn.Field;

namespace Seco.Protocol.Model.Deployment;

/// <summary>
/// The layout of a party file (format version 3; docs/cluster.md, "Model files"). All integers inside the
/// MessagePack part are written by value (Seco.MessagePack); residues are little-endian 64-bit words.
/// <code>
/// offset 0   8 bytes  magic "SECOPART"
/// offset 8   2 bytes  format version, uint16 little-endian
/// offset 10  8 bytes  length of the whole file, uint64 little-endian
/// offset 18  header   MessagePack array of 21:
///                       party (Party.Code: 0 the gateway, −1 the user, 64·tier + index a server), deployment id (bin 8),
///                       the shared fields (<see cref="SharedFields"/>, 15 values),
///                       F_BC's block shapes (array; nil in the user's file),
///                       the hierarchy: per remote tier [servers, blocks] in order, tier 1 first, the blocks consecutive
///                         from l+1 (array; empty when l = L; nil in the user's file),
///                       SHA-256 of the body (bin 32)
///            body     MessagePack array of 3: party (Party.Code), deployment id (bin 8), blocks (array):
///                       the gateway's blocks 1..l, a server's its tier's segment, the user's none
///                       block = [index, weights bitmap, weights values, bias bitmap, bias values]
/// </code>
/// F_BC's shapes and the hierarchy are bound into the deployment id through <see cref="RemoteCommitment"/>, so the
/// user's file (which carries neither) still names the deployment, and a file whose shapes or tiers were edited is
/// refused. The commitment is keyed by a random key of its own that only the servers' files carry: the shared nonce is
/// in the user's file too, and with it the user could test guesses of the hierarchy and of F_BC's architecture
/// against the commitment offline (issue 18's review). Versions 1 (one tier of two, party kinds 0..3) and 2 (every block a
/// matrix: no forms, no activation shapes) are refused: the operator runs `seco split` again.
/// A residue vector is stored sparsely: a bitmap of its non-zero entries (bit e of byte e/8, least significant
/// first; the padding bits of the last byte are zero) and the non-zero residues in order. A share F^j is uniform on
/// the block's structural support (D10) and the last share F − ΣF^j is non-zero there except with probability about
/// 1/p, so a share's bitmap is the layer structure the tier's servers know anyway; it does not say which weights are zero.
/// </summary>
internal static class PartyFileFormat
{
    public static ReadOnlySpan<byte> Magic => "SECOPART"u8;

    public const int FormatVersion = 3;

    /// <summary>Magic, version, file length.</summary>
    public const int PrefixBytes = 18;

    public const int HeaderFields = 21;

    public const int IdBytes = 8;

    public const int NonceBytes = 16;

    public const int HashBytes = 32;

    /// <summary>Most blocks in a model (the wire's block index limit).</summary>
    public const int MaxBlocks = Messages.Wire.MaxBlock;

    public const int MaxPresetNameLength = 64;

    /// <summary>The largest block side: an activation of 2^24 values (the importer's and ConvShape's bound).</summary>
    public const int MaxSide = Lattice.Linear.ConvShape.MaxValues;

    /// <summary>A crypto preset name: 1..64 characters of [a-z0-9._-].</summary>
    public static bool IsPresetName(string name) =>
        name.Length is >= 1 and <= MaxPresetNameLength && name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '.' or '_' or '-');

    /// <summary>
    /// The header fields every file of a deployment carries. <see cref="Id"/> is computed from them; the nonce makes it
    /// unique per split, and <see cref="RemoteCommitment"/> = SHA-256(domain, key, F_BC's shapes, the tiers) binds
    /// F_BC's architecture and the hierarchy into the id without showing them to the user (the key, which the user's
    /// file does not carry, hides them from guessing).
    /// </summary>
    public sealed record SharedFields(
        byte[] Nonce, byte[] ModelSha256, int FractionalBits, string CryptoPreset, int N, ulong PlainModulus, byte[] ParameterHash,
        int Split, int QueryBudget, int InputSize, Nn.Layers.Shape Transition, int OutputSize, BlockShape[] GatewayBlocks, byte[] RemoteCommitment,
        bool Residual = false)
    {
        /// <summary>The size of x_{l+1} (0 when every block is on the gateway).</summary>
        public int TransitionSize => Transition.Size;

        public void Write(ref MessagePackWriter w)
        {
            w.WriteBinary(Nonce);
            w.WriteBinary(ModelSha256);
            w.WriteInt32(FractionalBits);
            w.WriteString(CryptoPreset);
            w.WriteInt32(N);
            w.WriteUInt64(PlainModulus);
            w.WriteBinary(ParameterHash);
            w.WriteInt32(Split);
            w.WriteInt32(QueryBudget);
            w.WriteInt32(InputSize);
            WriteShape(ref w, Transition);
            w.WriteInt32(OutputSize);
            WriteShapes(ref w, GatewayBlocks);
            w.WriteBinary(RemoteCommitment);
            w.Write(Residual);
        }

        /// <summary>The first 8 bytes of SHA-256("seco-deployment-id", the 15 fields).</summary>
        public byte[] Id()
        {
            var buffer = new ArrayBufferWriter<byte>();
            var w = new MessagePackWriter(buffer);
            w.WriteString("seco-deployment-id");
            Write(ref w);
            w.Flush();
            return SHA256.HashData(buffer.WrittenSpan)[..IdBytes];
        }
    }

    /// <param name="key">The commitment's key (<see cref="NonceBytes"/> random bytes): in the servers' files only, never
    /// the shared nonce, which the user's file carries.</param>
    public static byte[] RemoteCommitment(byte[] key, IReadOnlyList<BlockShape> remoteBlocks, IReadOnlyList<TierSpec> tiers)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new MessagePackWriter(buffer);
        w.WriteString("seco-remote-hierarchy");
        w.WriteBinary(key);
        WriteShapes(ref w, remoteBlocks);
        WriteTiers(ref w, tiers);
        w.Flush();
        return SHA256.HashData(buffer.WrittenSpan);
    }

    /// <summary>Each remote tier as [servers, blocks], tier 1 first.</summary>
    public static void WriteTiers(ref MessagePackWriter w, IReadOnlyList<TierSpec> tiers)
    {
        w.WriteArrayHeader(tiers.Count);
        foreach (TierSpec t in tiers)
        {
            w.WriteArrayHeader(2);
            w.WriteInt32(t.Servers);
            w.WriteInt32(t.Blocks);
        }
    }

    /// <summary>The tiers as written; each 2..<see cref="Roles.Party.MaxServersPerTier"/> servers and at least one block (the sum is checked by <see cref="SecoParameters"/>).</summary>
    public static TierSpec[] ReadTiers(ref MessagePackReader r, Func<string, Exception> fail)
    {
        int count = r.ReadArrayHeader();
        if (count > Roles.Party.MaxTiers)
            throw fail($"the hierarchy has {count} remote tiers, more than the {Roles.Party.MaxTiers} the protocol builds");
        var tiers = new TierSpec[count];
        for (int t = 0; t < count; t++)
        {
            int fields = r.ReadArrayHeader();
            if (fields != 2)
                throw fail($"the hierarchy: tier {t + 1} has {fields} fields, not 2 (servers, blocks)");
            int servers = r.ReadInt32InRange(2, Roles.Party.MaxServersPerTier, $"tier {t + 1} servers");
            int blocks = r.ReadInt32InRange(1, MaxBlocks, $"tier {t + 1} blocks");
            tiers[t] = new TierSpec(servers, blocks);
        }
        return tiers;
    }

    /// <summary>The tiers of <paramref name="p"/> as written in a file.</summary>
    public static TierSpec[] TiersOf(SecoParameters p) => [.. p.Tiers.Select(t => new TierSpec(t.Servers, t.BlockCount))];

    /// <summary>
    /// Each shape as [rows, columns, hasRelu, shift, input [C, H, W], form, shortcut source, shortcut stride]: the form
    /// nil for the matrix, else the convolution [C_in, H, W, C_out, KH, KW, SH, SW, top, left, bottom, right]; the
    /// shortcut source 0 for a plain block, else the block whose input the residual shortcut adds; the index is the
    /// position (blocks are numbered 1..L in order).
    /// </summary>
    public static void WriteShapes(ref MessagePackWriter w, IReadOnlyList<BlockShape> shapes)
    {
        w.WriteArrayHeader(shapes.Count);
        foreach (BlockShape b in shapes)
        {
            w.WriteArrayHeader(8);
            w.WriteInt32(b.Rows);
            w.WriteInt32(b.Columns);
            w.Write(b.HasRelu);
            w.WriteInt32(b.Shift);
            WriteShape(ref w, b.Input);
            if (b.Conv is not { } c)
            {
                w.WriteNil();
            }
            else
            {
                w.WriteArrayHeader(12);
                foreach (int v in new[] { c.InChannels, c.Height, c.Width, c.OutChannels, c.KernelH, c.KernelW, c.StrideH, c.StrideW, c.PadTop, c.PadLeft, c.PadBottom, c.PadRight })
                    w.WriteInt32(v);
            }
            w.WriteInt32(b.ShortcutSource);
            w.WriteInt32(b.ShortcutStride);
        }
    }

    /// <summary>An activation shape as [C, H, W].</summary>
    public static void WriteShape(ref MessagePackWriter w, Nn.Layers.Shape shape)
    {
        w.WriteArrayHeader(3);
        w.WriteInt32(shape.Channels);
        w.WriteInt32(shape.Height);
        w.WriteInt32(shape.Width);
    }

    /// <summary>An activation shape [C, H, W] of at most <see cref="MaxSide"/> values (C may be 0 only where <paramref name="mayBeEmpty"/>).</summary>
    public static Nn.Layers.Shape ReadShape(ref MessagePackReader r, string field, bool mayBeEmpty, Func<string, Exception> fail)
    {
        int fields = r.ReadArrayHeader();
        if (fields != 3)
            throw fail($"{field}: {fields} dimensions, not 3 (C, H, W)");
        int c = r.ReadInt32InRange(mayBeEmpty ? 0 : 1, MaxSide, $"{field} channels");
        int h = r.ReadInt32InRange(1, MaxSide, $"{field} height");
        int w = r.ReadInt32InRange(1, MaxSide, $"{field} width");
        if ((long)c * h * w > MaxSide)
            throw fail($"{field}: {c}×{h}×{w} exceeds {MaxSide} values");
        return new Nn.Layers.Shape(c, h, w);
    }

    /// <summary>Shapes numbered from <paramref name="firstIndex"/>; sides 1..<see cref="MaxSide"/>, shift 0..62 and 0 without a ReLU.</summary>
    public static BlockShape[] ReadShapes(ref MessagePackReader r, string field, int firstIndex, int expectedCount, Func<string, Exception> fail)
    {
        int count = r.ReadArrayHeader();
        if (count != expectedCount)
            throw fail($"{field}: {count} block shapes, expected {expectedCount}");
        var shapes = new BlockShape[count];
        for (int i = 0; i < count; i++)
        {
            int index = firstIndex + i;
            int fields = r.ReadArrayHeader();
            if (fields != 8)
                throw fail($"{field}: block {index}'s shape has {fields} fields, not 8");
            int rows = r.ReadInt32InRange(1, MaxSide, $"block {index} rows");
            int columns = r.ReadInt32InRange(1, MaxSide, $"block {index} columns");
            bool relu = r.ReadBoolean();
            int shift = r.ReadInt32InRange(0, 62, $"block {index} truncation shift");
            if (!relu && shift != 0)
                throw fail($"{field}: block {index} has no ReLU but a truncation shift of {shift}");
            Nn.Layers.Shape input = ReadShape(ref r, $"block {index} input", mayBeEmpty: false, fail);
            if (input.Size != columns)
                throw fail($"{field}: block {index}'s input {input} is not its {columns} columns");
            Lattice.Linear.ConvShape? conv = null;
            if (!r.TryReadNil())
            {
                int n = r.ReadArrayHeader();
                if (n != 12)
                    throw fail($"{field}: block {index}'s convolution has {n} fields, not 12");
                var v = new int[12];
                for (int k = 0; k < 12; k++) v[k] = r.ReadInt32InRange(0, MaxSide, $"block {index} convolution field {k + 1}");
                conv = new Lattice.Linear.ConvShape(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]);
            }
            int source = r.ReadInt32InRange(0, index - 1, $"block {index} shortcut source");
            int stride = r.ReadInt32InRange(1, 64, $"block {index} shortcut stride");
            shapes[i] = new BlockShape(index, rows, columns, relu, shift) { Input = input, Conv = conv, ShortcutSource = source, ShortcutStride = stride };
        }
        return shapes;
    }

    public static byte[] ReadFixed(ref MessagePackReader r, int length, string field, Func<string, Exception> fail)
    {
        ReadOnlySpan<byte> bytes = r.ReadBinary();
        if (bytes.Length != length)
            throw fail($"{field}: {bytes.Length} bytes, expected {length}");
        return bytes.ToArray();
    }

    /// <summary>A residue vector as its bitmap of non-zero entries and the non-zero residues (see the class summary).</summary>
    public static void WriteResidues(ref MessagePackWriter w, ulong[] values)
    {
        var bitmap = new byte[(values.Length + 7) / 8];
        int nonZero = 0;
        for (int e = 0; e < values.Length; e++)
        {
            if (values[e] >= PrimeField.P)
                throw new ArgumentException($"entry {e} = {values[e]} is not a residue mod p", nameof(values));
            if (values[e] == 0) continue;
            bitmap[e >> 3] |= (byte)(1 << (e & 7));
            nonZero++;
        }
        var words = new byte[nonZero * 8];
        int k = 0;
        foreach (ulong v in values)
            if (v != 0) BinaryPrimitives.WriteUInt64LittleEndian(words.AsSpan(8 * k++), v);
        w.WriteBinary(bitmap);
        w.WriteBinary(words);
    }

    /// <summary>
    /// Reads a vector of exactly <paramref name="count"/> residues: the bitmap must have ⌈count/8⌉ bytes and zero
    /// padding, the values one 8-byte word per set bit, each in 1..p−1 (a zero is stored as a clear bit, so the
    /// encoding is canonical).
    /// </summary>
    public static ulong[] ReadResidues(ref MessagePackReader r, int count, string field, Func<string, Exception> fail)
    {
        ReadOnlySpan<byte> bitmap = r.ReadBinary();
        if (bitmap.Length != (count + 7) / 8)
            throw fail($"{field}: a bitmap of {bitmap.Length} bytes, expected {(count + 7) / 8} for {count} entries");
        if (count % 8 != 0 && bitmap[^1] >> (count % 8) != 0)
            throw fail($"{field}: the bitmap marks entries past the {count} the block has");
        int nonZero = 0;
        foreach (byte b in bitmap)
            nonZero += BitOperations.PopCount(b);
        ReadOnlySpan<byte> words = r.ReadBinary();
        if (words.Length != nonZero * 8L)
            throw fail($"{field}: {words.Length} bytes of values, expected {nonZero * 8L} for the {nonZero} non-zero entries of the bitmap");
        var values = new ulong[count];
        int k = 0;
        for (int e = 0; e < count; e++)
        {
            if ((bitmap[e >> 3] & (1 << (e & 7))) == 0) continue;
            ulong v = BinaryPrimitives.ReadUInt64LittleEndian(words.Slice(k * 8));
            if (v >= PrimeField.P)
                throw fail($"{field}: entry {e} = {v} is not a residue mod p = {PrimeField.P}");
            if (v == 0)
                throw fail($"{field}: entry {e} is stored as 0 but the bitmap marks it non-zero");
            values[e] = v;
            k++;
        }
        return values;
    }
}
