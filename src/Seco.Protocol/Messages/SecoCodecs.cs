using System.Buffers;
using Seco.MessagePack;
using static Seco.Protocol.Messages.Wire;

namespace Seco.Protocol.Messages;

/// <summary>Every SECO message kind and its codec (field order = the record's parameter order).</summary>
public static class SecoCodecs
{
    public static IReadOnlyList<IProtocolCodec> All { get; } =
    [
        // Setup
        new ProtocolCodec<SetupBegin>("seco.setup-begin", 2,
            (ref MessagePackWriter w, SetupBegin m) => { w.WriteBinary(m.SessionSeed); w.WriteBinary(m.OtBase); },
            (ref MessagePackReader r) => new SetupBegin(ReadSeed(ref r), ReadBlob(ref r))),
        new ProtocolCodec<ServerKeyShares>("seco.server-key-shares", 3,
            (ref MessagePackWriter w, ServerKeyShares m) => { w.WriteBinary(m.PublicKeyShare); WriteBlobs(ref w, m.RotationKeyShares); w.WriteBinary(m.OtBase); },
            (ref MessagePackReader r) => new ServerKeyShares(ReadBlob(ref r), ReadBlobs(ref r, "rotation key shares"), ReadBlob(ref r))),
        new ProtocolCodec<CollectiveKeys>("seco.collective-keys", 3,
            (ref MessagePackWriter w, CollectiveKeys m) => { w.WriteBinary(m.PublicKey); w.WriteBinary(m.GaloisKeys); w.WriteBinary(m.NextTierPublicKey); },
            (ref MessagePackReader r) => new CollectiveKeys(ReadBlob(ref r), ReadBlob(ref r), ReadBlob(ref r))),
        new ProtocolCodec<OtBase>("seco.ot-base", 1,
            (ref MessagePackWriter w, OtBase m) => w.WriteBinary(m.Payload),
            (ref MessagePackReader r) => new OtBase(ReadBlob(ref r))),
        new ProtocolCodec<ServerReady>("seco.server-ready", 0,
            (ref MessagePackWriter w, ServerReady m) => { },
            (ref MessagePackReader r) => new ServerReady()),
        new ProtocolCodec<UserJoin>("seco.user-join", 3,
            (ref MessagePackWriter w, UserJoin m) => { w.WriteBinary(m.PublicKey); w.WriteBinary(m.GaloisKeys); w.WriteBinary(m.OtBase); },
            (ref MessagePackReader r) => new UserJoin(ReadBlob(ref r), ReadBlob(ref r), ReadBlob(ref r))),
        new ProtocolCodec<UserPublicKey>("seco.user-public-key", 2,
            (ref MessagePackWriter w, UserPublicKey m) => { w.WriteInt32(m.User); w.WriteBinary(m.PublicKey); },
            (ref MessagePackReader r) => new UserPublicKey(ReadUser(ref r), ReadBlob(ref r))),
        new ProtocolCodec<GatewayWelcome>("seco.gateway-welcome", 2,
            (ref MessagePackWriter w, GatewayWelcome m) => { w.WriteBinary(m.CollectivePublicKey); w.WriteBinary(m.OtBase); },
            (ref MessagePackReader r) => new GatewayWelcome(ReadBlob(ref r), ReadBlob(ref r))),

        // Preprocessing
        new ProtocolCodec<UserPreprocessing>("seco.user-prep", 3,
            (ref MessagePackWriter w, UserPreprocessing m) => { w.WriteInt32(m.Query); WriteBlobs(ref w, m.MaskCiphertexts); WriteBlobs(ref w, m.TransitionMask); },
            (ref MessagePackReader r) => new UserPreprocessing(ReadQuery(ref r), ReadBlobs(ref r, "mask ciphertexts"), ReadBlobs(ref r, "transition mask"))),
        new ProtocolCodec<GatewayPreprocessing>("seco.gateway-prep", 2,
            (ref MessagePackWriter w, GatewayPreprocessing m) => { w.WriteInt32(m.Query); WriteBlobs(ref w, m.ShareCiphertexts); },
            (ref MessagePackReader r) => new GatewayPreprocessing(ReadQuery(ref r), ReadBlobs(ref r, "share ciphertexts"))),
        QueryOnly("seco.prep-begin", q => new PreparationBegin(q)),
        new ProtocolCodec<QueryOwner>("seco.query-owner", 2,
            (ref MessagePackWriter w, QueryOwner m) => { w.WriteInt32(m.Query); w.WriteInt32(m.User); },
            (ref MessagePackReader r) => new QueryOwner(ReadQuery(ref r), ReadUser(ref r))),
        QueryBlobs("seco.mask-shares", "ciphertexts", (q, b) => new MaskShares(q, b), m => m.Ciphertexts),
        QueryBlobs("seco.mask-aggregate", "ciphertexts", (q, b) => new MaskAggregate(q, b), m => m.Ciphertexts),
        QueryBlobs("seco.linear-shares", "ciphertexts", (q, b) => new LinearShares(q, b), m => m.Ciphertexts),
        new ProtocolCodec<ProductCommitment>("seco.product-commitment", 2,
            (ref MessagePackWriter w, ProductCommitment m) => { w.WriteInt32(m.Query); w.WriteBinary(m.Digest); },
            (ref MessagePackReader r) => new ProductCommitment(ReadQuery(ref r), ReadDigest(ref r))),
        QueryBlobs("seco.decryption-shares", "shares", (q, b) => new DecryptionShares(q, b), m => m.Shares),
        new ProtocolCodec<CircuitRequest>("seco.circuit-request", 2,
            (ref MessagePackWriter w, CircuitRequest m) => { w.WriteInt32(m.Query); w.WriteInt32(m.Block); },
            (ref MessagePackReader r) => new CircuitRequest(ReadQuery(ref r), ReadBlock(ref r))),
        new ProtocolCodec<GarbledCircuits>("seco.garbled-circuits", 2,
            (ref MessagePackWriter w, GarbledCircuits m) => { w.WriteInt32(m.Query); WriteLayers(ref w, m.Layers); },
            (ref MessagePackReader r) => new GarbledCircuits(ReadQuery(ref r), ReadLayers(ref r, "layers"))),
        new ProtocolCodec<ProviderLabels>("seco.provider-labels", 3,
            (ref MessagePackWriter w, ProviderLabels m) => { w.WriteInt32(m.Query); w.WriteInt32(m.Block); WriteBlobs(ref w, m.Labels); },
            (ref MessagePackReader r) => new ProviderLabels(ReadQuery(ref r), ReadBlockOrZero(ref r), ReadBlobs(ref r, "labels"))),
        QueryOnly("seco.evaluator-ready", q => new EvaluatorReady(q)),
        QueryOnly("seco.query-ready", q => new QueryReady(q)),
        new ProtocolCodec<OtRequest>("seco.ot-request", 4,
            (ref MessagePackWriter w, OtRequest m) => { w.WriteInt32(m.Query); w.WriteInt32((int)m.Purpose); w.WriteInt32(m.Block); w.WriteBinary(m.Matrix); },
            (ref MessagePackReader r) => new OtRequest(ReadQuery(ref r), ReadPurpose(ref r), ReadBlockOrZero(ref r), ReadBlob(ref r))),
        new ProtocolCodec<OtResponse>("seco.ot-response", 4,
            (ref MessagePackWriter w, OtResponse m) => { w.WriteInt32(m.Query); w.WriteInt32((int)m.Purpose); w.WriteInt32(m.Block); w.WriteBinary(m.Payload); },
            (ref MessagePackReader r) => new OtResponse(ReadQuery(ref r), ReadPurpose(ref r), ReadBlockOrZero(ref r), ReadBlob(ref r))),

        // Online and output
        new ProtocolCodec<MaskedActivation>("seco.masked-activation", 3,
            (ref MessagePackWriter w, MaskedActivation m) => { w.WriteInt32(m.Query); w.WriteInt32(m.Block); WriteResidues(ref w, m.Values); },
            (ref MessagePackReader r) => new MaskedActivation(ReadQuery(ref r), ReadBlock(ref r), ReadResidues(ref r, "masked activation"))),
        new ProtocolCodec<GarblerInput>("seco.garbler-input", 3,
            (ref MessagePackWriter w, GarblerInput m) => { w.WriteInt32(m.Query); w.WriteInt32(m.Block); w.WriteBinary(m.Labels); },
            (ref MessagePackReader r) => new GarblerInput(ReadQuery(ref r), ReadBlock(ref r), ReadBlob(ref r))),
        new ProtocolCodec<ProviderInput>("seco.provider-input", 3,
            (ref MessagePackWriter w, ProviderInput m) => { w.WriteInt32(m.Query); w.WriteInt32(m.Block); w.WriteBinary(m.Labels); },
            (ref MessagePackReader r) => new ProviderInput(ReadQuery(ref r), ReadBlock(ref r), ReadBlob(ref r))),
        new ProtocolCodec<GatewayCircuitOutput>("seco.gateway-circuit-output", 3,
            (ref MessagePackWriter w, GatewayCircuitOutput m) => { w.WriteInt32(m.Query); w.WriteInt32(m.Block); WriteResidues(ref w, m.Values); },
            (ref MessagePackReader r) => new GatewayCircuitOutput(ReadQuery(ref r), ReadBlock(ref r), ReadResidues(ref r, "circuit output"))),
        new ProtocolCodec<OutputShare>("seco.output-share", 2,
            (ref MessagePackWriter w, OutputShare m) => { w.WriteInt32(m.Query); WriteResidues(ref w, m.Values); },
            (ref MessagePackReader r) => new OutputShare(ReadQuery(ref r), ReadResidues(ref r, "output share"))),
        new ProtocolCodec<OutputCiphertext>("seco.output-ciphertext", 2,
            (ref MessagePackWriter w, OutputCiphertext m) => { w.WriteInt32(m.Query); w.WriteBinary(m.Ciphertext); },
            (ref MessagePackReader r) => new OutputCiphertext(ReadQuery(ref r), ReadBlob(ref r))),

        // Failure of one query
        new ProtocolCodec<QueryAborted>("seco.query-aborted", 3,
            (ref MessagePackWriter w, QueryAborted m) => { w.WriteInt32(m.Query); w.WriteInt32((int)m.At); w.WriteString(Reason(m.Reason)); },
            (ref MessagePackReader r) => new QueryAborted(ReadQuery(ref r), ReadPhase(ref r), ReadReason(ref r))),
    ];

