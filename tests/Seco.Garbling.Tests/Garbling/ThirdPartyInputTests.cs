using Seco.Garbling.Circuits;
using Seco.Garbling.Circuits.Gadgets;
using Seco.Garbling.Crypto;
using Seco.Garbling.Garbling;
using Seco.Garbling.Ot;
using Xunit;
using static Seco.Garbling.Tests.Circuits.SecoReluCircuitsTests;
using static Seco.Garbling.Tests.Circuits.ZpArithmeticTests;

namespace Seco.Garbling.Tests.Garbling;

/// <summary>
/// The F_BC label flow of paper §III-B-4 and Alg. 16 with real OT: garbler B, evaluator C, third input provider A.
/// A obtains the labels of its inputs from B by OT before garbling (random correlated OT under B's Δ; B adopts the
/// OT outputs as the 0-labels) and forwards them to C; B sends its own labels directly; C gets its labels online,
/// after garbling, by chosen-message OT on (W⁰, W⁰ ⊕ Δ). Everything crosses as bytes.
/// </summary>
public class ThirdPartyInputTests
{
    [Fact]
    public void ProviderLabelsForwardedToTheEvaluatorDecodeToTheReference()
    {
        const int neurons = 64, shift = 10;
        var layer = CircuitBatch.Replicate(SecoReluCircuits.RemoteTier(shift, ["A", "B", "C"]), neurons);
        var rng = new Random(5);
        var e = new ulong[neurons][];
        var r = new ulong[neurons][];
        for (int n = 0; n < neurons; n++)
        {
            e[n] = SharesOf(Target(rng, P, shift), 3, rng, P);
            r[n] = [Sample(rng, P), Sample(rng, P), Sample(rng, P)];
        }
        int width = layer.Input("E1").Width / neurons;
        bool[] Bits(int party, bool mask) => mask
            ? r.SelectMany(x => Circuit.ToBits(SecoReluCircuits.Negate(x[party]), width)).ToArray()
            : e.SelectMany(x => Circuit.ToBits(x[party], width)).ToArray();
        int Group(string name) => layer.Inputs.ToList().FindIndex(g => g.Name == name);

        // Offline: B ↔ A random correlated OT under B's free-XOR offset; B adopts its outputs as A's 0-labels.
        var delta = BlockRandom.Os.Next().WithLsbSet();
        var garbler = new Garbler(layer, delta);
        var otWithA = OtLoopback.Create(delta);
        var forwarded = new List<byte[]>();
        foreach (var (name, bits) in new[] { ("E1", Bits(0, false)), ("neg_r1", Bits(0, true)) })
        {
            var zero = new Block[bits.Length];
            var aLabels = new Block[bits.Length];
            otWithA.RandomCorrelated(OtBits.Pack(bits), zero, aLabels);
            garbler.AssignInputZeroLabels(Group(name), zero);
            forwarded.Add(new InputLabels(Group(name), aLabels).ToBytes()); // A → C
        }
        var chunks = garbler.Chunks().Select(c => c.ToBytes()).ToList();           // B → C
        var decoding = garbler.OutputDecoding.ToBytes();                            // B → C
        var own = new[] { "E2", "neg_r2" }.Select((name, i) =>                    // B → C
            new InputLabels(Group(name), garbler.InputEncoding.Encode(Group(name), Bits(1, i == 1))).ToBytes()).ToList();

        // Online: C gets the labels of its own inputs by chosen-message OT with B.
        var evaluator = new Evaluator(layer);
        var otWithC = OtLoopback.Create();
        foreach (var (name, bits) in new[] { ("E3", Bits(2, false)), ("neg_r3", Bits(2, true)) })
        {
            var w0 = garbler.InputEncoding.ZeroLabels(name).ToArray();
            var w1 = w0.Select(w => w ^ delta).ToArray();
            var cLabels = new Block[bits.Length];
            otWithC.Chosen(w0, w1, OtBits.Pack(bits), cLabels);
            evaluator.SetInput(Group(name), cLabels);
        }
        foreach (var message in forwarded.Concat(own)) InputLabels.Read(message).ApplyTo(evaluator);
        foreach (var chunk in chunks) evaluator.Consume(chunk);
        var y = OutputDecoding.Read(decoding, layer.OutputWidth).Decode(evaluator.OutputLabels());

        for (int n = 0; n < neurons; n++)
            Assert.Equal(SecoReluCircuits.Reference(e[n], r[n], shift), Circuit.FromBits(y.AsSpan(n * width, width).ToArray()));
    }

    [Fact]
    public void MalformedInputLabelsAreRejected()
    {
        var bytes = new InputLabels(2, new Block[3]).ToBytes();
        Assert.Contains("truncated", Assert.Throws<FormatException>(() => InputLabels.Read(bytes.AsSpan(0, bytes.Length - 1))).Message);
        Assert.Contains("trailing", Assert.Throws<FormatException>(() => InputLabels.Read(bytes.Concat(new byte[16]).ToArray())).Message);
        var huge = (byte[])bytes.Clone();
        huge[7] = 0x7F;
        Assert.Contains("declare", Assert.Throws<FormatException>(() => InputLabels.Read(huge)).Message);
        Assert.Equal(2, InputLabels.Read(bytes).Group);
        var evaluator = new Evaluator(SecoReluCircuits.RemoteTier(10, ["A", "B", "C"]));
        Assert.Throws<ArgumentException>(() => InputLabels.Read(bytes).ApplyTo(evaluator)); // 3 labels for a 41-wire group
    }

    [Fact]
    public void Labels_applied_straight_from_the_wire_form_are_validated_and_set_like_parsed_ones()
    {
        var circuit = SecoReluCircuits.RemoteTier(10, ["A", "B", "C"]);
        int group = 0;
        var labels = Enumerable.Range(1, circuit.Inputs[group].Width).Select(k => new Block((ulong)k, (ulong)(3 * k))).ToArray();
        byte[] bytes = new InputLabels(group, labels).ToBytes();
        var direct = new Evaluator(circuit);
        InputLabels.ApplyTo(bytes, direct);
        Assert.Throws<InvalidOperationException>(() => direct.SetInput(group, labels)); // the group is set, with these labels' count

        Assert.Contains("truncated", Assert.Throws<FormatException>(() => InputLabels.ApplyTo(bytes.AsSpan(0, bytes.Length - 1), new Evaluator(circuit))).Message);
        Assert.Contains("trailing", Assert.Throws<FormatException>(() => InputLabels.ApplyTo(bytes.Concat(new byte[16]).ToArray(), new Evaluator(circuit))).Message);
        byte[] wrongWidth = new InputLabels(group, new Block[3]).ToBytes();
        Assert.Throws<ArgumentException>(() => InputLabels.ApplyTo(wrongWidth, new Evaluator(circuit)));
    }
}
