using System.Runtime.InteropServices;
using Seco.Garbling.Crypto;

namespace Seco.Garbling.Ot;

/// <summary>
/// The sender of IKNP OT extension (Ishai, Kilian, Nissim, Petrank, CRYPTO 2003), semi-honest, κ = 128: it is the
/// <em>receiver</em> of the 128 base OTs, with its secret s as choice bits, and learns one seed k_i^{s_i} per column.
/// From the receiver's matrix u it forms q^i = G(k_i^{s_i}) ⊕ s_i·u^i, whose rows satisfy q_j = t_j ⊕ r_j·s.
/// </summary>
/// <remarks>
/// Three ways to use the rows (all with the running OT index j as the hash tweak):
/// <list type="bullet">
/// <item>chosen-message OT: y_j^b = x_j^b ⊕ H(q_j ⊕ b·s, j);</item>
/// <item>correlated OT with a chosen Δ: outputs x_j^0 = H(q_j, j), x_j^1 = x_j^0 ⊕ Δ, and sends
/// d_j = H(q_j, j) ⊕ H(q_j ⊕ s, j) ⊕ Δ;</item>
/// <item>random correlated OT with Δ = s (emp-ot's COT): outputs q_j unhashed. The garbler builds this sender with
/// its free-XOR offset as s and adopts q_j as the zero-label of evaluator input wire j; the evaluator's output
/// t_j = q_j ⊕ r_j·Δ is then exactly the label of its input bit r_j, at no cost beyond the matrix u.</item>
/// </list>
/// </remarks>
public sealed class IknpSender
{
    private readonly Block _s;
    private readonly ChouOrlandiReceiver _base;
    private Prg[]? _g;
    private ChunkBuffers? _buffers;
    private ulong _index;

    /// <summary>A sender with a uniform secret s; randomness from <paramref name="random"/> (default: the OS CSPRNG; a
    /// seeded <see cref="Prg"/> is refused outside tests).</summary>
    /// <exception cref="PlatformNotSupportedException">The processor has no AES-NI (see <see cref="Aes128.EnsureConstantTime"/>).</exception>
    /// <exception cref="ArgumentException"><paramref name="random"/> is deterministic.</exception>
    public IknpSender(BlockRandom? random = null) : this(FreshSecret(random), random, checkLsb: false) { }

    /// <summary>
    /// A sender whose secret s is the garbler's free-XOR offset <paramref name="delta"/>, so random correlated OT
    /// outputs pairs (q_j, q_j ⊕ Δ). Δ must have its point-and-permute bit set, which fixes s_0 = 1 (the first base OT
    /// always picks its second key): s keeps 127 bits of entropy, the same as Δ itself has in free-XOR.
    /// </summary>
    public IknpSender(Block delta, BlockRandom? random = null) : this(delta, random, checkLsb: true) { }

    private IknpSender(Block s, BlockRandom? random, bool checkLsb)
    {
        Aes128.EnsureConstantTime();
        if (checkLsb && !s.Lsb) throw new ArgumentException("IKNP sender: Δ must have its point-and-permute bit (bit 0) set", nameof(s));
        _s = s;
        var bits = new bool[IknpReceiver.Kappa];
        for (int i = 0; i < bits.Length; i++) bits[i] = Bit(s, i);
        _base = new ChouOrlandiReceiver(bits, random);
    }

    /// <summary>Checks the platform and the source before s is drawn, so a refused source yields nothing.</summary>
    private static Block FreshSecret(BlockRandom? random)
    {
        Aes128.EnsureConstantTime();
        random ??= BlockRandom.Os;
        BlockRandom.EnsureNonDeterministic(random, nameof(random));
        return random.Next();
    }

    /// <summary>The secret s: the correlation of random correlated OT (t_j = q_j ⊕ r_j·Δ with Δ = s).</summary>
    public Block Delta => _s;

    /// <summary>Index of the next OT (the total extended so far).</summary>
    public ulong OtIndex => _index;

    /// <summary>Setup step 2: reads the base-OT sender's point and returns the base-OT receiver's points.</summary>
    public byte[] ReceiveSetup(ReadOnlySpan<byte> message)
    {
        var reply = _base.ReceiveSenderPoint(message);
        var keys = _base.Keys;
        _g = new Prg[IknpReceiver.Kappa];
        for (int i = 0; i < _g.Length; i++) _g[i] = new Prg(keys[i]);
        return reply;
    }

