using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Configuration;
using Seco.Cluster.Wire;
using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Cluster.Tests.Wire;

/// <summary>
/// The Akka serializer over the SECO codecs: the body is exactly <see cref="SecoCodecs.Encode"/>'s bytes, and nothing
/// from the wire makes it throw anything but <see cref="SerializationException"/> — a malformed protocol body becomes a
/// value that names its problem (and its query, when that still reads), so one query fails, not the link.
/// </summary>
public sealed class SecoSerializerTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("serializer-test", ConfigurationFactory.ParseString("akka.loglevel = ERROR"));
    private readonly SecoSerializer _serializer;

    public SecoSerializerTests() => _serializer = new SecoSerializer((ExtendedActorSystem)_system);

    public void Dispose() => _system.Dispose();

    private static readonly SecoMessage[] Samples =
    [
        new SetupBegin(new byte[32], [1, 2, 3]),
        new ServerReady(),
        new MaskShares(4, [[1, 2], [3]]),
        new MaskedActivation(2, 3, [1, 2, 3]),
        new OtRequest(1, OtPurpose.UserLabels, 0, [9, 9, 9]),
        new QueryAborted(7, ProtocolPhase.Online, "a reason"),
        new OutputCiphertext(5, [1, 2, 3, 4]),
    ];

    [Fact]
    public void Body_is_the_codec_encoding_and_manifest_the_kind()
    {
        foreach (SecoMessage m in Samples)
        {
            string kind = SecoCodecs.For(m.GetType()).Kind;
            Assert.Equal(kind, _serializer.Manifest(m));
            Assert.Equal(SecoCodecs.Encode(m), _serializer.ToBinary(m));
            EncodedSecoMessage encoded = EncodedSecoMessage.Of(m);
            Assert.Equal(kind, _serializer.Manifest(encoded));
            Assert.Same(encoded.Body, _serializer.ToBinary(encoded));
            var back = Assert.IsType<ReceivedSecoMessage>(_serializer.FromBinary(encoded.Body, kind));
            Assert.Equal(encoded.Body, SecoCodecs.Encode(back.Message!));
            Assert.Equal(encoded.Body.Length, back.BodyBytes);
            Assert.Null(back.Problem);
        }
    }

    [Fact]
    public void A_malformed_body_names_its_problem_and_its_query()
    {
        byte[] body = SecoCodecs.Encode(new MaskShares(4, [[1, 2], [3]]));
        var cut = Assert.IsType<ReceivedSecoMessage>(_serializer.FromBinary(body[..^2], "seco.mask-shares"));
        Assert.True(cut.IsMalformed);
        Assert.Equal(4, cut.Query);
        Assert.Contains("malformed 'seco.mask-shares'", cut.Problem);

        var wrongKind = Assert.IsType<ReceivedSecoMessage>(_serializer.FromBinary(body, "seco.linear-shares"));
        Assert.Contains("the manifest says 'seco.linear-shares' but the body is 'seco.mask-shares'", wrongKind.Problem);
        Assert.Equal(4, wrongKind.Query);

        var unknown = Assert.IsType<ReceivedSecoMessage>(_serializer.FromBinary(body, "seco.nonsense\u0007"));
        Assert.Equal("unknown SECO message kind 'seco.nonsense?'", unknown.Problem);
        Assert.Null(unknown.Query);
    }

    [Fact]
    public void Host_messages_round_trip_with_actor_references()
    {
        IActorRef probe = _system.ActorOf(Props.Empty, "probe");
        IHostMessage[] messages =
        [
            new RunStart(3, "abc123"), new RunStarted(3, Party.Evaluator), new LinkOffer(3, Party.Garbler, probe, "5f0c"), new LinkAccepted(3, Party.Gateway),
            new RunStop(3, Party.Gateway, "the user finished"), new RunStopped(3, Party.Garbler),
            new RunStart(4, "abc123") { Seal = new ControlSeal(-77, [1, 2, 3]) }, new RunStop(4, Party.Evaluator, "no") { Seal = new ControlSeal(5, new byte[384]) },
        ];
        foreach (IHostMessage m in messages)
        {
            object back = _serializer.FromBinary(_serializer.ToBinary(m), _serializer.Manifest(m));
            Assert.Equal(m, back);
        }
        Assert.Throws<SerializationException>(() => _serializer.FromBinary([0x92, 0x01], "seco-host.run-start"));
        Assert.Throws<SerializationException>(() => _serializer.FromBinary([0x94, 0x01, 0x07, 0xa1, 0x78, 0xa1, 0x78], "seco-host.link-offer"));
        Assert.Throws<SerializationException>(() => _serializer.FromBinary([], "seco-host.other"));
        // A seal's signature is bounded; the seal is part of the message's value.
        var oversized = new RunStarted(3, Party.Garbler) { Seal = new ControlSeal(1, new byte[HostMessages.MaxSignature + 1]) };
        Assert.Throws<SerializationException>(() => _serializer.FromBinary(_serializer.ToBinary(oversized), "seco-host.run-started"));
        Assert.NotEqual(new RunStarted(3, Party.Garbler) { Seal = new ControlSeal(1, [1]) }, new RunStarted(3, Party.Garbler) { Seal = new ControlSeal(1, [2]) });
        Assert.Throws<SerializationException>(() => _serializer.Manifest("a string"));
    }

    /// <summary>Random bytes, truncations and bit flips of real bodies under every manifest: only values or SerializationException.</summary>
    [Fact]
    public void Nothing_from_the_wire_throws_anything_but_SerializationException()
    {
        var random = new Random(17);
        string[] manifests = [.. SecoCodecs.All.Select(c => c.Kind), "seco-host.run-start", "seco-host.link-offer", "seco-host.run-stop", "seco-host.run-started", "seco-host.link-accepted", "seco-host.run-stopped", "", "x"];
        var bodies = Samples.Select(SecoCodecs.Encode).ToList();
        foreach (IHostMessage h in new IHostMessage[] { new RunStart(9, "d") { Seal = new ControlSeal(3, new byte[40]) }, new RunStop(9, Party.Gateway, "r"), new RunStopped(9, Party.Evaluator) })
            bodies.Add(_serializer.ToBinary(h));
        for (int i = 0; i < 4000; i++)
        {
            byte[] bytes;
            if (i % 3 == 0)
            {
                bytes = new byte[random.Next(0, 64)];
                random.NextBytes(bytes);
            }
            else
            {
                bytes = (byte[])bodies[random.Next(bodies.Count)].Clone();
                if (i % 3 == 1 && bytes.Length > 0) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                else bytes = bytes[..random.Next(bytes.Length + 1)];
            }
            string manifest = manifests[random.Next(manifests.Length)];
            try
            {
                object o = _serializer.FromBinary(bytes, manifest);
                Assert.True(o is ReceivedSecoMessage or IHostMessage, o.GetType().Name);
            }
            catch (SerializationException)
            {
            }
        }
    }
}
