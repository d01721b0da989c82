using Seco.Garbling.Circuits;
using Seco.Garbling.Crypto;
using Seco.Garbling.Garbling;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Seco.Protocol.Tests.Audit;
using Xunit;
using Xunit.Abstractions;

namespace Seco.Protocol.Tests.Delphi3;

/// <summary>
/// The recipient-side view audits (<see cref="ViewAuditor"/>) on the DELPHI-3 baseline (paper App. C): real runs of the
/// MLP at l = 0 and l = 1 and of MiniONN at l = 1, three queries of one image each. Every party alone, and A with C
/// (the baseline's maximal allowed coalition with A: B with A evaluates with both labels of every wire, B with C holds
/// all the weights), learns nothing — A's view now also holds B's garbled tables and labels and C's forwarded labels.
/// Then the labels themselves: A holds exactly one label of each of B's and C's input wires, never both, and their
/// point-and-permute bits say nothing of the bits; the only values A gets out of its circuits are x_{i+1} − r_{i+1},
/// uniform across queries; with B's Δ (the coalition the baseline forbids) the same labels give B's and C's shares away.
/// </summary>
public class Delphi3ViewAuditTests(Delphi3ViewAuditTests.Runs runs, ITestOutputHelper output) : IClassFixture<Delphi3ViewAuditTests.Runs>
{
    public sealed class Runs
    {
        private readonly Dictionary<(string, int), Lazy<AuditedRun>> _runs = [];

        public Runs()
        {
            foreach ((string file, int split) in new[] { ("mlp.onnx", 0), ("mlp.onnx", 1), ("minionn.onnx", 1) })
            {
                var model = EndToEndTests.Model(file);
                ulong[] image = EndToEndTests.Inputs(model, 1)[0];
                _runs[(file, split)] = new(() => new AuditedRun(model, split, [.. Enumerable.Repeat(image, ViewAuditFixture.Queries)],
                    protocol: FbcProtocol.Delphi3, captureEncodings: true));
            }
        }

        internal AuditedRun At(string file, int split) => _runs[(file, split)].Value;
    }

    private static readonly Party A = Party.Gateway, B = Party.Server(1, 0), C = Party.Server(1, 1);

    [Theory]
    [InlineData("mlp.onnx", 0, "User")]
    [InlineData("mlp.onnx", 0, "Gateway")]
    [InlineData("mlp.onnx", 0, "Garbler")]
    [InlineData("mlp.onnx", 0, "Evaluator")] // C: server 1, the input provider here
    [InlineData("mlp.onnx", 1, "User")]
    [InlineData("mlp.onnx", 1, "Gateway")]
    [InlineData("mlp.onnx", 1, "Garbler")]
    [InlineData("mlp.onnx", 1, "Evaluator")]
    [InlineData("minionn.onnx", 1, "Gateway")]
    [InlineData("minionn.onnx", 1, "Evaluator")]
    public void Party_learns_nothing_beyond_its_output(string file, int split, string party)
    {
        AuditedRun run = runs.At(file, split);
        Assert.Equal(FbcProtocol.Delphi3, run.P.Protocol);
        // Garbled tables are scanned byte by byte in the MLP's runs (MiniONN's are tens of MB a layer).
        PartyAudit.AssertNothingLearned(run, TestParties.Of(party), tables: file == "mlp.onnx", output);
    }

    [Theory]
    [InlineData("mlp.onnx", 0)]
    [InlineData("mlp.onnx", 1)]
    [InlineData("minionn.onnx", 1)]
    public void A_with_C_learns_nothing(string file, int split)
    {
        AuditedRun run = runs.At(file, split);
        Assert.Equal(["A+T1.1", "T1.0"], Coalition.Maximal(run.P).Select(c => c.Name));
        Assert.False(Coalition.Parse("A+B").AllowedUnder(FbcProtocol.Delphi3));
        Assert.False(Coalition.Parse("B+C").AllowedUnder(FbcProtocol.Delphi3));
        PartyAudit.AssertCoalitionLearnsNothing(run, Coalition.Parse("A+C"), output);
    }

