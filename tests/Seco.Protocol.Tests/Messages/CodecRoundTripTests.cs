using System.Buffers;
using System.Buffers.Binary;
using System.Collections;
using System.Reflection;
using Seco.MessagePack;
using Seco.Nn.Field;
using Seco.Protocol.Messages;
using Xunit;

namespace Seco.Protocol.Tests.Messages;

/// <summary>
/// The wire form of every SECO message kind: round trips field by field, the <c>[kind, ...fields]</c> framing, the
/// phase each kind is accounted under (paper Fig. 3, §VI, as split by D11), and rejection of malformed input with an error that names
/// the problem.
/// </summary>
public class CodecRoundTripTests
{
    private const ulong P = PrimeField.P;

    private static readonly Random Rng = new(20240611);

    // ---- Samples ----

    private static byte[] Bytes(int length)
    {
        var b = new byte[length];
        Rng.NextBytes(b);
        return b;
    }

    private static byte[][] Blobs(params int[] lengths) => lengths.Select(Bytes).ToArray();

    /// <summary>Residues spread over [0, p), including both ends.</summary>
    private static ulong[] Residues(int count)
    {
        var v = new ulong[count];
        for (int i = 0; i < count; i++)
            v[i] = (ulong)Rng.NextInt64((long)P);
        if (count > 0) v[0] = P - 1;
        if (count > 1) v[1] = 0;
        return v;
    }

    private static GarbledLayer Layer(int block) => new(block, Blobs(300, 0, 17), Bytes(33), Blobs(16, 48));

    private static readonly Lazy<IReadOnlyList<SecoMessage>> SampleList = new(CreateSamples);

    /// <summary>At least one sample of every message kind, with non-trivial values (and a few edge cases); built once, deterministically.</summary>
    public static IReadOnlyList<SecoMessage> Samples() => SampleList.Value;

    private static IReadOnlyList<SecoMessage> CreateSamples() =>
    [
        // Setup
        new SetupBegin(Bytes(32), Bytes(97)),
        new SetupBegin(Bytes(32), []),
        new ServerKeyShares(Bytes(513), Blobs(64, 65, 0, 1), Bytes(40)),
        new ServerKeyShares(Bytes(3), [], []),
        new CollectiveKeys(Bytes(1000), Bytes(70_000), []),
        new CollectiveKeys(Bytes(1000), [], Bytes(900)),
        new ProviderInput(2, 5, Bytes(33)),
        new ProductCommitment(7, Bytes(32)),
        new OtBase(Bytes(129)),
        new ServerReady(),
        new UserJoin(Bytes(200), Bytes(300), Bytes(12)),
        new UserJoin(Bytes(200), [], Bytes(12)),
        new UserPublicKey(0, Bytes(257)),
        new UserPublicKey(Seco.Protocol.Roles.Party.MaxUsers - 1, Bytes(3)),
        new GatewayWelcome(Bytes(400), Bytes(55)),

        // Preprocessing
        new UserPreprocessing(3, Blobs(100, 101), Blobs(50, 51)),
        new UserPreprocessing(0, [], Blobs(50, 51)),
        new GatewayPreprocessing(7, Blobs(90)),
        new GatewayPreprocessing(7, []),
        new PreparationBegin(int.MaxValue),
        new QueryOwner(9, 31),
        new MaskShares(1, Blobs(10, 20, 30)),
        new MaskAggregate(2, Blobs(11, 22)),
        new LinearShares(3, Blobs(12)),
        new DecryptionShares(5, Blobs(14, 15, 16)),
        new CircuitRequest(6, Wire.MaxBlock),
        new GarbledCircuits(6, [Layer(1), Layer(Wire.MaxBlock)]),
        new GarbledCircuits(6, [new GarbledLayer(3, [], [], [])]),
        new ProviderLabels(8, 3, Blobs(16, 32, 48, 64)),
        new ProviderLabels(8, 0, []),
        new EvaluatorReady(9),
        new QueryReady(10),
        .. Enum.GetValues<OtPurpose>().SelectMany(purpose => new SecoMessage[]
        {
            new OtRequest(11, purpose, purpose == OtPurpose.EvaluatorShare ? 2 : 0, Bytes(2048 + (int)purpose)),
            new OtResponse(12, purpose, purpose == OtPurpose.EvaluatorShare ? Wire.MaxBlock : 0, Bytes(4096 + (int)purpose)),
        }),

        // Online and output
        new MaskedActivation(13, 1, Residues(784)),
        new MaskedActivation(14, Wire.MaxBlock, []),
        new GarblerInput(15, 2, Bytes(128 * 42 * 16)),
        new GatewayCircuitOutput(16, 1, Residues(128)),
        new OutputShare(17, Residues(10)),
        new OutputCiphertext(18, Bytes(5000)),

        // Failure of one query
        new QueryAborted(19, ProtocolPhase.Online, "a second OT request for query 19"),
        new QueryAborted(20, ProtocolPhase.ServerPreprocessing, ""),
    ];