    private static readonly Dictionary<Type, IProtocolCodec> ByType = All.ToDictionary(c => c.MessageType);
    private static readonly Dictionary<string, IProtocolCodec> ByKind = All.ToDictionary(c => c.Kind);

    /// <summary>The codec of <paramref name="messageType"/>.</summary>
    public static IProtocolCodec For(Type messageType) =>
        ByType.TryGetValue(messageType, out IProtocolCodec? codec) ? codec : throw new ArgumentException($"{messageType.Name} has no SECO codec");

    /// <summary>Stand-alone encoding <c>[kind, ...fields]</c> (tests, size accounting).</summary>
    public static byte[] Encode(SecoMessage message)
    {
        using var buffer = new PooledBufferWriter();
        Write(buffer, message);
        return buffer.ToArray();
    }

    /// <summary>Encoded size in bytes, counted without keeping the encoding.</summary>
    public static int Size(SecoMessage message)
    {
        using var counter = new CountingBufferWriter();
        Write(counter, message);
        return checked((int)counter.WrittenCount);
    }

    /// <summary>Writes <see cref="Encode"/>'s bytes into <paramref name="output"/> (e.g. a hash, without keeping them).</summary>
    public static void Write(IBufferWriter<byte> output, SecoMessage message)
    {
        IProtocolCodec codec = For(message.GetType());
        var writer = new MessagePackWriter(output);
        writer.WriteArrayHeader(1 + codec.FieldCount);
        writer.WriteString(codec.Kind);
        codec.Write(ref writer, message);
        writer.Flush();
    }