    /// <summary>Chosen-message OT: consumes the receiver's matrix and returns (y_j^0, y_j^1) for the pairs (x0[j], x1[j]).</summary>
    public byte[] SendChosen(ReadOnlySpan<byte> matrix, ReadOnlySpan<Block> x0, ReadOnlySpan<Block> x1) => SendChosen(matrix, x0, x1, null);

    /// <summary>
    /// As <see cref="SendChosen(ReadOnlySpan{byte}, ReadOnlySpan{Block}, ReadOnlySpan{Block})"/>, with the reply in an
    /// array from <paramref name="allocate"/> (given the exact length; e.g. a pool's rent, issue 19), or a new one for null.
    /// </summary>
    public byte[] SendChosen(ReadOnlySpan<byte> matrix, ReadOnlySpan<Block> x0, ReadOnlySpan<Block> x1, Func<int, byte[]>? allocate)
    {
        if (x0.Length != x1.Length)
            throw new ArgumentException($"IKNP sender: got {x0.Length} and {x1.Length} messages");
        int count = OpenMatrix(matrix, OtMessageKind.ExtendChosen, x0.Length, out var u, out ulong first);
        var reply = OtMessage.Create(OtMessageKind.ChosenCiphertexts, count, first, 2L * count * Block.Size, allocate);
        var y = MemoryMarshal.Cast<byte, Block>(reply.AsSpan(OtMessage.HeaderSize));
        var buffers = Buffers();
        var h1 = buffers.Hashes;
        for (int c0 = 0, w = Width(count); c0 < w; c0 += IknpReceiver.ChunkBlocks)
        {
            var rows = ExpandChunk(u, count, c0, buffers, out int start);
            int n = rows.Length;
            ulong tweak = first + (ulong)start;
            TweakableHash.Hash(rows, _s, tweak, h1);
            TweakableHash.Hash(rows, Block.Zero, tweak, rows);
            for (int k = 0; k < n; k++)
            {
                y[2 * (start + k)] = x0[start + k] ^ rows[k];
                y[2 * (start + k) + 1] = x1[start + k] ^ h1[k];
            }
        }
        _index = IknpReceiver.NextIndex(first, count);
        return reply;
    }

    /// <summary>
    /// Correlated OT with a chosen <paramref name="delta"/>: consumes the receiver's matrix, writes x_j^0 = H(q_j, j)
    /// into <paramref name="zeroOutputs"/> (x_j^1 = x_j^0 ⊕ Δ) and returns the corrections d_j.
    /// </summary>
    public byte[] SendCorrelated(ReadOnlySpan<byte> matrix, Block delta, Span<Block> zeroOutputs) => SendCorrelated(matrix, delta, zeroOutputs, null);

    /// <summary>As <see cref="SendCorrelated(ReadOnlySpan{byte}, Block, Span{Block})"/>, with the reply from <paramref name="allocate"/>.</summary>
    public byte[] SendCorrelated(ReadOnlySpan<byte> matrix, Block delta, Span<Block> zeroOutputs, Func<int, byte[]>? allocate)
    {
        int count = OpenMatrix(matrix, OtMessageKind.ExtendCorrelated, zeroOutputs.Length, out var u, out ulong first);
        var reply = OtMessage.Create(OtMessageKind.CorrelationCorrections, count, first, (long)count * Block.Size, allocate);
        var d = MemoryMarshal.Cast<byte, Block>(reply.AsSpan(OtMessage.HeaderSize));
        var buffers = Buffers();
        for (int c0 = 0, w = Width(count); c0 < w; c0 += IknpReceiver.ChunkBlocks)
        {
            var rows = ExpandChunk(u, count, c0, buffers, out int start);
            int n = rows.Length;
            ulong tweak = first + (ulong)start;
            var x0 = zeroOutputs.Slice(start, n);
            var dChunk = d.Slice(start, n);
            TweakableHash.Hash(rows, Block.Zero, tweak, x0);
            TweakableHash.Hash(rows, _s, tweak, dChunk);
            for (int k = 0; k < n; k++) dChunk[k] = dChunk[k] ^ x0[k] ^ delta;
        }
        _index = IknpReceiver.NextIndex(first, count);
        return reply;
    }