    [Fact]
    public void C_s_view_holds_no_garbled_table_and_no_label_but_its_own_OT_replies()
    {
        AuditedRun run = runs.At("mlp.onnx", 0);
        Type[] kinds = [.. run.ReceivedBy(C).Select(d => d.Message.GetType()).Distinct()];
        Assert.DoesNotContain(typeof(GarbledCircuits), kinds);
        Assert.DoesNotContain(typeof(GarblerInput), kinds);
        Assert.DoesNotContain(typeof(ProviderLabels), kinds);
        Assert.DoesNotContain(typeof(ProviderInput), kinds);
        Assert.All(run.ReceivedBy(C).Where(d => d.Message is OtResponse), d => Assert.Equal(B, d.From));
    }

    [Theory]
    [InlineData("mlp.onnx", 0)]
    [InlineData("mlp.onnx", 1)]
    [InlineData("minionn.onnx", 1)]
    public void A_holds_one_label_per_wire_of_B_s_and_C_s_inputs_and_cannot_read_their_bits(string file, int split)
    {
        AuditedRun run = runs.At(file, split);
        Dictionary<(int Query, int Block, string Group), Block[]> held = LabelsAHolds(run);
        int[] relu = [.. run.P.Tier(1).Blocks.Where(i => i < run.L)];
        // Every (query, ReLU block) has B's and C's share and next-mask groups, each from one message.
        Assert.Equal(run.Queries * relu.Length * 4, held.Count);
        int agree = 0, wires = 0;
        var problems = new List<string>();
        foreach (int q in Enumerable.Range(0, run.Queries))
        {
            foreach (int i in relu)
            {
                InputEncoding encoding = run.Encodings[(q, i)];
                var all = new HashSet<Block>(held.Where(h => h.Key.Query == q && h.Key.Block == i).SelectMany(h => h.Value));
                foreach (string group in new[] { "E2", "neg_r2", "E3", "neg_r3" })
                {
                    Block[] labels = held[(q, i, group)];
                    Block[] zero = encoding.ZeroLabels(group).ToArray();
                    Assert.Equal(zero.Length, labels.Length);
                    for (int w = 0; w < labels.Length; w++)
                    {
                        bool one = labels[w] == (zero[w] ^ encoding.Delta);
                        if (!one && labels[w] != zero[w])
                            problems.Add($"q{q} block {i} {group} wire {w}: not a label of the wire");
                        if (all.Contains(labels[w] ^ encoding.Delta))
                            problems.Add($"q{q} block {i} {group} wire {w}: A holds both labels of the wire (or two that differ by Δ)");
                        agree += labels[w].Lsb == one ? 1 : 0;
                        wires++;
                    }
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(20)));
        // The point-and-permute bit of a label is its bit XOR a uniform secret bit of B's: it agrees with the bit on about half the wires.
        double sigma = Math.Sqrt(wires) / 2;
        output.WriteLine($"{file} l = {split}: {wires:N0} wires of B's and C's inputs in A's view, the label's lsb equals the bit on {agree:N0}");
        Assert.InRange(agree, (wires / 2.0) - (6 * sigma), (wires / 2.0) + (6 * sigma));
    }

    [Theory]
    [InlineData("mlp.onnx", 0)]
    [InlineData("minionn.onnx", 1)]
    public void What_A_gets_out_of_its_circuits_is_x_minus_r_uniform_across_queries(string file, int split)
    {
        AuditedRun run = runs.At(file, split);
        var auditor = new ViewAuditor(run);
        // A's circuit outputs: the masked activations it hands B and C after the transition (blocks l+2..L).
        List<ClearVector> outputs = [.. auditor.ClearVectorsOf(A).Where(v => v.What.Contains("gateway→", StringComparison.Ordinal)
            && int.Parse(v.What[2..v.What.IndexOf(' ', StringComparison.Ordinal)]) >= run.Split + 2)];
        Assert.Equal(run.Queries * (run.L - run.Split - 1), outputs.Count);
        foreach (ClearVector v in outputs)
        {
            int block = int.Parse(v.What[2..v.What.IndexOf(' ', StringComparison.Ordinal)]);
            Assert.Equal(ZpVector.Subtract(run.Truth[v.Query].X[block], run.Masks[(v.Query, block)]), v.Values);
        }
        List<string> findings = auditor.AuditClearVectors(outputs);
        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }

    [Fact]
    public void With_B_s_delta_the_forbidden_coalition_A_with_B_decodes_both_shares_to_the_pre_activations()
    {
        // The negative control: the labels A holds are C's and B's true inputs — with B's Δ they decode to E^B and E^C,
        // whose sum with A's E¹ is z_i = F_i x_i + b_i, and to B's and C's next-mask shares. A alone lacks Δ.
        AuditedRun run = runs.At("mlp.onnx", 1);
        Dictionary<(int Query, int Block, string Group), Block[]> held = LabelsAHolds(run);
        List<Decryption> e1 = new ViewAuditor(run).DecryptionsBy(A);
        int block = run.Split + 1;
        for (int q = 0; q < run.Queries; q++)
        {
            ulong[] eb = Decode(run, q, block, "E2", held), ec = Decode(run, q, block, "E3", held);
            ulong[] sum = ZpVector.Add(ZpVector.Add(eb, ec), e1.Single(d => d.Query == q && d.Block == block).OutputValues);
            Assert.Equal(run.Truth[q].Z[block], sum);
            Assert.Equal(ZpVector.Negate(run.MaskShares[(q, block + 1, C)]), Decode(run, q, block, "neg_r3", held));
            Assert.Equal(ZpVector.Negate(run.MaskShares[(q, block + 1, B)]), Decode(run, q, block, "neg_r2", held));
        }
    }

    /// <summary>The values a label group encodes, read with the garbler's secret encoding (the forbidden A+B coalition).</summary>
    private static ulong[] Decode(AuditedRun run, int query, int block, string group, Dictionary<(int, int, string), Block[]> held)
    {
        InputEncoding encoding = run.Encodings[(query, block)];
        Block[] labels = held[(query, block, group)], zero = encoding.ZeroLabels(group).ToArray();
        bool[] bits = [.. labels.Select((l, w) => l != zero[w])];
        return ReluLayers.Values(bits, bits.Length / run.P.Block(block).Rows);
    }

    /// <summary>
    /// Every label A receives in the clear, by (query, block, input group name): B's next-mask labels with each layer and
    /// its share labels online, C's forwarded next-mask labels and share labels. A group given twice fails the test.
    /// </summary>
    private static Dictionary<(int Query, int Block, string Group), Block[]> LabelsAHolds(AuditedRun run)
    {
        var held = new Dictionary<(int, int, string), Block[]>();
        int[] relu = [.. run.P.Tier(1).Blocks.Where(i => i < run.L)];
        void Add(int query, int block, byte[] bytes)
        {
            Circuit circuit = ReluLayers.Remote(run.P.Block(block).Shift, run.P.Block(block).Rows, run.P.Tier(1).Servers);
            InputLabels labels = InputLabels.Read(bytes);
            Assert.True(held.TryAdd((query, block, circuit.Inputs[labels.Group].Name), labels.Labels), $"q{query} block {block}: group {labels.Group} reaches A twice");
        }
        foreach ((Party from, SecoMessage message) in run.ReceivedBy(A))
        {
            switch (message)
            {
                case GarbledCircuits m when from == B:
                    foreach (GarbledLayer layer in m.Layers)
                        foreach (byte[] g in layer.GarblerLabels) Add(m.Query, layer.Block, g);
                    break;
                case ProviderLabels m when from == C:
                    for (int k = 0; k < m.Labels.Length; k++) Add(m.Query, relu[k], m.Labels[k]);
                    break;
                case GarblerInput m when from == B:
                    Add(m.Query, m.Block, m.Labels);
                    break;
                case ProviderInput m when from == C:
                    Add(m.Query, m.Block, m.Labels);
                    break;
            }
        }
        return held;
    }
}
