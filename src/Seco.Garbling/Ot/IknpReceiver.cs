using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Seco.Garbling.Crypto;

namespace Seco.Garbling.Ot;

/// <summary>
/// The receiver of IKNP OT extension (Ishai, Kilian, Nissim, Petrank, CRYPTO 2003), semi-honest, κ = 128, with the
/// ALSZ optimisation of sending one matrix u instead of two (Asharov, Lindell, Schneider, Zohner, CCS 2013, §4):
/// it is the <em>sender</em> of the 128 base OTs and holds both seeds (k_i^0, k_i^1) of every column.
/// </summary>
/// <remarks>
/// For m choice bits r (padded with zeros to 128·w, w = ⌈m/128⌉), column i is t^i = G(k_i^0) and the receiver sends
/// u^i = t^i ⊕ G(k_i^1) ⊕ r; row j of t is t_j, and the sender's row is q_j = t_j ⊕ r_j·s. G is AES-128-CTR keyed by the
/// seed (<see cref="Prg"/>); each seed's counter persists across batches, so no stream position is ever used twice.
/// The running OT index (checked in every message header) is the hash tweak, unique across batches.
/// </remarks>
public sealed class IknpReceiver
{
    /// <summary>Computational security parameter: number of base OTs and width of a row.</summary>
    public const int Kappa = 128;

    /// <summary>OTs processed per cache-sized step (128 columns × 16 blocks of 16 bytes = 32 KiB).</summary>
    internal const int ChunkBlocks = 16;

    private readonly ChouOrlandiSender _base;
    private Prg[]? _g0, _g1;
    private ulong _index;

    // The batch waiting for the sender's reply (chosen-message and correlated modes).
    private OtMessageKind _pendingKind;
    private int _pendingCount;
    private ulong _pendingFirst;
    private Block[]? _pendingPads;
    private Block[]? _columns, _rows, _g1Chunk;
    private byte[]? _pendingChoices;

    /// <summary>A receiver whose base-OT secrets come from <paramref name="random"/> (default: the OS CSPRNG; a seeded
    /// <see cref="Prg"/> is refused outside tests).</summary>
    /// <exception cref="PlatformNotSupportedException">The processor has no AES-NI (see <see cref="Aes128.EnsureConstantTime"/>).</exception>
    /// <exception cref="ArgumentException"><paramref name="random"/> is deterministic.</exception>
    public IknpReceiver(BlockRandom? random = null)
    {
        Aes128.EnsureConstantTime();
        _base = new ChouOrlandiSender(Kappa, random);
    }

    /// <summary>Index of the next OT (the total extended so far).</summary>
    public ulong OtIndex => _index;

    /// <summary>Setup step 1 (receiver → sender): the base-OT sender's point A.</summary>
    public byte[] Start() => _base.Start();

    /// <summary>Setup step 3: the base-OT receiver's points; afterwards both seeds of every column are known.</summary>
    public void ReceiveSetup(ReadOnlySpan<byte> message)
    {
        _base.ReceivePoints(message);
        var k0 = _base.Keys0;
        var k1 = _base.Keys1;
        _g0 = new Prg[Kappa];
        _g1 = new Prg[Kappa];
        for (int i = 0; i < Kappa; i++)
        {
            _g0[i] = new Prg(k0[i]);
            _g1[i] = new Prg(k1[i]);
        }
    }

    /// <summary>Starts a chosen-message batch for <paramref name="count"/> packed choice bits; returns the matrix message.</summary>
    public byte[] ExtendChosen(ReadOnlySpan<byte> choices, int count) => ExtendChosen(choices, count, null);

    /// <summary>
    /// As <see cref="ExtendChosen(ReadOnlySpan{byte}, int)"/>, with the message in an array from <paramref name="allocate"/>
    /// (given the exact length; e.g. a pool's rent, issue 19), or a new one for null. Every byte is written.
    /// </summary>
    public byte[] ExtendChosen(ReadOnlySpan<byte> choices, int count, Func<int, byte[]>? allocate) =>
        Extend(OtMessageKind.ExtendChosen, choices, count, default, allocate);

    /// <summary>Finishes a chosen-message batch: x_j^{r_j} = y_j^{r_j} ⊕ H(t_j, j) into <paramref name="output"/>.</summary>
    public void ReceiveChosen(ReadOnlySpan<byte> message, Span<Block> output)
    {
        var (pads, choices, count) = TakePending(OtMessageKind.ExtendChosen, output.Length, "ReceiveChosen");
        SkipPastSendersBatch(message, OtMessageKind.ChosenCiphertexts);
        var payload = OtMessage.Open(message, OtMessageKind.ChosenCiphertexts, count, _pendingFirst, n => 2L * n * Block.Size, out _);
        var y = Block.FromBytes(payload);
        for (int j = 0; j < count; j++) output[j] = y[2 * j + (OtBits.Get(choices, j) ? 1 : 0)] ^ pads[j];
        ClearPending();
    }