    /// <summary>Decodes <see cref="Encode"/>'s output; throws <see cref="MessagePackException"/> on anything malformed.</summary>
    public static SecoMessage Decode(ReadOnlySpan<byte> bytes)
    {
        var reader = new MessagePackReader(bytes);
        int count = reader.ReadArrayHeader();
        string kind = reader.ReadString();
        if (!ByKind.TryGetValue(kind, out IProtocolCodec? codec))
            throw new MessagePackException(0, $"unknown SECO message kind '{kind}'");
        if (count != 1 + codec.FieldCount)
            throw new MessagePackException(0, $"'{kind}' has {codec.FieldCount} fields, the message has {count - 1}");
        SecoMessage message = codec.Read(ref reader);
        if (reader.Consumed != bytes.Length)
            throw new MessagePackException(reader.Consumed, $"'{kind}': {bytes.Length - reader.Consumed} trailing bytes");
        return message;
    }

    private static byte[] ReadSeed(ref MessagePackReader reader)
    {
        long at = reader.Consumed;
        byte[] seed = ReadBlob(ref reader);
        if (seed.Length != 32)
            throw new MessagePackException(at, $"session seed of {seed.Length} bytes, expected 32");
        return seed;
    }

    private static byte[] ReadDigest(ref MessagePackReader reader)
    {
        long at = reader.Consumed;
        byte[] digest = ReadBlob(ref reader);
        if (digest.Length != 32)
            throw new MessagePackException(at, $"commitment of {digest.Length} bytes, expected a 32-byte SHA-256 digest");
        return digest;
    }