    public static TheoryData<int> SampleIndices()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Samples().Count; i++) data.Add(i);
        return data;
    }

    [Fact]
    public void Samples_cover_every_message_kind()
    {
        var sampled = Samples().Select(m => m.GetType()).ToHashSet();
        var registered = SecoCodecs.All.Select(c => c.MessageType).ToHashSet();
        Assert.Equal(registered.OrderBy(t => t.Name), sampled.OrderBy(t => t.Name));

        // Every concrete message record of the assembly has a codec, and kinds and types are unique.
        var concrete = typeof(SecoMessage).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(SecoMessage)) && !t.IsAbstract).OrderBy(t => t.Name);
        Assert.Equal(concrete, registered.OrderBy(t => t.Name));
        Assert.Equal(SecoCodecs.All.Count, SecoCodecs.All.Select(c => c.Kind).Distinct().Count());
        Assert.Equal(SecoCodecs.All.Count, registered.Count);

        // Each OT purpose in both directions.
        foreach (OtPurpose purpose in Enum.GetValues<OtPurpose>())
        {
            Assert.Contains(Samples(), m => m is OtRequest r && r.Purpose == purpose);
            Assert.Contains(Samples(), m => m is OtResponse r && r.Purpose == purpose);
        }
    }

    [Theory]
    [MemberData(nameof(SampleIndices))]
    public void Decode_of_encode_is_the_same_message(int index)
    {
        SecoMessage message = Samples()[index];
        byte[] bytes = SecoCodecs.Encode(message);
        SecoMessage decoded = SecoCodecs.Decode(bytes);

        AssertStructurallyEqual(message, decoded, message.GetType().Name);
        Assert.Equal(bytes.Length, SecoCodecs.Size(message));
        Assert.Equal(bytes, SecoCodecs.Encode(decoded)); // canonical: re-encoding gives the same bytes

        // Framing: [kind, ...fields] with exactly FieldCount fields.
        IProtocolCodec codec = SecoCodecs.For(message.GetType());
        var reader = new MessagePackReader(bytes);
        Assert.Equal(1 + codec.FieldCount, reader.ReadArrayHeader());
        Assert.Equal(codec.Kind, reader.ReadString());
        Assert.StartsWith("seco.", codec.Kind, StringComparison.Ordinal);
        for (int f = 0; f < codec.FieldCount; f++)
            reader.Skip();
        Assert.True(reader.End);
    }

    [Fact]
    public void Structural_comparer_notices_differences()
    {
        // The comparer must not be vacuous: a changed byte, residue, nested chunk or scalar is a difference.
        var a = new GarbledCircuits(1, [Layer(1)]);
        var b = a with { Layers = [a.Layers[0] with { Chunks = [.. a.Layers[0].Chunks.Take(2), [1, 2, 3]] }] };
        Assert.ThrowsAny<Exception>(() => AssertStructurallyEqual(a, b, "circuits"));
        var x = new MaskedActivation(1, 2, [1, 2, 3]);
        Assert.ThrowsAny<Exception>(() => AssertStructurallyEqual(x, x with { Values = [1, 2, 4] }, "activation"));
        Assert.ThrowsAny<Exception>(() => AssertStructurallyEqual(x, x with { Block = 3 }, "activation"));
        var o = new OtRequest(1, OtPurpose.UserLabels, 0, [9]);
        Assert.ThrowsAny<Exception>(() => AssertStructurallyEqual(o, o with { Purpose = OtPurpose.EvaluatorMasks }, "ot"));
        Assert.ThrowsAny<Exception>(() => AssertStructurallyEqual(new OtBase([1]), new OtBase([1, 0]), "ot base"));
        AssertStructurallyEqual(a, a with { }, "circuits");
    }

    /// <summary>Compares records property by property, arrays element by element, recursively.</summary>
    internal static void AssertStructurallyEqual(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: one side is null");
            return;
        }
        Assert.True(expected.GetType() == actual.GetType(), $"{path}: type {expected.GetType().Name} vs {actual.GetType().Name}");
        Type type = expected.GetType();
        if (type.IsPrimitive || type.IsEnum || expected is string)
        {
            Assert.True(Equals(expected, actual), $"{path}: {expected} vs {actual}");
            return;
        }
        if (expected is byte[] eb)
        {
            Assert.True(eb.AsSpan().SequenceEqual((byte[])actual), $"{path}: byte arrays differ ({eb.Length} vs {((byte[])actual).Length} bytes)");
            return;
        }
        if (expected is Array ea)
        {
            var aa = (Array)actual;
            Assert.True(ea.Length == aa.Length, $"{path}: length {ea.Length} vs {aa.Length}");
            for (int i = 0; i < ea.Length; i++)
                AssertStructurallyEqual(ea.GetValue(i), aa.GetValue(i), $"{path}[{i}]");
            return;
        }
        Assert.False(expected is IEnumerable, $"{path}: unexpected collection type {type.Name}");
        PropertyInfo[] properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance);
        Assert.True(properties.Length > 0 || type == typeof(ServerReady), $"{path}: {type.Name} has no properties to compare");
        foreach (PropertyInfo property in properties)
            AssertStructurallyEqual(property.GetValue(expected), property.GetValue(actual), $"{path}.{property.Name}");
    }

    // ---- Phases (paper Fig. 3, §VI-A to §VI-D) ----

    private static readonly Dictionary<Type, ProtocolPhase> ExpectedPhase = new()
    {
        // Once per server set and user: keys and OT base setups (paper §VI-A-1, §VI-B).
        [typeof(SetupBegin)] = ProtocolPhase.Setup,
        [typeof(ServerKeyShares)] = ProtocolPhase.Setup,
        [typeof(CollectiveKeys)] = ProtocolPhase.Setup,
        [typeof(OtBase)] = ProtocolPhase.Setup,
        [typeof(ServerReady)] = ProtocolPhase.Setup,
        [typeof(UserJoin)] = ProtocolPhase.Setup,
        [typeof(UserPublicKey)] = ProtocolPhase.Setup,
        [typeof(GatewayWelcome)] = ProtocolPhase.Setup,
        // With the user, input unknown: DELPHI preprocessing of F_A and the transition mask (paper §VI-B, Algs. 12–14).
        [typeof(UserPreprocessing)] = ProtocolPhase.UserPreprocessing,
        [typeof(GatewayPreprocessing)] = ProtocolPhase.UserPreprocessing,
        // Servers only: model preparation of F_BC (paper §VI-A-2, Algs. 8 and 16), and A's "prepared" signal.
        [typeof(PreparationBegin)] = ProtocolPhase.ServerPreprocessing,
        [typeof(MaskShares)] = ProtocolPhase.ServerPreprocessing,
        [typeof(MaskAggregate)] = ProtocolPhase.ServerPreprocessing,
        [typeof(LinearShares)] = ProtocolPhase.ServerPreprocessing,
        [typeof(DecryptionShares)] = ProtocolPhase.ServerPreprocessing,
        [typeof(CircuitRequest)] = ProtocolPhase.ServerPreprocessing,
        [typeof(GarbledCircuits)] = ProtocolPhase.ServerPreprocessing,
        [typeof(ProviderLabels)] = ProtocolPhase.ServerPreprocessing,
        [typeof(EvaluatorReady)] = ProtocolPhase.ServerPreprocessing,
        [typeof(QueryReady)] = ProtocolPhase.ServerPreprocessing,
        // A gives a server query to a user when the user's preprocessing arrives (issue 22).
        [typeof(QueryOwner)] = ProtocolPhase.UserPreprocessing,
        // Input known (paper §VI-C, Algs. 15 and 10).
        [typeof(MaskedActivation)] = ProtocolPhase.Online,
        [typeof(GarblerInput)] = ProtocolPhase.Online,
        [typeof(ProviderInput)] = ProtocolPhase.Online,
        [typeof(ProductCommitment)] = ProtocolPhase.ServerPreprocessing,
        [typeof(GatewayCircuitOutput)] = ProtocolPhase.Online,
        // Output (paper §VI-D).
        [typeof(OutputShare)] = ProtocolPhase.Output,
        [typeof(OutputCiphertext)] = ProtocolPhase.Output,
    };

    [Fact]
    public void Every_kind_has_its_protocol_phase()
    {
        Assert.Equal(
            SecoCodecs.All.Select(c => c.MessageType).Where(t => t != typeof(OtRequest) && t != typeof(OtResponse) && t != typeof(QueryAborted)).OrderBy(t => t.Name),
            ExpectedPhase.Keys.OrderBy(t => t.Name));
        foreach (SecoMessage m in Samples())
        {
            ProtocolPhase expected = m switch
            {
                OtRequest r => PhaseOfOt(r.Purpose),
                OtResponse r => PhaseOfOt(r.Purpose),
                QueryAborted a => a.At, // an abort is charged to the phase in which the query failed
                _ => ExpectedPhase[m.GetType()],
            };
            Assert.True(expected == m.Phase, $"{m.GetType().Name}: phase {m.Phase}, expected {expected}");
            Assert.Equal(expected, SecoCodecs.Decode(SecoCodecs.Encode(m)).Phase);
        }
        Assert.True(ProtocolPhases.IsOffline(ProtocolPhase.Setup));
        Assert.True(ProtocolPhases.IsOffline(ProtocolPhase.ServerPreprocessing));
        Assert.True(ProtocolPhases.IsOffline(ProtocolPhase.UserPreprocessing));
        Assert.False(ProtocolPhases.IsOffline(ProtocolPhase.Online));
        Assert.False(ProtocolPhases.IsOffline(ProtocolPhase.Output));
    }

    /// <summary>The online OT is C's E³ labels (paper Alg. 10); the user's labels come in user preprocessing (paper Alg. 14); A's and C's mask labels in model preparation (paper Alg. 16).</summary>
    private static ProtocolPhase PhaseOfOt(OtPurpose purpose) => purpose switch
    {
        OtPurpose.EvaluatorShare => ProtocolPhase.Online,
        OtPurpose.UserLabels => ProtocolPhase.UserPreprocessing,
        OtPurpose.ProviderLabels or OtPurpose.EvaluatorMasks => ProtocolPhase.ServerPreprocessing,
        _ => throw new ArgumentOutOfRangeException(nameof(purpose)),
    };

    [Fact]
    public void Unknown_ot_purpose_has_no_phase()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new OtRequest(0, (OtPurpose)9, 0, []).Phase);
        Assert.Contains("unknown OT purpose 9", ex.Message, StringComparison.Ordinal);
    }

    // ---- Malformed input ----

    private delegate void Fields(ref MessagePackWriter writer);

    /// <summary>Hand-built <c>[kind, ...fields]</c> with an explicit element count.</summary>
    private static byte[] Raw(string kind, int count, Fields fields)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(count);
        writer.WriteString(kind);
        fields(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] ResidueBytes(params ulong[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), values[i]);
        return bytes;
    }

    private static void AssertRejected(byte[] bytes, string expectedProblem)
    {
        var ex = Assert.Throws<MessagePackException>(() => SecoCodecs.Decode(bytes));
        Assert.Contains(expectedProblem, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Abort_reasons_are_bounded_and_free_of_control_characters()
    {
        // The reason reaches logs and terminals: unknown phases and oversized reasons are refused, control
        // characters never survive a round trip.
        AssertRejected(Raw("seco.query-aborted", 4, (ref MessagePackWriter w) => { w.WriteInt32(1); w.WriteInt32(77); w.WriteString("x"); }), "protocol phase 77 is out of range 0..4");
        AssertRejected(Raw("seco.query-aborted", 4, (ref MessagePackWriter w) => { w.WriteInt32(1); w.WriteInt32(3); w.WriteString(new string('a', 5000)); }), "abort reason of 5000 bytes exceeds 2048");
        var hostile = (QueryAborted)SecoCodecs.Decode(Raw("seco.query-aborted", 4, (ref MessagePackWriter w) => { w.WriteInt32(1); w.WriteInt32(3); w.WriteString("\u001b]0;PWNED\u0007\u001b[2J"); }));
        Assert.Equal("?]0;PWNED??[2J", hostile.Reason);
        var cut = (QueryAborted)SecoCodecs.Decode(SecoCodecs.Encode(new QueryAborted(2, ProtocolPhase.Online, new string('b', 600))));
        Assert.Equal(QueryAborted.MaxReasonLength, cut.Reason.Length);
    }

    [Fact]
    public void Raw_builder_agrees_with_the_codec()
    {
        // The malformed cases below differ from a valid message only where they mean to.
        byte[] valid = Raw("seco.masked-activation", 4, (ref MessagePackWriter w) => { w.WriteInt32(5); w.WriteInt32(2); w.WriteBinary(ResidueBytes(1, P - 1)); });
        Assert.Equal(SecoCodecs.Encode(new MaskedActivation(5, 2, [1, P - 1])), valid);
    }

    [Theory]
    [MemberData(nameof(SampleIndices))]
    public void Every_truncation_is_rejected(int index)
    {
        byte[] bytes = SecoCodecs.Encode(Samples()[index]);
        // Every prefix for small messages; for large ones the first 200 cuts, every 97th, and the last 200.
        IEnumerable<int> cuts = bytes.Length <= 1000
            ? Enumerable.Range(0, bytes.Length)
            : Enumerable.Range(0, 200).Concat(Enumerable.Range(0, bytes.Length / 97).Select(k => k * 97)).Concat(Enumerable.Range(bytes.Length - 200, 200)).Distinct();
        foreach (int cut in cuts)
        {
            var ex = Assert.Throws<MessagePackException>(() => SecoCodecs.Decode(bytes.AsSpan(0, cut)));
            Assert.True(
                ex.Message.Contains("end of data", StringComparison.Ordinal)
                || ex.Message.Contains("truncated", StringComparison.Ordinal)
                || ex.Message.Contains("before the end of data", StringComparison.Ordinal)
                || ex.Message.Contains("bytes remaining", StringComparison.Ordinal),
                $"cut at {cut} of {bytes.Length}: {ex.Message}");
        }
    }

    [Theory]
    [MemberData(nameof(SampleIndices))]
    public void Trailing_bytes_are_rejected(int index)
    {
        SecoMessage message = Samples()[index];
        byte[] bytes = [.. SecoCodecs.Encode(message), 0xc0];
        AssertRejected(bytes, $"'{SecoCodecs.For(message.GetType()).Kind}': 1 trailing bytes");
        AssertRejected([.. SecoCodecs.Encode(message), .. SecoCodecs.Encode(new ServerReady())], "trailing bytes");
    }

    [Fact]
    public void Unknown_kind_is_rejected()
    {
        AssertRejected(Raw("seco.no-such-kind", 2, (ref MessagePackWriter w) => w.WriteInt32(1)), "unknown SECO message kind 'seco.no-such-kind'");
        AssertRejected(Raw("", 1, (ref MessagePackWriter _) => { }), "unknown SECO message kind ''");
        AssertRejected(Raw("SECO.QUERY-READY", 2, (ref MessagePackWriter w) => w.WriteInt32(1)), "unknown SECO message kind"); // kinds are case-sensitive
    }

    [Fact]
    public void Not_an_array_or_kind_not_a_string_is_rejected()
    {
        AssertRejected([0x81, 0xa1, 0x61, 0x01], "expected"); // a map {"a": 1}
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(2);
        writer.WriteInt32(7);
        writer.WriteInt32(1);
        writer.Flush();
        AssertRejected(buffer.WrittenSpan.ToArray(), "expected");
    }

    [Theory]
    [MemberData(nameof(SampleIndices))]
    public void Wrong_field_count_is_rejected(int index)
    {
        SecoMessage message = Samples()[index];
        IProtocolCodec codec = SecoCodecs.For(message.GetType());
        byte[] bytes = SecoCodecs.Encode(message);
        // Re-frame the same fields with one element more, and (if there are fields) one fewer declared.
        var reader = new MessagePackReader(bytes);
        reader.ReadArrayHeader();
        reader.ReadString();
        byte[] fields = reader.UnreadSpan.ToArray();
        byte[] more = Raw(codec.Kind, codec.FieldCount + 2, (ref MessagePackWriter w) => { w.WriteRaw(fields); w.WriteNil(); });
        AssertRejected(more, $"'{codec.Kind}' has {codec.FieldCount} fields, the message has {codec.FieldCount + 1}");
        if (codec.FieldCount > 0)
        {
            byte[] fewer = Raw(codec.Kind, codec.FieldCount, (ref MessagePackWriter w) => w.WriteRaw(fields));
            AssertRejected(fewer, $"'{codec.Kind}' has {codec.FieldCount} fields, the message has {codec.FieldCount - 1}");
        }
    }

    [Fact]
    public void Residue_not_below_p_is_rejected()
    {
        foreach (ulong bad in new[] { P, P + 1, (1UL << 41) - 1, ulong.MaxValue })
        {
            AssertRejected(Raw("seco.masked-activation", 4, (ref MessagePackWriter w) => { w.WriteInt32(0); w.WriteInt32(1); w.WriteBinary(ResidueBytes(0, P - 1, bad)); }),
                $"masked activation[2] = {bad} is not a residue mod p = {P}");
            AssertRejected(Raw("seco.gateway-circuit-output", 4, (ref MessagePackWriter w) => { w.WriteInt32(0); w.WriteInt32(1); w.WriteBinary(ResidueBytes(bad)); }),
                $"circuit output[0] = {bad} is not a residue");
            AssertRejected(Raw("seco.output-share", 3, (ref MessagePackWriter w) => { w.WriteInt32(0); w.WriteBinary(ResidueBytes(5, bad)); }),
                $"output share[1] = {bad} is not a residue");
        }
    }

    [Theory]
    [InlineData(7)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(801)]
    public void Residue_bytes_not_a_multiple_of_eight_are_rejected(int length)
    {
        AssertRejected(Raw("seco.masked-activation", 4, (ref MessagePackWriter w) => { w.WriteInt32(0); w.WriteInt32(1); w.WriteBinary(new byte[length]); }),
            $"masked activation: {length} bytes is not a whole number of 8-byte residues");
    }

    [Fact]
    public void Too_many_residues_are_rejected()
    {
        byte[] tooMany = new byte[(Wire.MaxResidues + 1) * 8];
        AssertRejected(Raw("seco.masked-activation", 4, (ref MessagePackWriter w) => { w.WriteInt32(0); w.WriteInt32(1); w.WriteBinary(tooMany); }),
            $"masked activation: {Wire.MaxResidues + 1} residues exceed the limit of {Wire.MaxResidues}");
        byte[] justEnough = new byte[Wire.MaxResidues * 8];
        var ok = (MaskedActivation)SecoCodecs.Decode(Raw("seco.masked-activation", 4, (ref MessagePackWriter w) => { w.WriteInt32(0); w.WriteInt32(1); w.WriteBinary(justEnough); }));
        Assert.Equal(Wire.MaxResidues, ok.Values.Length);
    }

    [Theory]
    [InlineData("seco.prep-begin")]
    [InlineData("seco.query-ready")]
    [InlineData("seco.mask-shares")]
    [InlineData("seco.garbled-circuits")]
    [InlineData("seco.masked-activation")]
    [InlineData("seco.ot-request")]
    [InlineData("seco.output-ciphertext")]
    [InlineData("seco.user-prep")]
    public void Negative_query_is_rejected(string kind)
    {
        IProtocolCodec codec = SecoCodecs.All.Single(c => c.Kind == kind);
        // Only the query is wrong; the remaining fields never get read.
        byte[] bytes = Raw(kind, 1 + codec.FieldCount, (ref MessagePackWriter w) =>
        {
            w.WriteInt32(-1);
            for (int f = 1; f < codec.FieldCount; f++) w.WriteNil();
        });
        AssertRejected(bytes, "query -1 is out of range 0..2147483647");
        AssertRejected(Raw(kind, 1 + codec.FieldCount, (ref MessagePackWriter w) =>
        {
            w.WriteInt32(int.MinValue);
            for (int f = 1; f < codec.FieldCount; f++) w.WriteNil();
        }), $"query {int.MinValue} is out of range 0..2147483647");
    }

    [Fact]
    public void Query_beyond_int32_is_rejected()
    {
        AssertRejected(Raw("seco.query-ready", 2, (ref MessagePackWriter w) => w.WriteInt64(1L << 32)), "query 4294967296 is out of range 0..2147483647");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(Wire.MaxBlock + 1)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void Block_out_of_range_is_rejected(int block)
    {
        string problem = $"block {block} is out of range 1..{Wire.MaxBlock}";
        AssertRejected(Raw("seco.masked-activation", 4, (ref MessagePackWriter w) => { w.WriteInt32(0); w.WriteInt32(block); w.WriteBinary(ResidueBytes(1)); }), problem);
        AssertRejected(Raw("seco.garbler-input", 4, (ref MessagePackWriter w) => { w.WriteInt32(0); w.WriteInt32(block); w.WriteBinary([1, 2]); }), problem);
        AssertRejected(Raw("seco.gateway-circuit-output", 4, (ref MessagePackWriter w) => { w.WriteInt32(0); w.WriteInt32(block); w.WriteBinary(ResidueBytes(1)); }), problem);
        // A garbled layer's block, nested in a circuits message.
        AssertRejected(Raw("seco.garbled-circuits", 3, (ref MessagePackWriter w) =>
        {
            w.WriteInt32(0);
            w.WriteArrayHeader(1);
            w.WriteArrayHeader(4);
            w.WriteInt32(block);
            w.WriteArrayHeader(0);
            w.WriteBinary([]);
            w.WriteArrayHeader(0);
        }), problem);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(Wire.MaxBlock + 1)]
    public void Ot_block_out_of_range_is_rejected(int block)
    {
        // OT batches may carry block 0 (the offline batches cover every block), but not less or more than MaxBlock.
        foreach (string kind in new[] { "seco.ot-request", "seco.ot-response" })
            AssertRejected(Raw(kind, 5, (ref MessagePackWriter w) => { w.WriteInt32(0); w.WriteInt32((int)OtPurpose.EvaluatorShare); w.WriteInt32(block); w.WriteBinary([1]); }),
                $"block {block} is out of range 0..{Wire.MaxBlock}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(-3)]
    public void Unknown_ot_purpose_is_rejected(int purpose)
    {
        foreach (string kind in new[] { "seco.ot-request", "seco.ot-response" })
            AssertRejected(Raw(kind, 5, (ref MessagePackWriter w) => { w.WriteInt32(0); w.WriteInt32(purpose); w.WriteInt32(0); w.WriteBinary([1]); }),
                $"OT purpose {purpose} is out of range 1..4");
    }

    private enum Gapped { One = 1, Three = 3 }

    private enum Wide : long { Zero, One }

    [Fact]
    public void Enum_fields_are_checked_by_the_range_of_consecutive_members()
    {
        // The codecs check OT purposes and phases by range: that equals "is defined" only for consecutive members,
        // so an enum with a gap (or not written as int32) is refused before any message is read with it.
        Assert.Equal((1, 4), (Wire.Members<OtPurpose>.Min, Wire.Members<OtPurpose>.Max));
        Assert.Equal((0, 4), (Wire.Members<ProtocolPhase>.Min, Wire.Members<ProtocolPhase>.Max));
        var gap = Assert.Throws<TypeInitializationException>(() => Wire.Members<Gapped>.Min);
        Assert.Contains("Gapped has gaps between 1 and 3", gap.InnerException!.Message, StringComparison.Ordinal);
        var wide = Assert.Throws<TypeInitializationException>(() => Wire.Members<Wide>.Max);
        Assert.Contains("Wide is not int-backed", wide.InnerException!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(0)]
    public void Session_seed_of_wrong_length_is_rejected(int length)
    {
        AssertRejected(Raw("seco.setup-begin", 3, (ref MessagePackWriter w) => { w.WriteBinary(new byte[length]); w.WriteBinary([]); }),
            $"session seed of {length} bytes, expected 32");
    }

    [Fact]
    public void Too_many_blobs_are_rejected()
    {
        int n = Wire.MaxBlobs + 1;
        Fields manyBlobs = (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(n);
            for (int i = 0; i < n; i++) w.WriteBinary([]);
        };
        AssertRejected(Raw("seco.mask-shares", 3, (ref MessagePackWriter w) => { w.WriteInt32(0); manyBlobs(ref w); }), $"ciphertexts: {n} entries exceed the limit of {Wire.MaxBlobs}");
        AssertRejected(Raw("seco.decryption-shares", 3, (ref MessagePackWriter w) => { w.WriteInt32(0); manyBlobs(ref w); }), $"shares: {n} entries exceed the limit");
        AssertRejected(Raw("seco.provider-labels", 4, (ref MessagePackWriter w) => { w.WriteInt32(0); w.WriteInt32(1); manyBlobs(ref w); }), $"labels: {n} entries exceed the limit");
        AssertRejected(Raw("seco.server-key-shares", 4, (ref MessagePackWriter w) => { w.WriteBinary([1]); manyBlobs(ref w); w.WriteBinary([]); }), $"rotation key shares: {n} entries exceed the limit");
        AssertRejected(Raw("seco.user-prep", 4, (ref MessagePackWriter w) => { w.WriteInt32(0); w.WriteArrayHeader(0); manyBlobs(ref w); }), $"transition mask: {n} entries exceed the limit");
        // Nested: a garbled layer's chunks.
        AssertRejected(Raw("seco.garbled-circuits", 3, (ref MessagePackWriter w) =>
        {
            w.WriteInt32(0);
            w.WriteArrayHeader(1);
            w.WriteArrayHeader(4);
            w.WriteInt32(1);
            manyBlobs(ref w);
            w.WriteBinary([]);
            w.WriteArrayHeader(0);
        }), $"layers[0].chunks: {n} entries exceed the limit");

        // The limit itself is accepted.
        var ok = (MaskShares)SecoCodecs.Decode(Raw("seco.mask-shares", 3, (ref MessagePackWriter w) =>
        {
            w.WriteInt32(0);
            w.WriteArrayHeader(Wire.MaxBlobs);
            for (int i = 0; i < Wire.MaxBlobs; i++) w.WriteBinary([]);
        }));
        Assert.Equal(Wire.MaxBlobs, ok.Ciphertexts.Length);
    }

    [Fact]
    public void Too_many_layers_or_malformed_layer_is_rejected()
    {
        int n = Wire.MaxLayers + 1;
        AssertRejected(Raw("seco.garbled-circuits", 3, (ref MessagePackWriter w) =>
        {
            w.WriteInt32(0);
            w.WriteArrayHeader(n);
            for (int i = 0; i < n; i++) w.WriteNil();
        }), $"layers: {n} layers exceed the limit of {Wire.MaxLayers}");
        AssertRejected(Raw("seco.garbled-circuits", 3, (ref MessagePackWriter w) =>
        {
            w.WriteInt32(0);
            w.WriteArrayHeader(2);
            w.WriteArrayHeader(4);
            w.WriteInt32(1);
            w.WriteArrayHeader(0);
            w.WriteBinary([]);
            w.WriteArrayHeader(0);
            w.WriteArrayHeader(3);
            w.WriteInt32(2);
            w.WriteArrayHeader(0);
            w.WriteBinary([]);
        }), "layers[1]: a garbled layer has 4 fields, not 3");
    }

    [Fact]
    public void Field_of_the_wrong_type_is_rejected()
    {
        AssertRejected(Raw("seco.query-ready", 2, (ref MessagePackWriter w) => w.WriteString("0")), "expected");
        AssertRejected(Raw("seco.masked-activation", 4, (ref MessagePackWriter w) => { w.WriteInt32(0); w.WriteInt32(1); w.WriteArrayHeader(0); }), "expected");
        AssertRejected(Raw("seco.output-ciphertext", 3, (ref MessagePackWriter w) => { w.WriteInt32(0); w.WriteString("ct"); }), "expected");
    }
}