    /// <summary>Starts a correlated batch (the sender chooses Δ); returns the matrix message.</summary>
    public byte[] ExtendCorrelated(ReadOnlySpan<byte> choices, int count) => ExtendCorrelated(choices, count, null);

    /// <summary>As <see cref="ExtendCorrelated(ReadOnlySpan{byte}, int)"/>, with the message from <paramref name="allocate"/>.</summary>
    public byte[] ExtendCorrelated(ReadOnlySpan<byte> choices, int count, Func<int, byte[]>? allocate) =>
        Extend(OtMessageKind.ExtendCorrelated, choices, count, default, allocate);

    /// <summary>Finishes a correlated batch: H(t_j, j) ⊕ r_j·d_j = x_j^0 ⊕ r_j·Δ into <paramref name="output"/>.</summary>
    public void ReceiveCorrelated(ReadOnlySpan<byte> message, Span<Block> output)
    {
        var (pads, choices, count) = TakePending(OtMessageKind.ExtendCorrelated, output.Length, "ReceiveCorrelated");
        SkipPastSendersBatch(message, OtMessageKind.CorrelationCorrections);
        var payload = OtMessage.Open(message, OtMessageKind.CorrelationCorrections, count, _pendingFirst, n => (long)n * Block.Size, out _);
        var d = Block.FromBytes(payload);
        for (int j = 0; j < count; j++) output[j] = pads[j] ^ Block.Select(OtBits.Get(choices, j), d[j]);
        ClearPending();
    }

    /// <summary>
    /// A random correlated batch with Δ = s: returns the matrix message and writes t_j = q_j ⊕ r_j·s into
    /// <paramref name="output"/> at once (the sender needs nothing more from this side and sends nothing back).
    /// </summary>
    public byte[] ExtendRandomCorrelated(ReadOnlySpan<byte> choices, int count, Span<Block> output) => ExtendRandomCorrelated(choices, count, output, null);

    /// <summary>As <see cref="ExtendRandomCorrelated(ReadOnlySpan{byte}, int, Span{Block})"/>, with the message from <paramref name="allocate"/>.</summary>
    public byte[] ExtendRandomCorrelated(ReadOnlySpan<byte> choices, int count, Span<Block> output, Func<int, byte[]>? allocate)
    {
        if (output.Length != count) throw new ArgumentException($"random correlated OT: output holds {output.Length} blocks, {count} OTs requested", nameof(output));
        return Extend(OtMessageKind.ExtendRandomCorrelated, choices, count, output, allocate);
    }

    private byte[] Extend(OtMessageKind kind, ReadOnlySpan<byte> choices, int count, Span<Block> rowsOut, Func<int, byte[]>? allocate)
    {
        if (_g0 is null || _g1 is null) throw new InvalidOperationException("IKNP receiver: run the base-OT setup (Start, ReceiveSetup) before extending");
        if (_pendingPads is not null) throw new InvalidOperationException($"IKNP receiver: the {_pendingKind} batch still waits for the sender's reply");
        if (count is < 1 or > OtMessage.MaxCount) throw new ArgumentOutOfRangeException(nameof(count), count, $"OT count must be in 1..{OtMessage.MaxCount}");
        if (choices.Length < OtBits.ByteCount(count)) throw new ArgumentException($"{count} choice bits need {OtBits.ByteCount(count)} bytes, got {choices.Length}", nameof(choices));

        int w = (count + Kappa - 1) / Kappa;
        var r = new byte[w * Block.Size];
        choices[..OtBits.ByteCount(count)].CopyTo(r);
        if ((count & 7) != 0) r[(count - 1) >> 3] &= (byte)((1 << (count & 7)) - 1);

        var message = OtMessage.Create(kind, count, _index, (long)Kappa * w * Block.Size, allocate);
        var u = message.AsSpan(OtMessage.HeaderSize);
        bool hashed = kind != OtMessageKind.ExtendRandomCorrelated;
        // The pads are secret and wait for the sender's reply: rented, and cleared when returned (ClearPending).
        var pads = hashed ? ArrayPool<Block>.Shared.Rent(count) : null;

        // Scratch kept by this receiver (issue 19: three arrays per batch were garbage every call); one batch at a time.
        var columns = _columns ??= new Block[Kappa * ChunkBlocks];
        var rows = _rows ??= new Block[Kappa * ChunkBlocks];
        var g1 = _g1Chunk ??= new Block[ChunkBlocks];
        for (int c0 = 0; c0 < w; c0 += ChunkBlocks)
        {
            int cw = Math.Min(ChunkBlocks, w - c0);
            var rChunk = r.AsSpan(c0 * Block.Size, cw * Block.Size);
            for (int i = 0; i < Kappa; i++)
            {
                var t = columns.AsSpan(i * cw, cw);
                _g0[i].Fill(t);
                _g1[i].Fill(g1.AsSpan(0, cw));
                BlockXor.Xor3(MemoryMarshal.AsBytes(t), MemoryMarshal.AsBytes(g1.AsSpan(0, cw)), rChunk, u.Slice((i * w + c0) * Block.Size, cw * Block.Size));
            }
            var chunkRows = rows.AsSpan(0, Kappa * cw);
            BitTranspose.Transpose(columns.AsSpan(0, Kappa * cw), cw, chunkRows);
            int first = c0 * Kappa;
            int n = Math.Min(Kappa * cw, count - first);
            if (hashed) TweakableHash.Hash(chunkRows[..n], Block.Zero, _index + (ulong)first, pads.AsSpan(first, n));
            else chunkRows[..n].CopyTo(rowsOut[first..]);
        }

        if (hashed)
        {
            _pendingKind = kind;
            _pendingCount = count;
            _pendingFirst = _index;
            _pendingPads = pads;
            _pendingChoices = r;
        }
        _index = NextIndex(_index, count);
        return message;
    }

