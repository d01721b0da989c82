using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC;
using Seco.Garbling.Crypto;

namespace Seco.Garbling.Ot;

// Chou & Orlandi, "The Simplest Protocol for Oblivious Transfer", LATINCRYPT 2015, over P-256.
//   sender:   a ←$ Z_n, A = aG                                      → A
//   receiver: b_i ←$ Z_n, B_i = b_iG + c_i·A                         → B_1..B_n
//   receiver: k_i = H(i, A, B_i, b_i·A)
//   sender:   k_i^0 = H(i, A, B_i, a·B_i), k_i^1 = H(i, A, B_i, a·(B_i − A))
// so k_i = k_i^{c_i}, and the other key is H of a CDH value the receiver cannot compute. B_i is uniform whatever c_i
// is, which is the receiver's privacy. Semi-honest security is what SECO needs; the gaps found in CO's UC proof
// against malicious parties (Genç, Iovino, Rial, ePrint 2017/1216; Hauck, Loss, ePrint 2017/1011) concern
// simulating a malicious receiver/sender and do not affect the semi-honest argument above.

/// <summary>Chou–Orlandi base-OT sender for a batch of n OTs of 128-bit keys (random OT) or chosen messages.</summary>
public sealed class ChouOrlandiSender
{
    private readonly int _count;
    private readonly BigInteger _a;
    private readonly ECPoint _pointA;
    private readonly byte[] _encodedA = new byte[P256.PointSize];
    private Block[]? _keys0, _keys1;
    private bool _started;

    /// <summary>A sender for <paramref name="count"/> OTs; secrets come from <paramref name="random"/> (default: the OS
    /// CSPRNG; a seeded <see cref="Prg"/> is refused outside tests).</summary>
    /// <exception cref="ArgumentException"><paramref name="random"/> is deterministic.</exception>
    public ChouOrlandiSender(int count = 128, BlockRandom? random = null)
    {
        if (count is < 1 or > 1 << 16) throw new ArgumentOutOfRangeException(nameof(count), count, "base OT count must be in 1..65536");
        random ??= BlockRandom.Os;
        BlockRandom.EnsureNonDeterministic(random, nameof(random));
        _count = count;
        _a = P256.RandomScalar(random);
        _pointA = P256.MultiplyBase(_a);
        P256.Encode(_pointA, _encodedA);
    }

    /// <summary>Number of OTs in the batch.</summary>
    public int Count => _count;

    /// <summary>Step 1: the message carrying A.</summary>
    public byte[] Start()
    {
        if (_started) throw new InvalidOperationException("Chou–Orlandi sender: Start was already called");
        _started = true;
        var message = OtMessage.Create(OtMessageKind.BaseSenderPoint, _count, 0, P256.PointSize);
        _encodedA.CopyTo(message, OtMessage.HeaderSize);
        return message;
    }

    /// <summary>Step 3: reads the receiver's points and derives both keys of every OT.</summary>
    public void ReceivePoints(ReadOnlySpan<byte> message)
    {
        if (!_started) throw new InvalidOperationException("Chou–Orlandi sender: call Start before ReceivePoints");
        if (_keys0 is not null) throw new InvalidOperationException("Chou–Orlandi sender: the receiver's points were already received");
        var payload = OtMessage.Open(message, OtMessageKind.BaseReceiverPoints, _count, 0, n => (long)n * P256.PointSize, out _);
        var keys0 = new Block[_count];
        var keys1 = new Block[_count];
        var aA = _pointA.Multiply(_a).Normalize();
        for (int i = 0; i < _count; i++)
        {
            var encodedB = payload.Slice(i * P256.PointSize, P256.PointSize);
            var b = P256.Decode(encodedB, $"Chou–Orlandi point B_{i}");
            var aB = b.Multiply(_a).Normalize();
            keys0[i] = P256.DeriveKey(i, _encodedA, encodedB, aB);
            // a·(B − A) = aB − aA: one scalar multiplication per OT instead of two.
            keys1[i] = P256.DeriveKey(i, _encodedA, encodedB, aB.Subtract(aA));
        }
        _keys0 = keys0;
        _keys1 = keys1;
    }

    /// <summary>k_i^0 for every OT (after <see cref="ReceivePoints"/>).</summary>
    public ReadOnlySpan<Block> Keys0 => _keys0 ?? throw new InvalidOperationException("Chou–Orlandi sender: keys exist only after ReceivePoints");

    /// <summary>k_i^1 for every OT (after <see cref="ReceivePoints"/>).</summary>
    public ReadOnlySpan<Block> Keys1 => _keys1 ?? throw new InvalidOperationException("Chou–Orlandi sender: keys exist only after ReceivePoints");