    private static int ReadBlockOrZero(ref MessagePackReader reader) => reader.ReadInt32InRange(0, MaxBlock, "block");

    /// <summary>A reason cut to <see cref="QueryAborted.MaxReasonLength"/> with control characters replaced (it reaches logs and terminals).</summary>
    private static string Reason(string reason)
    {
        string cut = reason.Length > QueryAborted.MaxReasonLength ? reason[..QueryAborted.MaxReasonLength] : reason;
        return string.Create(cut.Length, cut, (span, s) =>
        {
            for (int i = 0; i < s.Length; i++) span[i] = char.IsControl(s[i]) ? '?' : s[i];
        });
    }

    private static string ReadReason(ref MessagePackReader reader)
    {
        long at = reader.Consumed;
        ReadOnlySpan<byte> utf8 = reader.ReadStringUtf8();
        if (utf8.Length > 4 * QueryAborted.MaxReasonLength)
            throw new MessagePackException(at, $"abort reason of {utf8.Length} bytes exceeds {4 * QueryAborted.MaxReasonLength}");
        return Reason(System.Text.Encoding.UTF8.GetString(utf8));
    }

    private static ProtocolCodec<T> QueryOnly<T>(string kind, Func<int, T> create) where T : QueryMessage =>
        new(kind, 1, (ref MessagePackWriter w, T m) => w.WriteInt32(m.Query), (ref MessagePackReader r) => create(ReadQuery(ref r)));

    private static ProtocolCodec<T> QueryBlobs<T>(string kind, string field, Func<int, byte[][], T> create, Func<T, byte[][]> blobs) where T : QueryMessage =>
        new(kind, 2,
            (ref MessagePackWriter w, T m) => { w.WriteInt32(m.Query); WriteBlobs(ref w, blobs(m)); },
            (ref MessagePackReader r) => { int q = ReadQuery(ref r); return create(q, ReadBlobs(ref r, field)); });
}