    /// <summary>
    /// The index after a batch of <paramref name="count"/> OTs starting at <paramref name="first"/>: batches use whole
    /// stream blocks of κ OTs, so every batch starts at a multiple of κ and its seed-stream position is first / κ — which
    /// lets a sender skip the batches a receiver cancelled.
    /// </summary>
    internal static ulong NextIndex(ulong first, int count) => first + ((ulong)((count + Kappa - 1) / Kappa) * Kappa);

    /// <summary>True while a chosen-message or correlated batch waits for the sender's reply.</summary>
    public bool HasPendingBatch => _pendingPads is not null;

    /// <summary>
    /// Gives up the pending batch (its query was aborted): its OT indices stay used, never reissued, and the sender
    /// skips them when the next batch arrives. A reply to the cancelled batch must not be passed to this receiver.
    /// </summary>
    public void CancelPending() => ClearPending();

    /// <summary>
    /// A reply to the pending batch that starts later than it means the sender served a matrix this side never sent — a
    /// hostile frame that named the right query and block but a later first index. The sender must take a batch that
    /// starts past its own index (the receiver burned an aborted query's batches), so its index moved past this side's,
    /// and every later batch of this side would be refused as reusing indices: one hostile frame failed every later query
    /// on the channel (review 21). The reply is still refused (<see cref="OtMessage.Open"/>: out of order), but first this
    /// side's next batch moves past the sender's batch; the sender skips forward to it, never back, so no index is reused.
    /// </summary>
    private void SkipPastSendersBatch(ReadOnlySpan<byte> message, OtMessageKind replyKind)
    {
        if (message.Length < OtMessage.HeaderSize || message[0] != (byte)replyKind)
            return;
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(message[1..]);
        ulong first = BinaryPrimitives.ReadUInt64LittleEndian(message[5..]);
        if (count is 0 or > OtMessage.MaxCount || first <= _pendingFirst || first % Kappa != 0 || first > OtMessage.MaxFirstIndex)
            return;
        ulong next = NextIndex(first, (int)count);
        if (next <= _index)
            return;
        _index = next;
        // The seed streams follow the index (one stream block per κ OTs), as the sender's do when it skips forward.
        foreach (Prg g in _g0!.Concat(_g1!)) g.Seek(_index / Kappa);
    }

    private (Block[] Pads, byte[] Choices, int Count) TakePending(OtMessageKind kind, int outputLength, string step)
    {
        if (_pendingPads is null || _pendingChoices is null)
            throw new InvalidOperationException($"IKNP receiver: {step} needs a batch started by {kind} first");
        if (_pendingKind != kind)
            throw new InvalidOperationException($"IKNP receiver: {step} called, but the pending batch is {_pendingKind}");
        if (outputLength != _pendingCount)
            throw new ArgumentException($"IKNP receiver: output holds {outputLength} blocks, the pending batch has {_pendingCount} OTs");
        return (_pendingPads, _pendingChoices, _pendingCount);
    }

    private void ClearPending()
    {
        if (_pendingPads is not null) ArrayPool<Block>.Shared.Return(_pendingPads, clearArray: true);
        _pendingPads = null;
        _pendingChoices = null;
    }
}
