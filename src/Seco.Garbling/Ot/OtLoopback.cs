using Seco.Garbling.Crypto;

namespace Seco.Garbling.Ot;

/// <summary>
/// Runs the base OTs and IKNP extension between an <see cref="IknpSender"/> and an <see cref="IknpReceiver"/> in one
/// process, passing every message as its serialized bytes (so tests and benchmarks exercise the real codec), and
/// counts the bytes each side sends.
/// </summary>
public sealed class OtLoopback
{
    /// <summary>The extension sender (base-OT receiver).</summary>
    public IknpSender Sender { get; }

    /// <summary>The extension receiver (base-OT sender).</summary>
    public IknpReceiver Receiver { get; }

    /// <summary>Bytes sent by the extension sender to the receiver, setup included.</summary>
    public long BytesFromSender { get; private set; }

    /// <summary>
    /// Where messages are written (given the exact length; e.g. a pool's rent, issue 19), null for new arrays; with
    /// <see cref="GiveBack"/>, each message is handed back once its peer has consumed it.
    /// </summary>
    public Func<int, byte[]>? Allocate { get; set; }

    /// <summary>Takes back a message from <see cref="Allocate"/> once consumed.</summary>
    public Action<byte[]>? GiveBack { get; set; }

    /// <summary>Bytes sent by the extension receiver to the sender, setup included.</summary>
    public long BytesFromReceiver { get; private set; }

    /// <summary>Connects the two parties and runs the 128 Chou–Orlandi base OTs.</summary>
    public OtLoopback(IknpSender sender, IknpReceiver receiver)
    {
        Sender = sender;
        Receiver = receiver;
        var a = FromReceiver(receiver.Start());
        var b = FromSender(sender.ReceiveSetup(a));
        receiver.ReceiveSetup(b);
    }

    /// <summary>
    /// A fresh pair. <paramref name="delta"/>, when given, becomes the sender's s (for random correlated OT with the
    /// garbler's free-XOR offset). Without random sources both parties use the OS CSPRNG; seeded sources are refused
    /// outside tests.
    /// </summary>
    public static OtLoopback Create(Block? delta = null, BlockRandom? senderRandom = null, BlockRandom? receiverRandom = null)
    {
        BlockRandom.EnsureNonDeterministic(senderRandom ?? BlockRandom.Os, nameof(senderRandom));
        BlockRandom.EnsureNonDeterministic(receiverRandom ?? BlockRandom.Os, nameof(receiverRandom));
        return new(delta is { } d ? new IknpSender(d, senderRandom) : new IknpSender(senderRandom), new IknpReceiver(receiverRandom));
    }

    /// <summary>Chosen-message OT: the receiver learns x_j^{r_j} into <paramref name="receiverOutput"/>.</summary>
    public void Chosen(ReadOnlySpan<Block> x0, ReadOnlySpan<Block> x1, ReadOnlySpan<byte> choices, Span<Block> receiverOutput)
    {
        var u = FromReceiver(Receiver.ExtendChosen(choices, receiverOutput.Length, Allocate));
        var y = FromSender(Sender.SendChosen(u, x0, x1, Allocate));
        GiveBack?.Invoke(u);
        Receiver.ReceiveChosen(y, receiverOutput);
        GiveBack?.Invoke(y);
    }

    /// <summary>
    /// Correlated OT with a chosen Δ (free-XOR label transfer): the sender gets zero-labels x_j^0, the receiver
    /// x_j^0 ⊕ r_j·Δ.
    /// </summary>
    public void Correlated(Block delta, ReadOnlySpan<byte> choices, Span<Block> senderZeroOutputs, Span<Block> receiverOutput)
    {
        if (senderZeroOutputs.Length != receiverOutput.Length)
            throw new ArgumentException($"sender output holds {senderZeroOutputs.Length} blocks, receiver output {receiverOutput.Length}");
        var u = FromReceiver(Receiver.ExtendCorrelated(choices, receiverOutput.Length, Allocate));
        var d = FromSender(Sender.SendCorrelated(u, delta, senderZeroOutputs, Allocate));
        GiveBack?.Invoke(u);
        Receiver.ReceiveCorrelated(d, receiverOutput);
        GiveBack?.Invoke(d);
    }

    /// <summary>Random correlated OT with Δ = <see cref="IknpSender.Delta"/>: the sender gets q_j, the receiver q_j ⊕ r_j·Δ. One message.</summary>
    public void RandomCorrelated(ReadOnlySpan<byte> choices, Span<Block> senderOutput, Span<Block> receiverOutput)
    {
        if (senderOutput.Length != receiverOutput.Length)
            throw new ArgumentException($"sender output holds {senderOutput.Length} blocks, receiver output {receiverOutput.Length}");
        var u = FromReceiver(Receiver.ExtendRandomCorrelated(choices, receiverOutput.Length, receiverOutput, Allocate));
        Sender.ReceiveRandomCorrelated(u, senderOutput);
        GiveBack?.Invoke(u);
    }

    private byte[] FromSender(byte[] message)
    {
        BytesFromSender += message.Length;
        return message;
    }

    private byte[] FromReceiver(byte[] message)
    {
        BytesFromReceiver += message.Length;
        return message;
    }
}