    /// <summary>Random correlated OT with Δ = <see cref="Delta"/>: consumes the receiver's matrix and writes q_j into <paramref name="output"/>.</summary>
    public void ReceiveRandomCorrelated(ReadOnlySpan<byte> matrix, Span<Block> output)
    {
        int count = OpenMatrix(matrix, OtMessageKind.ExtendRandomCorrelated, output.Length, out var u, out ulong first);
        var buffers = Buffers();
        for (int c0 = 0, w = Width(count); c0 < w; c0 += IknpReceiver.ChunkBlocks)
        {
            var rows = ExpandChunk(u, count, c0, buffers, out int start);
            rows.CopyTo(output[start..]);
        }
        _index = IknpReceiver.NextIndex(first, count);
    }

    /// <summary>
    /// Checks the matrix's header — its count against the batch this side serves (<paramref name="expectedCount"/>), so a
    /// matrix of another length is refused as an <see cref="OtProtocolException"/> before any state moves (review 21:
    /// it used to move the seed streams to the matrix's first index and only then throw, leaving them ahead of the index
    /// the next batch is checked against) — and moves the seed streams to where the matrix starts.
    /// </summary>
    private int OpenMatrix(ReadOnlySpan<byte> message, OtMessageKind kind, int expectedCount, out ReadOnlySpan<byte> u, out ulong first)
    {
        if (_g is null) throw new InvalidOperationException("IKNP sender: run the base-OT setup (ReceiveSetup) before extending");
        u = OtMessage.Open(message, kind, expectedCount, _index, IknpReceiver.Kappa, n => (long)IknpReceiver.Kappa * Width(n) * Block.Size, out int count, out first);
        if (first > _index)
        {
            // The receiver burned the batches in between (it cancelled them, e.g. for an aborted query): move the seed
            // streams to where its matrix starts. Batches start at multiples of κ, one stream block per κ OTs.
            foreach (Prg g in _g!) g.Seek(first / IknpReceiver.Kappa);
        }
        return count;
    }

    private static int Width(int count) => (count + IknpReceiver.Kappa - 1) / IknpReceiver.Kappa;

    private sealed class ChunkBuffers
    {
        public readonly Block[] Columns = new Block[IknpReceiver.Kappa * IknpReceiver.ChunkBlocks];
        public readonly Block[] Rows = new Block[IknpReceiver.Kappa * IknpReceiver.ChunkBlocks];
        public readonly Block[] Hashes = new Block[IknpReceiver.Kappa * IknpReceiver.ChunkBlocks];
    }

    /// <summary>This sender's chunk scratch, kept between batches (issue 19: it was garbage every call); one batch at a time.</summary>
    private ChunkBuffers Buffers() => _buffers ??= new ChunkBuffers();

    // Rows [start, start + n) of q for the chunk of blocks starting at c0: q^i = G(k_i^{s_i}) ⊕ s_i·u^i, transposed.
    // The conditional XOR is masked rather than branched on the secret bit. Chunks must be expanded in order: each
    // call advances the 128 seed streams exactly as the receiver's Extend did for the same chunk.
    private Span<Block> ExpandChunk(ReadOnlySpan<byte> u, int count, int c0, ChunkBuffers buffers, out int start)
    {
        const int kappa = IknpReceiver.Kappa;
        var g = _g!;
        int w = Width(count);
        int cw = Math.Min(IknpReceiver.ChunkBlocks, w - c0);
        var columns = buffers.Columns;
        for (int i = 0; i < kappa; i++)
        {
            var q = columns.AsSpan(i * cw, cw);
            g[i].Fill(q);
            BlockXor.XorMasked(MemoryMarshal.AsBytes(q), u.Slice((i * w + c0) * Block.Size, cw * Block.Size), (byte)(0 - (Bit(_s, i) ? 1 : 0)));
        }
        var rows = buffers.Rows.AsSpan(0, kappa * cw);
        BitTranspose.Transpose(columns.AsSpan(0, kappa * cw), cw, rows);
        start = c0 * kappa;
        return rows[..Math.Min(kappa * cw, count - start)];
    }

    private static bool Bit(Block b, int i) => (((i < 64 ? b.Lo : b.Hi) >> (i & 63)) & 1) != 0;
}