    /// <summary>
    /// Chosen-message OT on top of the random keys: the message (x_i^0 ⊕ k_i^0, x_i^1 ⊕ k_i^1), 32 bytes per OT.
    /// Each key is used once, as a one-time pad.
    /// </summary>
    public byte[] Encrypt(ReadOnlySpan<Block> x0, ReadOnlySpan<Block> x1)
    {
        var k0 = Keys0;
        var k1 = Keys1;
        if (x0.Length != _count || x1.Length != _count)
            throw new ArgumentException($"Chou–Orlandi sender: {_count} OTs need {_count} message pairs, got {x0.Length} and {x1.Length}");
        var message = OtMessage.Create(OtMessageKind.BaseCiphertexts, _count, 0, 2L * _count * Block.Size);
        var payload = message.AsSpan(OtMessage.HeaderSize);
        for (int i = 0; i < _count; i++)
        {
            (x0[i] ^ k0[i]).Write(payload[(2 * i * Block.Size)..]);
            (x1[i] ^ k1[i]).Write(payload[((2 * i + 1) * Block.Size)..]);
        }
        return message;
    }
}

/// <summary>Chou–Orlandi base-OT receiver with one choice bit per OT.</summary>
public sealed class ChouOrlandiReceiver
{
    private readonly bool[] _choices;
    private readonly BlockRandom _random;
    private Block[]? _keys;

    /// <summary>A receiver choosing <paramref name="choices"/>; secrets come from <paramref name="random"/> (default: the
    /// OS CSPRNG; a seeded <see cref="Prg"/> is refused outside tests).</summary>
    /// <exception cref="ArgumentException"><paramref name="random"/> is deterministic.</exception>
    public ChouOrlandiReceiver(ReadOnlySpan<bool> choices, BlockRandom? random = null)
    {
        if (choices.Length is < 1 or > 1 << 16) throw new ArgumentOutOfRangeException(nameof(choices), choices.Length, "base OT count must be in 1..65536");
        random ??= BlockRandom.Os;
        BlockRandom.EnsureNonDeterministic(random, nameof(random));
        _choices = choices.ToArray();
        _random = random;
    }

    /// <summary>Number of OTs in the batch.</summary>
    public int Count => _choices.Length;

    /// <summary>Step 2: reads A, returns the message carrying B_1..B_n and derives k_i = k_i^{c_i}.</summary>
    public byte[] ReceiveSenderPoint(ReadOnlySpan<byte> message)
    {
        if (_keys is not null) throw new InvalidOperationException("Chou–Orlandi receiver: the sender's point was already received");
        int n = _choices.Length;
        var payload = OtMessage.Open(message, OtMessageKind.BaseSenderPoint, n, 0, _ => P256.PointSize, out _);
        var encodedA = payload.ToArray();
        var a = P256.Decode(encodedA, "Chou–Orlandi point A");
        var reply = OtMessage.Create(OtMessageKind.BaseReceiverPoints, n, 0, (long)n * P256.PointSize);
        var keys = new Block[n];
        for (int i = 0; i < n; i++)
        {
            var b = P256.RandomScalar(_random);
            var bG = P256.MultiplyBase(b);
            // Both branches are computed so the work does not depend on the choice bit.
            var bPlusA = bG.Add(a).Normalize();
            var pointB = _choices[i] ? bPlusA : bG;
            var encodedB = reply.AsSpan(OtMessage.HeaderSize + i * P256.PointSize, P256.PointSize);
            P256.Encode(pointB, encodedB);
            keys[i] = P256.DeriveKey(i, encodedA, encodedB, a.Multiply(b));
        }
        _keys = keys;
        return reply;
    }

    /// <summary>k_i^{c_i} for every OT (after <see cref="ReceiveSenderPoint"/>).</summary>
    public ReadOnlySpan<Block> Keys => _keys ?? throw new InvalidOperationException("Chou–Orlandi receiver: keys exist only after ReceiveSenderPoint");

    /// <summary>Decrypts the chosen messages x_i^{c_i} from the sender's <see cref="ChouOrlandiSender.Encrypt"/> message.</summary>
    public Block[] Decrypt(ReadOnlySpan<byte> message)
    {
        var keys = Keys;
        int n = _choices.Length;
        var payload = OtMessage.Open(message, OtMessageKind.BaseCiphertexts, n, 0, c => 2L * c * Block.Size, out _);
        var result = new Block[n];
        for (int i = 0; i < n; i++)
            result[i] = Block.Read(payload[((2 * i + (_choices[i] ? 1 : 0)) * Block.Size)..]) ^ keys[i];
        return result;
    }
}
